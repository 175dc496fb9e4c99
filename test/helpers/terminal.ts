import {spawn, spawnSync} from 'node:child_process'
import path from 'node:path'

import {isolatedHome, projectRoot} from './cli.js'

/** util-linux `script` gives a child a pseudo-terminal; tests that need one skip without it. */
export const hasScript = spawnSync('script', ['--version']).status === 0

/** Runs vsi in a pseudo-terminal (util-linux `script`), answering each prompt when it appears. */
export function runInTerminal(
  args: string[],
  env: Record<string, string>,
  answers: Array<[prompt: string, keys: string]>,
  options: {cwd?: string} = {},
): Promise<{output: string; code: number | null}> {
  const command = [process.execPath, path.join(projectRoot, 'bin/run.js'), ...args].map((part) => `'${part}'`).join(' ')
  const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(VAULT_|KUBECONFIG$|CI$|NO_COLOR$)/.test(key)))
  const child = spawn('script', ['-qec', command, '/dev/null'], {cwd: options.cwd, env: {...baseEnv, HOME: isolatedHome, TERM: 'xterm', ...env}, stdio: ['pipe', 'pipe', 'pipe']})
  let output = ''
  let next = 0
  // Each prompt is looked for after the previous answer, so that a question asked twice is answered twice.
  let from = 0
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8')
    while (next < answers.length && output.includes(answers[next][0], from)) {
      from = output.indexOf(answers[next][0], from) + answers[next][0].length
      child.stdin.write(answers[next++][1])
    }
  })
  const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g')
  return new Promise((resolve) => child.on('close', (code) => resolve({output: output.replace(ansi, ''), code})))
}

import {execa} from 'execa'
import {appendFileSync, mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {expect} from 'vitest'

export const projectRoot = fileURLToPath(new URL('../..', import.meta.url))
/** The tutorial's own manifests and patches, byte for byte (see test/fixtures/tutorial/README.md). */
export const seedDir = path.join(projectRoot, 'test/fixtures/tutorial')
const runJs = path.join(projectRoot, 'bin/run.js')

export interface CliResult {
  stdout: string
  stderr: string
  exitCode: number
  /** stdout parsed as JSON when the run used --json. */
  json: any
}

export interface CliOptions {
  cwd?: string
  env?: Record<string, string | undefined>
  input?: string
  timeoutMs?: number
}

/** Variables from the developer's own shell that would point vsi at a real Vault or cluster. */
const INHERITED_TO_DROP = [/^VAULT_/, /^KUBECONFIG$/, /^NO_COLOR$/, /^FORCE_COLOR$/, /^CI$/, /^DEBUG$/]

/**
 * A fresh HOME per test file, so ~/.vault-token and ~/.kube/config of the machine never leak into a test, and
 * nothing one file's runs leave in HOME (helm's repositories, npm's cache) reaches the next file of a shared worker.
 */
export let isolatedHome = newHome()

/** Called before each CLI test file (test/setup/fresh-home.ts): the files of one worker share this module. */
export function useFreshHome(): void {
  isolatedHome = newHome()
}

function newHome(): string {
  return mkdtempSync(path.join(tmpdir(), 'vsi-home-'))
}

/** Runs the built CLI as a user would: a real `node bin/run.js` process. */
export async function runVsi(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const baseEnv = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !INHERITED_TO_DROP.some((pattern) => pattern.test(key))),
  )
  // docs/testing.md: VSI_TEST_SPAWN_LOG=file records each spawn (test file, test, command) to count them per file.
  if (process.env.VSI_TEST_SPAWN_LOG) appendFileSync(process.env.VSI_TEST_SPAWN_LOG, JSON.stringify({file: expect.getState().testPath, test: expect.getState().currentTestName, args: args.slice(0, 2)}) + '\n')
  const result = await execa(process.execPath, [runJs, ...args], {
    cwd: options.cwd ?? projectRoot,
    env: {...baseEnv, HOME: isolatedHome, ...options.env},
    extendEnv: false,
    input: options.input,
    stdin: options.input === undefined ? 'ignore' : undefined,
    reject: false,
    timeout: options.timeoutMs ?? 60_000,
  })
  let json: unknown
  if (args.includes('--json')) {
    try {
      json = JSON.parse(result.stdout)
    } catch {
      json = undefined
    }
  }
  return {stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode ?? -1, json}
}

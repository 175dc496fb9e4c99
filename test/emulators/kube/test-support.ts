/** Shared by the emulator's own tests: run the real kubectl against a kubeconfig the emulator wrote. */
import {execFile, spawnSync} from 'node:child_process'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {KubeEmulator} from './index.js'

export const hasKubectl = spawnSync('kubectl', ['version', '--client'], {stdio: 'ignore'}).status === 0

export interface KubectlResult {
  code: number
  stdout: string
  stderr: string
}

/** A kubectl bound to one emulator, with its own HOME so discovery is cached per test file. */
export function kubectlFor(kube: KubeEmulator, opts: {token?: string} = {}) {
  const home = mkdtempSync(join(tmpdir(), 'kubectl-home-'))
  const kubeconfig = join(home, 'config')
  kube.writeKubeconfig(kubeconfig, opts)
  const run = (args: string[], input?: string): Promise<KubectlResult> =>
    new Promise((resolve) => {
      const child = execFile('kubectl', args, {env: {...process.env, HOME: home, KUBECONFIG: kubeconfig}, timeout: 25_000}, (error, stdout, stderr) => {
        resolve({code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr})
      })
      if (input !== undefined) child.stdin!.end(input)
    })
  return Object.assign(run, {home, kubeconfig})
}

/** Exec through client-node the way vsi does, collecting output and the channel-3 status. */
export async function execCapture(kubeconfig: string, namespace: string, pod: string, container: string, argv: string[]) {
  const {Exec, KubeConfig} = await import('@kubernetes/client-node')
  const {PassThrough} = await import('node:stream')
  const kc = new KubeConfig()
  kc.loadFromFile(kubeconfig)
  const out = new PassThrough()
  const err = new PassThrough()
  let stdout = ''
  let stderr = ''
  out.on('data', (c: Buffer) => (stdout += c))
  err.on('data', (c: Buffer) => (stderr += c))
  const status = await new Promise<{status?: string; reason?: string; message?: string; details?: {causes?: Array<{reason?: string; message?: string}>}} | 'closed without status'>((resolve, reject) => {
    new Exec(kc)
      .exec(namespace, pod, container, argv, out, err, null, false, (s) => resolve(s as never))
      .then((ws) => ws.on('close', () => setImmediate(() => resolve('closed without status'))))
      .catch((e: {message?: string}) => reject(new Error(e.message)))
  })
  return {status, stdout, stderr}
}

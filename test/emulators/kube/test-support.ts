/** Shared by the emulator's own tests: run the real kubectl against a kubeconfig the emulator wrote. */
import {execFile, spawn, spawnSync} from 'node:child_process'
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
  return kubectlAt(kubeconfig, home)
}

/** A kubectl using an existing kubeconfig (e.g. the one `npm run emulators` wrote). */
export function kubectlAt(kubeconfig: string, home = mkdtempSync(join(tmpdir(), 'kubectl-home-'))) {
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

/** A long-running kubectl (get -w, logs -f): resolves `until(regex)` as soon as its stdout matches. */
export function kubectlStream(kubectl: ReturnType<typeof kubectlAt>, args: string[]) {
  const child = spawn('kubectl', args, {env: {...process.env, HOME: kubectl.home, KUBECONFIG: kubectl.kubeconfig}})
  let stdout = ''
  let stderr = ''
  const waiters: Array<{re: RegExp; resolve: (m: RegExpMatchArray) => void}> = []
  const check = () => {
    for (const w of [...waiters]) {
      const m = stdout.match(w.re)
      if (m) {
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve(m)
      }
    }
  }
  child.stdout.on('data', (d: Buffer) => {
    stdout += d
    check()
  })
  child.stderr.on('data', (d: Buffer) => (stderr += d))
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)))
  return {
    get stdout() {
      return stdout
    },
    get stderr() {
      return stderr
    },
    exited,
    until(re: RegExp): Promise<RegExpMatchArray> {
      return new Promise((resolve, reject) => {
        waiters.push({re, resolve})
        check()
        void exited.then(() => setImmediate(() => reject(new Error(`kubectl exited before printing ${re}; stdout:\n${stdout}\nstderr:\n${stderr}`))))
      })
    },
    stop() {
      child.kill()
      return exited
    },
  }
}

import {WebSocketServer, type WebSocket} from 'ws'

import type {Cluster} from '../cluster.js'
import type {UpgradeContext} from '../server.js'
import type {Container, KubeObject} from '../types.js'

import {errors, type Status} from '../errors.js'
import type {PodFilesystem} from './filesystem.js'
import {selectContainer} from './logs.js'
import {containerEnv} from './container-env.js'
import {runArgv, type CommandResult} from './shell.js'
import {vaultCommand, type Dial} from './vault-cli.js'

/** A test-injected failure of the next exec streams. */
export interface ExecFault {
  /** `drop`: cut the connection after the output, without a close frame; `no-status`: close cleanly without a status */
  mode: 'drop' | 'no-status'
  count?: number
}

const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io']
const CLOSE_CHANNEL = 255

const isTrue = (v: string | null) => v !== null && v !== '0' && v !== 'false'

/**
 * `pods/exec` over WebSocket, as the API server's v5 stream translator (or a v4 kubelet) serves it: errors before
 * the upgrade as HTTP Status, then channel-prefixed binary frames and one Status on channel 3.
 */
export class ExecHandler {
  private readonly wss = new WebSocketServer({noServer: true, handleProtocols: (offered) => EXEC_PROTOCOLS.find((p) => offered.has(p)) ?? false})
  private readonly faults: Array<ExecFault & {remaining: number}> = []

  constructor(
    private readonly cluster: Cluster,
    /** "ns/pod:port" → where that pod's port really listens (the same table port-forward uses) */
    private readonly targets: Record<string, {host: string; port: number}> = {},
  ) {}

  failNext(fault: ExecFault): void {
    this.faults.push({...fault, remaining: fault.count ?? 1})
  }

  close(): void {
    for (const client of this.wss.clients) client.terminate()
    this.wss.close()
  }

  handle = (ctx: UpgradeContext): void => {
    // read-only below: the stored pod, not a copy
    const pod = this.cluster.store.peek('pods', ctx.namespace, ctx.pod)!
    const q = ctx.url.searchParams
    const container = selectContainer(pod, q.get('container'))
    const command = q.getAll('command')
    const [stdin, stdout, stderr] = ['stdin', 'stdout', 'stderr'].map((k) => isTrue(q.get(k)))
    if (!stdin && !stdout && !stderr) throw errors.badRequest('you must specify at least 1 of stdin, stdout, stderr')
    if (!command.length) throw errors.badRequest('you must specify at least one command for the container')
    if (['Succeeded', 'Failed'].includes(pod.status?.phase)) {
      throw errors.badRequest(`cannot exec into a container in a completed pod; current phase is ${pod.status.phase}`)
    }
    const offered = String(ctx.req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim())
    if (!EXEC_PROTOCOLS.some((p) => offered.includes(p))) throw errors.badRequest('websocket protocol not supported')
    this.wss.handleUpgrade(ctx.req, ctx.socket, ctx.head, (ws) => {
      ctx.record(101)
      this.session(ws, pod, container, command, {stdin, stdout})
    })
  }

  private session(ws: WebSocket, pod: KubeObject, container: string, command: string[], want: {stdin: boolean; stdout: boolean}): void {
    const send = (channel: number, data: string | Buffer) => ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(data)]))
    send(want.stdout ? 1 : 2, '')
    const input: Buffer[] = []
    const run = async () => {
      // tar (kubectl cp) reads and writes bytes; everything else text
      const binary = command[0]?.split('/').pop() === 'tar'
      const result = await this.execute(pod, container, command, Buffer.concat(input).toString(binary ? 'latin1' : 'utf8'))
      if ('status' in result) return this.finish(ws, send, result.status)
      // tar reports a member (or its absence) before writing the archive's end
      if (binary && result.stderr) send(2, result.stderr)
      if (result.stdout) send(1, Buffer.from(result.stdout, result.encoding ?? 'utf8'))
      if (!binary && result.stderr) send(2, result.stderr)
      this.finish(ws, send, result.code === 0 ? {metadata: {}, status: 'Success'} : exitStatus(result.code))
    }
    if (!want.stdin) return void run()
    let done = false
    const endInput = () => {
      if (!done) {
        done = true
        void run()
      }
    }
    ws.on('message', (data: Buffer) => {
      if (data[0] === 0) input.push(data.subarray(1))
      if (data[0] === CLOSE_CHANNEL && data[1] === 0) endInput()
    })
    ws.on('close', endInput)
  }

  /**
   * The pod's view of the network: its own loopback reaches its own ports; a Service's name or cluster IP reaches a
   * selected pod's target port, as kube-proxy routes it. Only ports with a real listener in `targets` answer.
   */
  private dial(pod: KubeObject): Dial {
    const ns = pod.metadata.namespace!
    return (host, port) => {
      if (host === 'localhost' || /^127\./.test(host) || host === '::1') return this.targets[`${ns}/${pod.metadata.name}:${port}`]
      for (const svc of this.cluster.store.list('services')) {
        const sns = svc.metadata.namespace
        const names = [svc.spec?.clusterIP, `${svc.metadata.name}.${sns}.svc`, `${svc.metadata.name}.${sns}.svc.cluster.local`, `${svc.metadata.name}.${sns}`, ...(sns === ns ? [svc.metadata.name] : [])]
        if (!names.includes(host)) continue
        const svcPort = ((svc.spec?.ports ?? []) as Array<{port: number; targetPort?: number | string}>).find((p) => p.port === port)
        if (!svcPort) return undefined
        const targetPort = typeof svcPort.targetPort === 'number' ? svcPort.targetPort : port
        const selector = (svc.spec?.selector ?? {}) as Record<string, string>
        if (!Object.keys(selector).length) return undefined
        const backend = this.cluster.store.list('pods', sns).find((p) => Object.entries(selector).every(([k, v]) => p.metadata.labels?.[k] === v) && this.targets[`${sns}/${p.metadata.name}:${targetPort}`])
        return backend && this.targets[`${sns}/${backend.metadata.name}:${targetPort}`]
      }
      return undefined
    }
  }

  private finish(ws: WebSocket, send: (c: number, d: string) => void, status: object): void {
    const fault = this.faults.find((f) => f.remaining > 0)
    if (fault) {
      fault.remaining--
      if (fault.mode === 'drop') ws.terminate()
      else ws.close(1000)
      return
    }
    send(3, JSON.stringify(status))
    ws.close(1000)
  }

  private async execute(pod: KubeObject, name: string, argv: string[], stdin: string): Promise<CommandResult | {status: object}> {
    const current = this.cluster.store.peek('pods', pod.metadata.namespace, pod.metadata.name)
    const statuses = [...((current?.status?.containerStatuses ?? []) as Array<{name: string; state?: {running?: object}}>), ...((current?.status?.initContainerStatuses ?? []) as Array<{name: string; state?: {running?: object}}>)]
    const rt = current && this.cluster.runtimes.get(current.metadata.uid!)
    if (!current || !rt || !statuses.find((s) => s.name === name)?.state?.running) {
      return {status: internalError(`unable to upgrade connection: container not found ("${name}")`)}
    }
    const container = [...(current.spec.initContainers ?? []), ...current.spec.containers].find((c: Container) => c.name === name) as Container
    const env = containerEnv(this.cluster, current, container, {PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root'})
    const vaultImage = /^(docker\.io\/)?hashicorp\/vault:/.test(container.image ?? '')
    if (vaultImage) writeDevRootToken(rt.fs, name, container, env)
    const commands = vaultImage ? {vault: vaultCommand(this.dial(current))} : undefined
    const security = {...(current.spec.securityContext ?? {}), ...((container.securityContext as object | undefined) ?? {})} as {runAsUser?: number; runAsGroup?: number}
    const podSecurity = current.spec.securityContext as {fsGroup?: number; supplementalGroups?: number[]} | undefined
    const identity =
      security.runAsUser === undefined ? undefined : {uid: security.runAsUser, gid: security.runAsGroup ?? 0, groups: [...new Set([...(podSecurity?.fsGroup !== undefined ? [podSecurity.fsGroup] : []), ...(podSecurity?.supplementalGroups ?? [])])]}
    const process = [...(container.command ?? []), ...(container.args ?? [])].join(' ') || undefined
    const result = await runArgv(argv, {fs: rt.fs, container: name, env, commands, identity, process}, stdin)
    if (result) return result
    // what the container runtime reports for a missing binary (runc via cri-dockerd): printed, exit 126
    return {stdout: `OCI runtime exec failed: exec failed: unable to start container process: exec: "${argv[0]}": executable file not found in $PATH: unknown\r\n`, stderr: '', code: 126}
  }
}

/**
 * `vault server -dev` stores its root token with the token helper (~/.vault-token, hashicorp/vault command/server.go),
 * so `vault …` typed in vault-0 is logged in as root.
 */
function writeDevRootToken(fs: PodFilesystem, container: string, spec: Container, env: Record<string, string>): void {
  const dev = [...(spec.command ?? []), ...(spec.args ?? [])].some((a) => /\bvault server -dev\b/.test(a))
  const path = `${env.HOME ?? '/root'}/.vault-token`
  if (dev && !fs.stat(container, path)) fs.write(container, path, env.VAULT_DEV_ROOT_TOKEN_ID ?? 'root')
}

/**
 * The kubelet's streaming server (kubelet/pkg/cri/streaming/remotecommand/exec.go ServeExec) reports a command that
 * exited non-zero as `command terminated with non-zero exit code: <the runtime's ExitError>`; minikube's runtime is
 * docker, whose cri-dockerd exec handler's dockerExitError reads `Error executing in Docker Container: <code>`
 * (Mirantis/cri-dockerd core/exec.go).
 */
function exitStatus(code: number) {
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: Error executing in Docker Container: ${code}`,
    reason: 'NonZeroExitCode',
    details: {causes: [{reason: 'ExitCode', message: String(code)}]},
  }
}

function internalError(message: string): Omit<Status, 'kind' | 'apiVersion'> {
  const {kind: _k, apiVersion: _a, ...rest} = errors.internal(message).status
  return rest
}

import {connect, type Socket} from 'node:net'

import {WebSocketServer, type WebSocket} from 'ws'

import type {Cluster} from '../cluster.js'
import type {UpgradeContext} from '../server.js'

import {errors} from '../errors.js'
import {SpdyPortForwardSession} from './portforward-spdy.js'

const TUNNEL_PROTOCOL = 'SPDY/3.1+portforward.k8s.io'
const CHANNEL_PROTOCOL = 'v4.channel.k8s.io'
const PROTOCOLS = [TUNNEL_PROTOCOL, CHANNEL_PROTOCOL]

/**
 * `pods/portforward` in the three forms clients use: SPDY tunnelled through a WebSocket (kubectl ≥ 1.31), plain
 * SPDY after an HTTP upgrade (older kubectl, and kubectl's fallback), and the kubelet's v4.channel.k8s.io
 * WebSocket streams (client-node: port first on both channels, data on 0, errors on 1, one connection per socket).
 */
export class PortForwardHandler {
  private readonly wss = new WebSocketServer({noServer: true, handleProtocols: (offered) => PROTOCOLS.find((p) => offered.has(p)) ?? false})
  private readonly closers = new Set<() => void>()

  constructor(
    private readonly cluster: Cluster,
    private readonly targets: Record<string, {host: string; port: number}>,
  ) {
    // `ws` refuses "SPDY/3.1+portforward.k8s.io" as a token ('/' is a separator), so the tunnel protocol is
    // taken out of the request and written back into the 101 response here.
    this.wss.on('headers', (headers: string[], req: {tunnel?: boolean}) => {
      if (req.tunnel) headers.push(`Sec-WebSocket-Protocol: ${TUNNEL_PROTOCOL}`)
    })
  }

  close(): void {
    for (const c of this.closers) c()
    for (const c of this.wss.clients) c.terminate()
    this.wss.close()
  }

  handle = (ctx: UpgradeContext): void => {
    const upgrade = String(ctx.req.headers.upgrade ?? '').toLowerCase()
    if (upgrade.startsWith('spdy/')) return this.spdyUpgrade(ctx)
    const offered = String(ctx.req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim())
    const protocol = PROTOCOLS.find((p) => offered.includes(p))
    if (!protocol) throw errors.badRequest('websocket protocol not supported')
    let port = 0
    if (protocol === CHANNEL_PROTOCOL) {
      const ports = ctx.url.searchParams.getAll('ports').flatMap((p) => p.split(','))
      if (!ports.length) throw errors.badRequest('at least one port must be specified')
      port = Number(ports[0])
      if (!(port > 0 && port < 65536)) throw errors.badRequest(`unable to parse "${ports[0]}" as a port: strconv.ParseUint: parsing "${ports[0]}": invalid syntax`)
    }
    if (protocol === TUNNEL_PROTOCOL) {
      delete ctx.req.headers['sec-websocket-protocol']
      Object.assign(ctx.req, {tunnel: true})
    }
    this.wss.handleUpgrade(ctx.req, ctx.socket, ctx.head, (ws) => {
      ctx.record(101)
      if (protocol === TUNNEL_PROTOCOL) this.tunnel(ws, ctx)
      else this.channels(ws, ctx, port)
    })
  }

  /** What the kubelet reports when nothing listens on the pod's port, or where the test said to connect. */
  private target(ctx: UpgradeContext, port: number): {host: string; port: number} | string {
    const found = this.targets[`${ctx.namespace}/${ctx.pod}:${port}`]
    if (found) return found
    const uid = this.cluster.store.get('pods', ctx.namespace, ctx.pod)?.metadata.uid
    return `error forwarding port ${port} to pod ${uid}, uid : failed to execute portforward in network namespace "/var/run/netns/cni-${uid}": failed to connect to localhost:${port} inside namespace "${uid}", IPv4: dial tcp4 127.0.0.1:${port}: connect: connection refused IPv6 dial tcp6 [::1]:${port}: connect: connection refused `
  }

  private tunnel(ws: WebSocket, ctx: UpgradeContext): void {
    const session = new SpdyPortForwardSession((bytes) => ws.readyState === ws.OPEN && ws.send(bytes), (port) => this.target(ctx, port))
    const close = () => session.close()
    this.closers.add(close)
    ws.on('message', (data: Buffer) => session.receive(data))
    ws.on('close', () => {
      this.closers.delete(close)
      session.close()
    })
  }

  private spdyUpgrade(ctx: UpgradeContext): void {
    ctx.record(101)
    ctx.socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: portforward.k8s.io\r\n\r\n')
    const session = new SpdyPortForwardSession((bytes) => ctx.socket.writable && ctx.socket.write(bytes), (port) => this.target(ctx, port))
    const close = () => {
      session.close()
      ctx.socket.destroy()
    }
    this.closers.add(close)
    if (ctx.head.length) session.receive(ctx.head)
    ctx.socket.on('data', (chunk: Buffer) => session.receive(chunk))
    ctx.socket.on('close', () => {
      this.closers.delete(close)
      session.close()
    })
  }

  private channels(ws: WebSocket, ctx: UpgradeContext, port: number): void {
    const portBytes = Buffer.from([port & 0xff, port >> 8])
    ws.send(Buffer.concat([Buffer.from([0]), portBytes]))
    ws.send(Buffer.concat([Buffer.from([1]), portBytes]))
    const fail = (message: string) => {
      ws.send(Buffer.concat([Buffer.from([1]), Buffer.from(message)]))
      ws.close(1000)
    }
    const target = this.target(ctx, port)
    if (typeof target === 'string') return fail(target)
    const socket: Socket = connect(target.port, target.host)
    const close = () => socket.destroy()
    this.closers.add(close)
    socket.on('data', (chunk) => ws.send(Buffer.concat([Buffer.from([0]), chunk])))
    socket.on('error', (e) => fail(`error forwarding port ${port}: ${e.message}`))
    socket.on('close', () => {
      this.closers.delete(close)
      if (ws.readyState === ws.OPEN) ws.close(1000)
    })
    ws.on('message', (data: Buffer) => {
      if (data[0] === 0 && data.length > 1) socket.write(data.subarray(1))
    })
    ws.on('close', () => socket.end())
  }
}

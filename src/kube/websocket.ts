import type {KubeConfig} from '@kubernetes/client-node'
import type {Agent, IncomingMessage} from 'node:http'
import type {WebSocket} from 'ws'

import type {KubeOperation, KubeTarget} from './errors.js'
import {statusError, transportError} from './errors.js'
import type {ShareAgent} from './tls-sessions.js'

/** What kubectl and client-node offer, newest first; exec gets v5 from API servers ≥ 1.30, v4 from kubelets. */
export const CHANNEL_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io']

/**
 * Handlers are attached before the upgrade completes: frames (and a close) that arrive with the upgrade response
 * are emitted synchronously, before anyone awaiting the returned promise could listen.
 */
export interface StreamHandlers {
  onMessage(data: unknown, isBinary: boolean): void
  /** Only after a successful open; a failed open rejects the promise instead. */
  onClose(code: number): void
}

/** Opens a streaming (exec, port-forward) WebSocket to the API server. */
export type OpenWebSocket = (path: string, op: KubeOperation, handlers: StreamHandlers, signal?: AbortSignal) => Promise<WebSocket>

function readBody(response: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    response.on('data', (chunk: Buffer) => chunks.push(chunk))
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    response.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')))
  })
}

/**
 * Connects with the kubeconfig's TLS settings and credentials. Unlike client-node's WebSocketHandler, a refused
 * upgrade keeps the API server's Status body (so a 403 names the missing permission), and nothing is wired to
 * process.stdout.
 */
export function webSocketOpener(kc: KubeConfig, target: KubeTarget, share: ShareAgent = (agent) => agent): OpenWebSocket {
  // Prepared once for every stream of this client: verify opens 100 exec streams at once.
  let prepared: ReturnType<typeof prepare> | undefined
  const prepare = async () => {
    const {WebSocket} = await import('ws')
    const options: Record<string, unknown> = {}
    await kc.applyToHTTPSOptions(options)
    const created = options.agent as Agent | undefined
    const agent = share(created)
    // The client's shared agent resumes the TLS session of earlier connections (see tls-sessions.ts).
    if (agent !== created) return {WebSocket, options: {...options, agent}}
    const {createSecureContext} = await import('node:tls')
    const {ca, cert, key} = options as {ca?: Buffer; cert?: Buffer; key?: Buffer}
    // Through a proxy, or in plain HTTP: parsing the CA and client certificate once, not per connection.
    const proxy = kc.getCurrentCluster()?.proxyUrl ? created : undefined
    return {WebSocket, options: {...options, agent: proxy, secureContext: createSecureContext({ca, cert, key})}}
  }
  return async (path, op, handlers, signal) => {
    prepared ??= prepare()
    const {WebSocket, options} = await prepared
    const url = `${target.server.replace(/^http/, 'ws')}${path}`
    return new Promise<WebSocket>((resolve, reject) => {
      // perMessageDeflate off: secrets are small, and compression only costs CPU on 50 concurrent streams.
      const socket = new WebSocket(url, CHANNEL_PROTOCOLS, {...options, perMessageDeflate: false, handshakeTimeout: 30_000})
      let opened = false
      socket.on('message', (data, isBinary) => handlers.onMessage(data, isBinary))
      socket.on('close', (code) => {
        if (opened) handlers.onClose(code)
      })
      // After the open, failures surface as a close (ws always emits one after an error).
      socket.on('error', () => {})
      const onAbort = () => {
        socket.terminate()
        reject(transportError(signal?.reason ?? new DOMException('aborted', 'AbortError'), op, target))
      }
      signal?.addEventListener('abort', onAbort, {once: true})
      const settle = () => signal?.removeEventListener('abort', onAbort)
      socket.once('open', () => {
        opened = true
        settle()
        resolve(socket)
      })
      socket.once('unexpected-response', (request, response) => {
        settle()
        void readBody(response).then((body) => {
          request.destroy()
          reject(statusError(response.statusCode ?? 0, body, op, target))
        })
      })
      socket.once('error', (error) => {
        settle()
        reject(transportError(error, op, target))
      })
    })
  }
}

/** Frames are `[channel, ...payload]`; returns undefined for text frames, which no channel protocol vsi offers uses. */
export function splitFrame(data: unknown, isBinary: boolean): {channel: number; payload: Buffer} | undefined {
  if (!isBinary) return undefined
  const buffer = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data as Buffer[]) : Buffer.from(data as ArrayBuffer)
  if (buffer.length === 0) return undefined
  return {channel: buffer[0] ?? 0, payload: buffer.subarray(1)}
}

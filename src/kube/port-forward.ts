import {createServer} from 'node:net'
import type {AddressInfo, Socket} from 'node:net'

import {debug} from '../output/debug.js'
import type {KubeOperation} from './errors.js'
import type {OpenWebSocket} from './websocket.js'
import {splitFrame} from './websocket.js'

export interface PortForwardHandle {
  /** The local port on 127.0.0.1 that reaches the pod's port. */
  localPort: number
  /** `http://127.0.0.1:<localPort>`: e.g. a VAULT_ADDR for a Vault pod. */
  url: string
  /** The last error a forwarded connection hit (refused upgrade, dropped stream), for diagnostics. */
  lastError(): Error | undefined
  close(): Promise<void>
}

const DATA = 0
const ERROR = 1

/**
 * Splices one WebSocket to one TCP connection, as `kubectl port-forward` does over its tunnel: every accepted
 * connection gets its own stream, so concurrent HTTP requests through the forward do not interfere.
 */
function forwardConnection(open: OpenWebSocket, path: string, op: KubeOperation, client: Socket, onError: (error: Error) => void): void {
  client.pause()
  // The server first sends the port number (2 bytes, little-endian) on the data and the error channel.
  const needsPortPrefix = new Set([DATA, ERROR])
  const onMessage = (data: unknown, isBinary: boolean) => {
    const frame = splitFrame(data, isBinary)
    if (!frame) return
    let payload = frame.payload
    if (needsPortPrefix.delete(frame.channel)) payload = payload.subarray(2)
    if (payload.length === 0) return
    if (frame.channel === DATA) client.write(payload)
    else if (frame.channel === ERROR) {
      onError(new Error(`port-forward to ${op.name}: ${payload.toString('utf8')}`))
      client.destroy()
    }
  }
  open(path, op, {onMessage, onClose: () => client.end()})
    .then((socket) => {
      // The local side may have gone while the upgrade was in flight; an open socket would keep the process alive.
      if (client.destroyed) {
        socket.terminate()
        return
      }
      client.on('data', (chunk: Buffer) => socket.send(Buffer.concat([Buffer.from([DATA]), chunk])))
      client.on('end', () => socket.close())
      client.on('close', () => socket.close())
      client.on('error', () => socket.terminate())
      client.resume()
    })
    .catch((error: Error) => {
      onError(error)
      client.destroy()
    })
}

/** Listens on 127.0.0.1 (a free port unless `localPort` is given) and forwards each connection to `pod:remotePort`. */
export async function startPortForward(
  open: OpenWebSocket,
  namespace: string,
  pod: string,
  remotePort: number,
  localPort = 0,
): Promise<PortForwardHandle> {
  const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/portforward?ports=${remotePort}`
  const op: KubeOperation = {verb: 'create', resource: 'pods/portforward', kind: 'pod', name: pod, namespace}
  let lastError: Error | undefined
  const onError = (error: Error) => {
    lastError = error
    debug(`port-forward ${namespace}/${pod}:${remotePort}: ${error.message}`)
  }
  const sockets = new Set<Socket>()
  const server = createServer((client) => {
    sockets.add(client)
    client.on('close', () => sockets.delete(client))
    forwardConnection(open, path, op, client, onError)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(localPort, '127.0.0.1', () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  return {
    localPort: port,
    url: `http://127.0.0.1:${port}`,
    lastError: () => lastError,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

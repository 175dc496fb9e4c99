import {readFileSync, mkdtempSync, writeFileSync} from 'node:fs'
import {createServer, type Server} from 'node:https'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import path from 'node:path'
import type {TLSSocket} from 'node:tls'
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {connectKube} from '../../../src/kube/client.js'

/**
 * One HTTPS agent per client (src/kube/tls-sessions.ts): REST calls and exec streams after the first resume its TLS
 * session, and no connection is kept alive. The server here only answers a pod list and refuses every exec.
 */
const fixture = (name: string) => readFileSync(new URL(`../../fixtures/tls/${name}`, import.meta.url))

let server: Server
let kubeconfig: string
/** One entry per request or upgrade: whether its connection resumed a TLS session. */
const resumed: boolean[] = []
let connections = 0

beforeAll(async () => {
  server = createServer({cert: fixture('minikube-apiserver.pem'), key: fixture('minikube-apiserver-key.pem')}, (req, res) => {
    resumed.push((req.socket as TLSSocket).isSessionReused())
    res.writeHead(200, {'Content-Type': 'application/json'}).end(JSON.stringify({kind: 'PodList', apiVersion: 'v1', metadata: {}, items: []}))
  })
  server.on('secureConnection', () => connections++)
  server.on('upgrade', (_req, socket: TLSSocket) => {
    resumed.push(socket.isSessionReused())
    const body = JSON.stringify({kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 403, reason: 'Forbidden', message: 'pods "p" is forbidden'})
    socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  kubeconfig = path.join(mkdtempSync(path.join(tmpdir(), 'vsi-tls-sessions-')), 'config')
  const ca = fixture('minikube-ca.pem').toString('base64')
  writeFileSync(kubeconfig, `clusters: [{name: c, cluster: {server: "https://127.0.0.1:${port}", certificate-authority-data: ${ca}}}]\nusers: [{name: u, user: {token: tok}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\ncurrent-context: c\n`)
})

beforeEach(() => {
  resumed.length = 0
  connections = 0
})

afterAll(() => {
  server.closeAllConnections()
  server.close()
})

describe('kube client TLS sessions', () => {
  it('resumes the first connection TLS session for later REST calls and exec streams', async () => {
    const kube = await connectKube({kubeconfig})
    await kube.listPods({namespace: 'ns'})
    await kube.listPods({namespace: 'ns'})
    await expect(kube.exec('p', ['cat', '/x'], {namespace: 'ns', container: 'c', timeoutMs: 10_000})).rejects.toThrow(/forbidden/)
    expect(resumed).toEqual([false, true, true])
  })

  it('opens a new connection for every request: none is kept alive', async () => {
    const kube = await connectKube({kubeconfig})
    for (let i = 0; i < 3; i++) await kube.listPods({namespace: 'ns'})
    expect(resumed).toHaveLength(3)
    expect(connections).toBe(3)
  })
})

import {createServer} from 'node:http'
import type {AddressInfo} from 'node:net'
import {connect} from 'node:net'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {WebSocketServer} from 'ws'
import type {WebSocket} from 'ws'

import {execInPod} from '../../../src/kube/exec.js'
import {startPortForward} from '../../../src/kube/port-forward.js'
import {webSocketOpener} from '../../../src/kube/websocket.js'
import {loadKubeConfig} from '../../../src/kube/config.js'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

/** A minimal streaming endpoint: behaviour chosen by the command, frames as the API server sends them. */
type Behaviour = (socket: WebSocket, url: URL) => void
const frame = (channel: number, payload: string | Buffer) => Buffer.concat([Buffer.from([channel]), Buffer.from(payload)])
const success = JSON.stringify({metadata: {}, status: 'Success'})

const behaviours: Record<string, Behaviour> = {
  ok: (s) => {
    s.send(frame(1, ''))
    s.send(frame(1, 'user: a\n'))
    s.send(frame(1, 'pass: b\n'))
    s.send(frame(3, success))
  },
  missing: (s) => {
    s.send(frame(2, 'cat: /vault/secrets/x: No such file or directory\n'))
    s.send(frame(3, JSON.stringify({metadata: {}, status: 'Failure', reason: 'NonZeroExitCode', message: 'command terminated with non-zero exit code: exit 1', details: {causes: [{reason: 'ExitCode', message: '1'}]}})))
  },
  'not-json': (s) => s.send(frame(3, 'exec error: something')),
  drop: (s) => {
    s.send(frame(1, 'partial'))
    s.close(1011)
  },
  hang: () => {},
}

let server: ReturnType<typeof createServer>
let open: ReturnType<typeof webSocketOpener>

beforeAll(async () => {
  server = createServer((_req, res) => {
    res.writeHead(404).end()
  })
  const wss = new WebSocketServer({noServer: true, handleProtocols: (protocols) => (protocols.has('v5.channel.k8s.io') ? 'v5.channel.k8s.io' : false)})
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '', 'http://x')
    if (url.pathname.endsWith('/forbidden/exec')) {
      const body = JSON.stringify({kind: 'Status', code: 403, reason: 'Forbidden', message: 'pods "forbidden" is forbidden: User "bob" cannot create resource "pods/exec" in API group "" in the namespace "ns"'})
      socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`)
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (url.pathname.endsWith('/portforward')) {
        const port = Number(url.searchParams.get('ports'))
        const prefix = Buffer.from([port & 0xff, port >> 8])
        ws.send(frame(0, prefix))
        ws.send(frame(1, prefix))
        ws.on('message', (data: Buffer) => ws.send(frame(0, Buffer.from(data.subarray(1).toString().toUpperCase()))))
        return
      }
      behaviours[url.searchParams.getAll('command')[1]](ws, url)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const dir = mkdtempSync(path.join(tmpdir(), 'vsi-exec-'))
  const file = path.join(dir, 'config')
  const port = (server.address() as AddressInfo).port
  writeFileSync(file, `clusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}"}}]\nusers: [{name: u, user: {token: tok}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\ncurrent-context: c\n`)
  const loaded = await loadKubeConfig({kubeconfig: file})
  open = webSocketOpener(loaded.kc, {server: loaded.server, context: loaded.context})
})

afterAll(() => {
  server.closeAllConnections()
  server.close()
})

const run = (pod: string, behaviour: string, timeoutMs = 5000) => execInPod(open, 'ns', pod, ['cat', behaviour], {container: 'app', timeoutMs})

describe('execInPod', () => {
  it('collects stdout and the exit status', async () => {
    const result = await run('p', 'ok')
    expect(result).toMatchObject({exitCode: 0, truncated: false})
    expect(result.stdout.toString()).toBe('user: a\npass: b\n')
  })

  it('reads the exit code from the ExitCode cause and keeps stderr', async () => {
    const result = await run('p', 'missing')
    expect(result.exitCode).toBe(1)
    expect(result.stderr.toString()).toMatch(/No such file/)
  })

  it('treats non-JSON on the status channel as a failure message instead of crashing', async () => {
    expect(await run('p', 'not-json')).toMatchObject({exitCode: null, message: 'exec error: something'})
  })

  it('rejects when the stream closes before the status, and when the timeout runs out', async () => {
    await expect(run('p', 'drop')).rejects.toMatchObject({code: 'kube-exec-dropped', message: expect.stringMatching(/closed before the command's exit status arrived \(WebSocket close 1011, 7 bytes received\)/)})
    const started = Date.now()
    await expect(run('p', 'hang', 300)).rejects.toMatchObject({code: 'timeout'})
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('keeps the Status of a refused upgrade', async () => {
    await expect(run('forbidden', 'ok')).rejects.toMatchObject({code: 'kube-forbidden', message: expect.stringContaining('cannot create resource "pods/exec"')})
  })
})

describe('startPortForward', () => {
  it('splices a local TCP connection to the pod port, stripping the port preamble', async () => {
    const forward = await startPortForward(open, 'ns', 'vault-0', 8200)
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(forward.localPort, '127.0.0.1', () => socket.write('hello'))
      socket.on('data', (data) => {
        resolve(data.toString())
        socket.destroy()
      })
      socket.on('error', reject)
    })
    expect(reply).toBe('HELLO')
    expect(forward.url).toBe(`http://127.0.0.1:${forward.localPort}`)
    await forward.close()
  })
})

import net from 'node:net'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startVaultEmulator, type VaultEmulator} from './index.js'

let vault: VaultEmulator
let port: number

beforeAll(async () => {
  vault = await startVaultEmulator()
  port = Number(new URL(vault.url).port)
})
afterAll(() => vault.stop())

/** Writes raw bytes and returns everything the server sends until it closes the connection. */
function exchange(chunks: string[], to = port): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(to, '127.0.0.1')
    let received = ''
    socket.on('data', (d) => (received += d.toString('latin1')))
    socket.on('end', () => resolve(received))
    socket.on('error', reject)
    socket.on('connect', async () => {
      for (const chunk of chunks) {
        socket.write(chunk)
        await new Promise((r) => setImmediate(r))
      }
    })
  })
}

const statusLines = (raw: string): string[] => raw.match(/HTTP\/1\.1 \d{3}[^\r]*/g) ?? []

describe('the raw HTTP/1.1 front', () => {
  it('answers the LIST method that Node\'s own HTTP parser rejects', async () => {
    const put = JSON.stringify({data: {k: 'v'}})
    const raw = await exchange([
      `POST /v1/secret/data/app/config HTTP/1.1\r\nHost: vault\r\nX-Vault-Token: root\r\nContent-Type: application/json\r\nContent-Length: ${put.length}\r\n\r\n${put}`,
      'LIST /v1/secret/metadata/ HTTP/1.1\r\nHost: vault\r\nX-Vault-Token: root\r\nConnection: close\r\n\r\n',
    ])
    expect(statusLines(raw)).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 200 OK'])
    expect(raw).toContain('"data":{"keys":["app/"]}')
    expect(raw).toContain('Cache-Control: no-store')
  })

  it('handles pipelined requests in order on one keep-alive connection', async () => {
    const raw = await exchange([
      'GET /v1/sys/health HTTP/1.1\r\nHost: vault\r\n\r\nGET /v1/sys/nothing HTTP/1.1\r\nHost: vault\r\nX-Vault-Token: root\r\n\r\n' +
        'GET /v1/sys/seal-status HTTP/1.1\r\nHost: vault\r\nConnection: close\r\n\r\n',
    ])
    expect(statusLines(raw)).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 404 Not Found', 'HTTP/1.1 200 OK'])
    expect(raw.indexOf('"initialized":true,"sealed":false,"standby"')).toBeLessThan(raw.indexOf('unsupported path'))
  })

  it('reads chunked bodies and answers Expect: 100-continue', async () => {
    const body = JSON.stringify({data: {chunked: 'yes'}})
    const raw = await exchange([
      'PUT /v1/secret/data/chunked HTTP/1.1\r\nHost: vault\r\nX-Vault-Token: root\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n',
      `${body.length.toString(16)}\r\n${body.slice(0, 10)}`,
      `${body.slice(10)}\r\n0\r\n\r\n`,
    ])
    expect(statusLines(raw)).toEqual(['HTTP/1.1 100 Continue', 'HTTP/1.1 200 OK'])
    expect(vault.state.kv('secret')).toMatchObject({keys: {chunked: {versions: {1: {data: {chunked: 'yes'}}}}}})
  })

  it('sends HEAD answers without a body, and 204s without Content-Length', async () => {
    const raw = await exchange([
      'HEAD /v1/sys/health HTTP/1.1\r\nHost: vault\r\n\r\n',
      'DELETE /v1/secret/data/none HTTP/1.1\r\nHost: vault\r\nX-Vault-Token: root\r\nConnection: close\r\n\r\n',
    ])
    const [head, del] = raw.split(/(?=HTTP\/1\.1 )/)
    expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\n$/)
    expect(del).toMatch(/^HTTP\/1\.1 204 No Content\r\n/)
    expect(del).not.toContain('Content-Length')
    expect(del).toContain('Content-Type: application/json')
  })

  it('writes "status code N" for codes Go has no text for', async () => {
    vault.faults.seal()
    const raw = await exchange(['GET /v1/sys/health?sealedcode=472 HTTP/1.1\r\nHost: vault\r\nConnection: close\r\n\r\n'])
    vault.faults.unseal()
    expect(statusLines(raw)).toEqual(['HTTP/1.1 472 status code 472'])
  })

  it('answers a malformed request with 400 and closes', async () => {
    const raw = await exchange(['BROKEN\r\n\r\n'])
    expect(raw).toBe('HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request')
  })

  it('answers paths outside /v1/ with 404 {"errors":[]}', async () => {
    const raw = await exchange(['GET /v2/anything HTTP/1.1\r\nHost: vault\r\nConnection: close\r\n\r\n'])
    expect(statusLines(raw)).toEqual(['HTTP/1.1 404 Not Found'])
    expect(raw.endsWith('{"errors":[]}\n')).toBe(true)
  })
})

describe('plain HTTP sent to the HTTPS listener', () => {
  let https: VaultEmulator
  let httpsPort: number
  beforeAll(async () => {
    https = await startVaultEmulator({tls: true})
    httpsPort = Number(new URL(https.url).port)
  })
  afterAll(() => https.stop())

  it('is answered as Go\'s net/http answers it: a bare HTTP/1.0 400 on the raw connection, then close', async () => {
    const raw = await exchange(['GET /v1/sys/health HTTP/1.1\r\nHost: vault\r\n\r\n'], httpsPort)
    expect(raw).toBe('HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n')
    expect(https.requests).toEqual([])
  })

  it('is closed unanswered when its first bytes are neither TLS nor one of the methods Go recognises', async () => {
    expect(await exchange(['LIST /v1/secret/metadata/ HTTP/1.1\r\nHost: vault\r\n\r\n'], httpsPort)).toBe('')
  })
})

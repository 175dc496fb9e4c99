// A small HTTP/1.1 server over raw `net`/`tls` sockets.
// Node's llhttp rejects the `LIST` method before any handler runs (400, empty body) and
// `insecureHTTPParser` does not help, while real Vault (Go net/http) accepts any token as a
// method. So this parser accepts any RFC 7230 token as the method and leaves the rest of
// the protocol (Content-Length, chunked bodies, keep-alive, pipelining, 100-continue) to
// ordinary HTTP/1.1 rules. Responses are written the way Go's net/http writes them.
import net from 'node:net'
import tls from 'node:tls'
import {STATUS_CODES} from 'node:http'

export interface WireRequest {
  method: string
  target: string
  httpVersion: string
  /** Lower-cased header names; repeated headers are joined with ", " like Node does. */
  headers: Record<string, string>
  body: Buffer
  remoteAddress: string
}

export interface WireResponse {
  status: number
  headers?: Record<string, string>
  body?: string | Buffer
}

/** `'drop'` destroys the connection without writing anything. */
export type WireHandler = (req: WireRequest) => Promise<WireResponse | 'drop'>

export interface WireServer {
  port: number
  close(): Promise<void>
}

export interface WireServerOptions {
  handler: WireHandler
  /** With `clientCa`, a client certificate signed by it is required (tls_require_and_verify_client_cert). */
  tls?: {cert: string; key: string; clientCa?: string}
  host?: string
}

const MAX_HEAD_BYTES = 64 * 1024
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

export async function startWireServer(options: WireServerOptions): Promise<WireServer> {
  const sockets = new Set<net.Socket>()
  const onSocket = (socket: net.Socket): void => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    serveConnection(socket, options.handler)
  }
  const tlsServer = options.tls
    ? tls.createServer({cert: options.tls.cert, key: options.tls.key, ALPNProtocols: ['http/1.1'], ...(options.tls.clientCa ? {ca: options.tls.clientCa, requestCert: true, rejectUnauthorized: true} : {})}, onSocket)
    : undefined
  // A client that hangs up mid-handshake must not crash the test process.
  tlsServer?.on('tlsClientError', () => {})
  const server = net.createServer((socket) => {
    if (!tlsServer) return onSocket(socket)
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    void answerPlainHttpOrHandshake(socket, tlsServer)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, options.host ?? '127.0.0.1', () => resolve())
  })
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

/**
 * On an HTTPS port, Go's net/http answers a first record that looks like plain HTTP with a 400 on the raw
 * connection and closes it; anything else goes on to the TLS handshake (golang/go src/net/http/server.go,
 * (*conn).serve and tlsRecordHeaderLooksLikeHTTP).
 */
async function answerPlainHttpOrHandshake(socket: net.Socket, tlsServer: tls.Server): Promise<void> {
  socket.on('error', () => {})
  const header = await firstBytes(socket, 5)
  if (header === undefined) return
  if (['GET /', 'HEAD ', 'POST ', 'PUT /', 'OPTIO'].includes(header.toString('latin1'))) {
    socket.end('HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n')
    return
  }
  // TLSSocket feeds the bytes already read from the socket to the handshake first.
  socket.unshift(header)
  tlsServer.emit('connection', socket)
}

/** The first `count` bytes the client sends (fewer if it ends sooner); undefined if it sends nothing. */
function firstBytes(socket: net.Socket, count: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const done = (chunk: Buffer | undefined) => {
      socket.off('readable', onReadable)
      socket.off('end', onEnd)
      socket.off('close', onEnd)
      resolve(chunk)
    }
    const onReadable = () => {
      const chunk = socket.read(count) as Buffer | null
      if (chunk !== null) done(chunk)
    }
    const onEnd = () => {
      const rest = socket.read() as Buffer | null
      done(rest ?? undefined)
    }
    socket.on('readable', onReadable)
    socket.once('end', onEnd)
    socket.once('close', onEnd)
  })
}

function serveConnection(socket: net.Socket, handler: WireHandler): void {
  let buffered = Buffer.alloc(0)
  let busy = false
  let closed = false
  let continueSent = false
  socket.on('error', () => {})
  socket.on('close', () => {
    closed = true
  })
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk])
    void pump()
  })

  // Requests on one connection are answered strictly in order (HTTP/1.1 pipelining).
  async function pump(): Promise<void> {
    if (busy) return
    busy = true
    try {
      while (!closed) {
        const parsed = parseRequest(buffered, socket.remoteAddress ?? '')
        if (parsed === 'invalid') {
          writeBadRequest(socket)
          return
        }
        if (parsed === 'incomplete') break
        if ('awaitingBody' in parsed) {
          if (parsed.expectsContinue && !continueSent) {
            continueSent = true
            socket.write('HTTP/1.1 100 Continue\r\n\r\n')
          }
          break
        }
        buffered = buffered.subarray(parsed.consumed)
        continueSent = false
        // A handler bug must not leave the client hanging.
        const reply = await handler(parsed.request).catch(() => 'drop' as const)
        if (closed) return
        if (reply === 'drop') {
          socket.destroy()
          return
        }
        const keepAlive = wantsKeepAlive(parsed.request)
        socket.write(serializeResponse(parsed.request, reply, keepAlive))
        if (!keepAlive) {
          socket.end()
          return
        }
      }
    } finally {
      busy = false
    }
  }
}

interface Parsed {
  request: WireRequest
  consumed: number
}

interface AwaitingBody {
  awaitingBody: true
  expectsContinue: boolean
}

function parseRequest(buf: Buffer, remoteAddress: string): Parsed | AwaitingBody | 'incomplete' | 'invalid' {
  // Tolerate empty lines between requests (RFC 7230 §3.5).
  let start = 0
  while (buf.length >= start + 2 && buf[start] === 0x0d && buf[start + 1] === 0x0a) start += 2
  const headEnd = buf.indexOf('\r\n\r\n', start)
  if (headEnd === -1) return buf.length - start > MAX_HEAD_BYTES ? 'invalid' : 'incomplete'
  const lines = buf.subarray(start, headEnd).toString('latin1').split('\r\n')
  const requestLine = lines[0]!.split(' ')
  if (requestLine.length !== 3) return 'invalid'
  const [method, target, version] = requestLine as [string, string, string]
  if (!TOKEN.test(method) || !/^HTTP\/1\.[01]$/.test(version) || target === '') return 'invalid'
  const headers: Record<string, string> = {}
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':')
    if (colon <= 0) return 'invalid'
    const name = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim()
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value
  }
  const bodyStart = headEnd + 4
  const body = readBody(buf, bodyStart, headers)
  if (body === 'invalid') return body
  if (body === 'incomplete') return {awaitingBody: true, expectsContinue: headers.expect?.toLowerCase() === '100-continue'}
  return {
    request: {
      method,
      target,
      httpVersion: version.slice(5),
      headers,
      body: body.body,
      remoteAddress,
    },
    consumed: body.end,
  }
}

function readBody(
  buf: Buffer,
  start: number,
  headers: Record<string, string>,
): {body: Buffer; end: number} | 'incomplete' | 'invalid' {
  const transferEncoding = headers['transfer-encoding']?.toLowerCase()
  if (transferEncoding !== undefined) {
    if (transferEncoding !== 'chunked') return 'invalid'
    return readChunked(buf, start)
  }
  const lengthHeader = headers['content-length']
  if (lengthHeader === undefined) return {body: Buffer.alloc(0), end: start}
  if (!/^\d+$/.test(lengthHeader)) return 'invalid'
  const length = Number(lengthHeader)
  if (buf.length < start + length) return 'incomplete'
  return {body: buf.subarray(start, start + length), end: start + length}
}

function readChunked(buf: Buffer, start: number): {body: Buffer; end: number} | 'incomplete' | 'invalid' {
  const parts: Buffer[] = []
  let pos = start
  for (;;) {
    const lineEnd = buf.indexOf('\r\n', pos)
    if (lineEnd === -1) return 'incomplete'
    const sizeText = buf.subarray(pos, lineEnd).toString('latin1').split(';')[0]!.trim()
    if (!/^[0-9a-fA-F]+$/.test(sizeText)) return 'invalid'
    const size = parseInt(sizeText, 16)
    pos = lineEnd + 2
    if (size === 0) {
      // Skip trailers up to the empty line.
      const trailerEnd = buf.indexOf('\r\n', pos)
      if (trailerEnd === -1) return 'incomplete'
      if (trailerEnd === pos) return {body: Buffer.concat(parts), end: pos + 2}
      const end = buf.indexOf('\r\n\r\n', pos)
      return end === -1 ? 'incomplete' : {body: Buffer.concat(parts), end: end + 4}
    }
    if (buf.length < pos + size + 2) return 'incomplete'
    parts.push(buf.subarray(pos, pos + size))
    pos += size + 2
  }
}

function wantsKeepAlive(req: WireRequest): boolean {
  const connection = req.headers.connection?.toLowerCase() ?? ''
  if (req.httpVersion === '1.0') return connection.includes('keep-alive')
  return !connection.includes('close')
}

/** Go's net/http writes "status code N" for codes it has no text for (e.g. 472, 473). */
function statusLine(status: number): string {
  const text = status === 472 || status === 473 ? undefined : STATUS_CODES[status]
  return `HTTP/1.1 ${status} ${text ?? `status code ${status}`}`
}

function serializeResponse(req: WireRequest, res: WireResponse, keepAlive: boolean): Buffer {
  const body = typeof res.body === 'string' ? Buffer.from(res.body) : (res.body ?? Buffer.alloc(0))
  const headers: Record<string, string> = {...res.headers}
  headers['Date'] = new Date().toUTCString()
  const bodyless = res.status === 204 || res.status === 304 || (res.status >= 100 && res.status < 200)
  if (!bodyless) headers['Content-Length'] = String(body.length)
  if (!keepAlive) headers['Connection'] = 'close'
  const head = [statusLine(res.status), ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)].join('\r\n')
  const sendBody = !bodyless && req.method !== 'HEAD'
  return Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'latin1'), sendBody ? body : Buffer.alloc(0)])
}

function writeBadRequest(socket: net.Socket): void {
  socket.end('HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request')
}

// Helpers for the emulator's own tests: raw HTTP calls, service-account JWTs and a tiny
// TokenReview server standing in for the Kubernetes API.
import {readFileSync} from 'node:fs'
import http, {type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import https from 'node:https'
import type {AddressInfo} from 'node:net'
import type {VaultEmulator} from './index.js'

export interface Answer {
  status: number
  headers: http.IncomingHttpHeaders
  text: string
  body: any
}

export interface CallOptions {
  /** Defaults to the root token; null sends none. */
  token?: string | null
  body?: unknown
  headers?: Record<string, string>
}

const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/tls/${name}`, import.meta.url), 'utf8')

/** An HTTP call to the emulator (Node's client sends any method, LIST included). */
export async function call(vault: VaultEmulator, method: string, path: string, options: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = {...options.headers}
  const token = options.token === undefined ? vault.rootToken : options.token
  if (token !== null) headers['X-Vault-Token'] = token
  let body: string | undefined
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body)
    headers['Content-Type'] ??= 'application/json'
  }
  const url = new URL(path, vault.url)
  const client = url.protocol === 'https:' ? https : http
  const {status, responseHeaders, text} = await new Promise<{status: number; responseHeaders: http.IncomingHttpHeaders; text: string}>((resolve, reject) => {
    const req = client.request(url, {method, headers, ca: vault.caPem, agent: false}, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({status: res.statusCode ?? 0, responseHeaders: res.headers, text: Buffer.concat(chunks).toString('utf8')}))
    })
    req.on('error', reject)
    req.end(body)
  })
  let parsed: unknown
  try {
    parsed = text === '' ? undefined : JSON.parse(text)
  } catch {
    parsed = undefined
  }
  return {status, headers: responseHeaders, text, body: parsed}
}

export interface JwtClaims {
  namespace: string
  name: string
  uid: string
  aud?: string | string[]
  /** Seconds since the epoch. */
  exp?: number
  iat?: number
  iss?: string
  /** Legacy secret-based token claims instead of projected ones. */
  legacy?: boolean
}

/** An unsigned-looking but well-formed service-account JWT (Vault does not verify without pem_keys). */
export function serviceAccountJwt(claims: JwtClaims, alg = 'RS256'): string {
  const now = Math.floor(Date.now() / 1000)
  const payload: Record<string, unknown> = claims.legacy
    ? {
        iss: claims.iss ?? 'kubernetes/serviceaccount',
        'kubernetes.io/serviceaccount/namespace': claims.namespace,
        'kubernetes.io/serviceaccount/service-account.name': claims.name,
        'kubernetes.io/serviceaccount/service-account.uid': claims.uid,
        'kubernetes.io/serviceaccount/secret.name': `${claims.name}-token-abcde`,
        sub: `system:serviceaccount:${claims.namespace}:${claims.name}`,
      }
    : {
        aud: claims.aud ?? ['https://kubernetes.default.svc.cluster.local'],
        exp: claims.exp ?? now + 3600,
        iat: claims.iat ?? now,
        iss: claims.iss ?? 'https://kubernetes.default.svc.cluster.local',
        'kubernetes.io': {namespace: claims.namespace, pod: {name: 'app-0', uid: 'pod-uid'}, serviceaccount: {name: claims.name, uid: claims.uid}},
        sub: `system:serviceaccount:${claims.namespace}:${claims.name}`,
      }
  const encode = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url')
  return `${encode({alg, kid: 'test'})}.${encode(payload)}.${Buffer.from('not-a-real-signature').toString('base64url')}`
}

export interface ReviewCall {
  authorization: string
  body: any
  path: string
}

export interface FakeApiServer {
  url: string
  caPem?: string
  calls: ReviewCall[]
  close(): Promise<void>
}

export type ReviewHandler = (call: ReviewCall) => {status: number; body: unknown}

/** Answers TokenReviews as an API server that knows `accounts` (token → account). */
export function reviewerFor(accounts: Record<string, {namespace: string; name: string; uid: string}>): ReviewHandler {
  return ({body}) => {
    const account = accounts[body.spec.token as string]
    const status = account
      ? {
          authenticated: true,
          user: {
            username: `system:serviceaccount:${account.namespace}:${account.name}`,
            uid: account.uid,
            groups: ['system:serviceaccounts', `system:serviceaccounts:${account.namespace}`, 'system:authenticated'],
          },
          audiences: body.spec.audiences ?? ['https://kubernetes.default.svc.cluster.local'],
        }
      : {user: {}, error: '[invalid bearer token, token lookup failed]'}
    return {status: 201, body: {kind: 'TokenReview', apiVersion: 'authentication.k8s.io/v1', metadata: {creationTimestamp: null}, spec: body.spec, status}}
  }
}

/** A minimal API server for TokenReview (and namespace reads), over HTTP or HTTPS with the test CA. */
export async function startFakeApiServer(handler: ReviewHandler, options: {tls?: boolean} = {}): Promise<FakeApiServer> {
  const calls: ReviewCall[] = []
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      const call: ReviewCall = {authorization: req.headers.authorization ?? '', body: text === '' ? undefined : JSON.parse(text), path: req.url ?? ''}
      calls.push(call)
      const answer = handler(call)
      res.writeHead(answer.status, {'Content-Type': 'application/json'})
      res.end(JSON.stringify(answer.body))
    })
  }
  const server: Server = options.tls ? https.createServer({cert: fixture('server.pem'), key: fixture('server-key.pem')}, onRequest) : http.createServer(onRequest)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    caPem: options.tls ? fixture('ca.pem') : undefined,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

// The TokenReview call the Kubernetes auth method makes during login
// (vault-plugin-auth-kubernetes token_review.go), over real HTTP(S).
import http from 'node:http'
import https from 'node:https'
import net from 'node:net'
import tls from 'node:tls'

/**
 * The cluster this Vault runs in, as a pod: in-cluster names and `hostAliases` (the service IP, the node IP) reach
 * the API server at `url`; loopback addresses are the pod's own. A Vault without a KubeTarget runs outside any
 * cluster and reaches whatever address it is given.
 */
export interface KubeTarget {
  /** Where requests for the in-cluster API host really go (the cluster this Vault runs in). */
  url: string
  caPem?: string
  serviceAccountToken?: string
  /** Extra host names or IPs that mean "the API server" from inside the cluster. */
  hostAliases?: string[]
  /**
   * 'pod' (default): Vault runs in a pod, whose loopback is its own, so the host's 127.0.0.1 is unreachable.
   * 'host': Vault shares the host's network (only for tests that stand stub API servers on loopback).
   */
  network?: 'pod' | 'host'
}

const IN_CLUSTER_HOSTS = ['kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', 'kubernetes.default', 'kubernetes']

export interface ReviewRequest {
  kubernetesHost: string
  caPem?: string
  bearer: string
  jwt: string
  audiences: string[]
  kube?: KubeTarget
}

export interface ReviewedAccount {
  name: string
  namespace: string
  uid: string
}

const TIMEOUT_MS = 10_000

export interface KubeRequest {
  method: 'GET' | 'POST'
  kubernetesHost: string
  path: string
  caPem?: string
  bearer: string
  kube?: KubeTarget
  body?: string
}

function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '')
  return bare === 'localhost' || bare === '::1' || /^127\./.test(bare)
}

/** Resolves with the reviewed account or rejects with the plugin's error text. */
export async function reviewToken(review: ReviewRequest): Promise<ReviewedAccount> {
  // Vault's TokenReview struct has an empty TypeMeta, zero ObjectMeta and zero status.
  const spec: Record<string, unknown> = {token: review.jwt}
  if (review.audiences.length > 0) spec['audiences'] = review.audiences
  const {status, text} = await kubeRequest({
    method: 'POST',
    kubernetesHost: review.kubernetesHost,
    path: '/apis/authentication.k8s.io/v1/tokenreviews',
    caPem: review.caPem,
    bearer: review.bearer,
    kube: review.kube,
    body: JSON.stringify({metadata: {creationTimestamp: null}, spec, status: {user: {}}}),
  })
  if (status < 200 || status > 206) {
    if (status === 401) throw new Error('lookup failed: service account unauthorized; this could mean it has been deleted or recreated with a new token')
    throw new Error(`the server responded with status ${status}: ${text.trim()}`)
  }
  let parsed: {status?: {error?: string; authenticated?: boolean; audiences?: string[]; user?: {username?: string; uid?: string}}}
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new Error(`lookup failed: ${(error as Error).message}`)
  }
  const result = parsed.status ?? {}
  if (result.error) throw new Error(`lookup failed: ${result.error}`)
  if (!result.authenticated) throw new Error('lookup failed: service account jwt not valid')
  const returned = result.audiences ?? []
  if (review.audiences.length > 0 && !review.audiences.some((a) => returned.includes(a))) {
    throw new Error(`lookup failed: service account jwt valid for audience(s) [${returned.join(' ')}], but wanted [${review.audiences.join(' ')}]`)
  }
  const parts = (result.user?.username ?? '').split(':')
  if (parts.length !== 4) throw new Error('lookup failed: unexpected username format')
  if (parts[0] !== 'system' || parts[1] !== 'serviceaccount') throw new Error('lookup failed: username returned is not a service account')
  return {namespace: parts[2]!, name: parts[3]!, uid: result.user?.uid ?? ''}
}

/** A request to the API server Vault was configured with; the in-cluster host goes to `kube.url`. */
export function kubeRequest(request: KubeRequest): Promise<{status: number; text: string}> {
  const target = new URL(`${request.kubernetesHost.replace(/\/$/, '')}${request.path}`)
  if (target.protocol !== 'https:' && target.protocol !== 'http:') {
    return Promise.reject(new Error(`${request.method === 'POST' ? 'Post' : 'Get'} "${target.href}": unsupported protocol scheme "${target.protocol.replace(':', '')}"`))
  }
  const originalHost = target.hostname
  const inCluster = [...IN_CLUSTER_HOSTS, ...(request.kube?.hostAliases ?? [])].includes(originalHost) && (target.port === '' || target.port === '443')
  if (inCluster && request.kube === undefined) {
    return Promise.reject(new Error(`dial tcp: lookup ${originalHost}: no such host`))
  }
  // Vault in a pod has its own loopback: the host's 127.0.0.1 (a kind kubeconfig, a port vsi forwarded) is not the API
  // server there. Go's client.Do fails to dial, and path_login.go turns any lookup error into "permission denied".
  if (!inCluster && request.kube !== undefined && request.kube.network !== 'host' && isLoopback(originalHost)) {
    const port = target.port || (target.protocol === 'https:' ? '443' : '80')
    const dial = net.isIPv6(originalHost.replace(/^\[|\]$/g, '')) ? `[::1]:${port}` : `127.0.0.1:${port}`
    return Promise.reject(new Error(`${request.method === 'POST' ? 'Post' : 'Get'} "${target.href}": dial tcp ${dial}: connect: connection refused`))
  }
  const destination = inCluster ? new URL(request.kube!.url) : target
  const useTls = destination.protocol === 'https:'
  const headers: Record<string, string | number> = {Authorization: `Bearer ${request.bearer}`, Accept: 'application/json'}
  if (request.body !== undefined) {
    headers['Content-Type'] = 'application/json'
    headers['Content-Length'] = Buffer.byteLength(request.body)
  }
  const options: https.RequestOptions = {
    method: request.method,
    host: destination.hostname,
    port: destination.port || (useTls ? 443 : 80),
    path: target.pathname,
    headers,
    timeout: TIMEOUT_MS,
    agent: false,
  }
  if (useTls) {
    if (request.caPem) options.ca = request.caPem
    // The certificate must be valid for the host Vault was configured with, wherever it really is.
    if (net.isIP(originalHost) === 0) options.servername = originalHost
    options.checkServerIdentity = (_host, cert) => tls.checkServerIdentity(originalHost, cert)
  }
  return new Promise((resolve, reject) => {
    const req = (useTls ? https : http).request(options, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8')}))
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error('context deadline exceeded')))
    req.on('error', reject)
    req.end(request.body)
  })
}

import {ExitCode, VsiError} from '../errors.js'
import {unreachableReason} from '../network-errors.js'

/** What node-vault 0.12 rejects with: ApiResponseError (not exported) carries `response`; axios errors carry `code`. */
interface NodeVaultErrorShape {
  message?: string
  code?: string
  response?: {statusCode?: number; body?: unknown}
}

export interface VaultCall {
  method: string
  /** API path without /v1/, e.g. sys/policies/acl/internal-app. */
  path: string
  login?: boolean
}

export function statusOf(error: unknown): number | undefined {
  return (error as NodeVaultErrorShape | undefined)?.response?.statusCode
}

/** Vault's `errors` array, joined; node-vault keeps only the first one in `message`. */
export function vaultErrorText(error: unknown): string {
  const body = (error as NodeVaultErrorShape | undefined)?.response?.body
  if (body && typeof body === 'object' && Array.isArray((body as {errors?: unknown}).errors)) {
    const errors = (body as {errors: unknown[]}).errors.map((item) => cleanMultierror(String(item))).filter(Boolean)
    if (errors.length > 0) return errors.join('; ')
  }
  // Proxies in front of Vault (an ingress, a port-forward) answer 502/504 with an HTML page: keep its text.
  if (typeof body === 'string' && body.trim() !== '') return body.replace(/<(head|title)>.*?<\/\1>/gis, ' ').replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200)
  return (error as NodeVaultErrorShape | undefined)?.message ?? String(error)
}

/** Vault wraps many errors as "1 error occurred:\n\t* permission denied\n\n". */
function cleanMultierror(text: string): string {
  const items = [...text.matchAll(/^\s*\*\s+(.+)$/gm)].map((match) => match[1].trim())
  return items.length > 0 ? items.join('; ') : text.trim()
}

function transportCode(error: unknown): string | undefined {
  const shape = error as NodeVaultErrorShape | undefined
  return shape?.response ? undefined : shape?.code
}

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
])

const TRANSIENT_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'ERR_SOCKET_CONNECTION_TIMEOUT'])
const TRANSIENT_STATUSES = new Set([500, 502, 503, 504])

/** Worth another try on an idempotent call: the connection broke, or a gateway or server failed (not: sealed). */
export function isTransient(error: unknown): boolean {
  const code = transportCode(error)
  if (code !== undefined) return TRANSIENT_CODES.has(code) || /socket hang up/i.test(String((error as Error).message))
  const status = statusOf(error)
  return status !== undefined && TRANSIENT_STATUSES.has(status) && !isSealed(error)
}

/** A fresh kv-v2 mount answers 400 for a moment while it upgrades; the request did nothing, so any call may retry. */
export function isKvUpgrading(error: unknown): boolean {
  return statusOf(error) === 400 && /Upgrading from non-versioned to versioned data/i.test(vaultErrorText(error))
}

/**
 * Sealed is read from Vault's own answer (503 {"errors":["Vault is sealed"]}, sdk/helper/consts ErrSealed); a 503 from a
 * proxy in front of Vault (an HTML page, an empty body) only says Vault is unavailable.
 */
export function isSealed(error: unknown): boolean {
  return statusOf(error) === 503 && vaultErrors(error).some((text) => /Vault is sealed/i.test(text))
}

function vaultErrors(error: unknown): string[] {
  const body = (error as NodeVaultErrorShape | undefined)?.response?.body
  const errors = body && typeof body === 'object' ? (body as {errors?: unknown}).errors : undefined
  return Array.isArray(errors) ? errors.map(String) : []
}

export function isInvalidToken(error: unknown): boolean {
  const status = statusOf(error)
  return (status === 403 || status === 401) && /invalid token|token (is )?expired|bad token/i.test(vaultErrorText(error))
}

export function isPermissionDenied(error: unknown): boolean {
  return statusOf(error) === 403 && !isInvalidToken(error)
}

/** The capability Vault checks for a request (docs: concepts/policies "Capabilities"). */
export function requiredCapability(call: VaultCall): string {
  const [path, query = ''] = call.path.split('?')
  if (call.method === 'GET') return /(^|&)list=(true|1)/.test(query) ? 'list' : 'read'
  if (call.method === 'DELETE') return 'delete'
  if (call.method === 'PATCH') return 'patch'
  if (path.startsWith('sys/auth/')) return 'update" and "sudo'
  // Paths without an existence check are always written as "update" (sdk/framework: no ExistenceCheck, no create):
  // the Kubernetes auth method's config (vault-plugin-auth-kubernetes path_config.go) and mount/tune endpoints.
  if (/^auth\/.+\/config$/.test(path) || path.startsWith('sys/mounts/')) return 'update'
  return 'create" or "update'
}

export interface MapContext {
  addr: string
  unreachableHint?: string
  tokenSource?: string
  /** The token's capabilities on the path, from sys/capabilities-self, when a 403 was answered. */
  capabilities?: string[]
  timeoutMs?: number
}

/** Turns whatever node-vault threw into the VsiError the user sees. */
export function toVaultError(error: unknown, call: VaultCall, context: MapContext): VsiError {
  if (error instanceof VsiError) return error
  const where = `${call.method} ${call.path.split('?')[0]}`
  const code = transportCode(error)
  if (code !== undefined) return transportError(error, code, context)
  const status = statusOf(error)
  const text = vaultErrorText(error)
  if (isSealed(error)) {
    return new VsiError(`Vault at ${context.addr} is sealed`, {
      code: 'vault-sealed',
      hint: 'Unseal it (vault operator unseal) and run the command again.',
      cause: error,
    })
  }
  if (status === 503) {
    return new VsiError(`Vault at ${context.addr} is unavailable: HTTP 503 ${text}`, {
      code: 'vault-unavailable',
      hint: 'Something in front of Vault (a proxy, an ingress, a port-forward) answered instead of Vault; check that Vault runs and that the address reaches it.',
      cause: error,
    })
  }
  if (isInvalidToken(error) || (status === 403 && context.capabilities === undefined && /invalid token/i.test(text))) {
    return invalidToken(context, error)
  }
  if (isMissingToken(error)) return noToken(call, error)
  if (status === 400 && /HTTP request to an HTTPS server/i.test(text)) {
    return new VsiError(`Vault at ${context.addr} expects HTTPS`, {
      code: 'vault-tls',
      hint: 'Use an https:// address in VAULT_ADDR or --vault-addr.',
      cause: error,
    })
  }
  if (call.login && (status === 403 || status === 400)) {
    return new VsiError(`Vault refused the login at ${call.path}: ${text}`, {code: 'vault-login-denied', cause: error})
  }
  if (status === 403) {
    const needed = requiredCapability(call)
    const has = context.capabilities && context.capabilities.length > 0 ? context.capabilities.join(', ') : 'none'
    const path = call.path.split('?')[0]
    return new VsiError(`Permission denied: the Vault token lacks "${needed}" on ${path} (its capabilities there: ${has})`, {
      code: 'vault-permission-denied',
      hint: `Use a token whose policy has path "${path}" { capabilities = ["${needed.replace(/" (and|or) "/, '", "')}"] }.`,
      cause: error,
    })
  }
  if (status === 404) {
    return new VsiError(`Vault has nothing at ${call.path.split('?')[0]} (${text})`, {code: 'vault-not-found', cause: error})
  }
  if (status === 400) {
    return new VsiError(`Vault rejected ${where}: ${text}`, {code: 'vault-bad-request', cause: error})
  }
  return new VsiError(`Vault failed on ${where}: ${status === undefined ? text : `HTTP ${status}: ${text}`}`, {
    code: 'vault-error',
    cause: error,
  })
}

/** Vault 1.9 and older: 400 "missing client token" (1.10+ answers 403 "permission denied"). */
export function isMissingToken(error: unknown): boolean {
  return statusOf(error) === 400 && /missing client token/i.test(vaultErrorText(error))
}

/** vsi sent no token (or an older Vault says so): say how to give one. */
export function noToken(call: VaultCall, cause: unknown): VsiError {
  return new VsiError(`No Vault token: ${call.method} ${call.path.split('?')[0]} needs one, and vsi had none to send (Vault answered ${statusOf(cause)} "${vaultErrorText(cause)}")`, {
    code: 'vault-token-missing',
    exitCode: ExitCode.usage,
    hint: 'Set VAULT_TOKEN, run `vault login` (which writes ~/.vault-token), or pass --vault-token.',
    cause,
  })
}

export function invalidToken(context: MapContext, cause?: unknown): VsiError {
  const from = context.tokenSource ? ` (from ${context.tokenSource})` : ''
  return new VsiError(`The Vault token${from} is invalid or has expired`, {
    code: 'vault-token-invalid',
    hint: 'Get a new token (vault login, or ask your Vault admin) and set VAULT_TOKEN or pass --vault-token.',
    cause,
  })
}

function transportError(error: unknown, code: string, {addr, unreachableHint, timeoutMs}: MapContext): VsiError {
  const detail = (error as Error).message
  if ((code === 'ECONNABORTED' || code === 'ETIMEDOUT') && timeoutMs !== undefined) {
    return new VsiError(`Vault at ${addr} did not answer within ${timeoutMs / 1000}s`, {
      code: 'vault-timeout',
      hint: 'Check that Vault is up and not overloaded; VAULT_CLIENT_TIMEOUT (or --vault-client-timeout) sets how long vsi waits (default 60s).',
      cause: error,
    })
  }
  if (TLS_CODES.has(code) || /certificate|SSL|TLS/i.test(detail)) {
    return new VsiError(`TLS error talking to Vault at ${addr}: ${detail}`, {
      code: 'vault-tls',
      hint: /https:/.test(addr)
        ? "Set VAULT_CACERT to the CA that signed Vault's certificate (VAULT_SKIP_VERIFY=true skips the check; for tests only)."
        : 'Check the scheme of VAULT_ADDR (http:// or https://).',
      cause: error,
    })
  }
  return new VsiError(`Cannot reach Vault at ${addr}: ${unreachableReason(code) ?? detail}`, {
    code: 'vault-unreachable',
    hint: unreachableHint ?? 'Is Vault running there? Check VAULT_ADDR or --vault-addr (with no address set, vsi looks for Vault in the cluster).',
    cause: error,
  })
}

// PUT sys/seal and PUT sys/unseal, served outside the logical router as Vault does (hashicorp/vault http/sys_seal.go
// handleSysSeal, handleSysUnseal; vault/core.go SealWithRequest, Unseal). A dev server has one unseal key (1 of 1
// shares), printed at start; the seal fault of the emulator and these endpoints share the one sealed flag.
import type {WireRequest, WireResponse} from './http-wire.js'
import {errorBody} from './render.js'
import {buildLogicalRequest} from './request.js'
import {multierror} from './go-strconv.js'

export interface SealCore {
  sealed: boolean
  readonly unsealKey: Buffer
  /** Whether the token may update sys/seal with sudo (SealWithRequest's RootPrivsRequired policy check). */
  maySeal(token: string | undefined): boolean
  /** sys/seal-status as it stands (handleSysSealStatusRaw). */
  sealStatus(): WireResponse
}

// The AES-GCM barrier takes 16- to 32-byte keys; shamir.ShareOverhead adds one byte to a share (BarrierKeyLength).
const MIN_KEY = 16
const MAX_KEY = 33

/** handleSysSeal: only update; already sealed is a no-op; otherwise root privileges on sys/seal; 204 on success. */
export function handleSeal(core: SealCore, req: WireRequest, query: URLSearchParams): WireResponse {
  const logical = buildLogicalRequest(req, 'sys/seal', query)
  if ('status' in logical) return errorBody(logical.status, logical.errors)
  if (logical.op !== 'update') return errorBody(405, [])
  if (core.sealed) return {status: 204, headers: {'Cache-Control': 'no-store', 'Content-Type': 'application/json'}}
  // An ACL denial is a multierror carrying logical.ErrPermissionDenied, answered 403.
  if (!core.maySeal(logical.token)) return errorBody(403, [multierror(['permission denied'])])
  core.sealed = true
  return {status: 204, headers: {'Cache-Control': 'no-store', 'Content-Type': 'application/json'}}
}

/** Go's encoding/json name for a JSON value's type, as in "cannot unmarshal number into Go struct field". */
function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array'
  return typeof value === 'object' ? 'object' : typeof value === 'boolean' ? 'bool' : typeof value
}

type UnsealRequest = {key: string; reset: boolean; migrate: boolean}

/** parseJSONRequest into UnsealRequest{Key, Reset, Migrate}; an empty body is an empty request. */
function parseUnsealRequest(body: string): UnsealRequest | string {
  const request: UnsealRequest = {key: '', reset: false, migrate: false}
  if (body.trim() === '') return request
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    const first = body.trim()[0]!
    return /[{["\d\-tfn]/.test(first) ? 'failed to parse JSON input: unexpected EOF' : `failed to parse JSON input: invalid character '${first}' looking for beginning of value`
  }
  if (parsed === null) return request
  if (typeof parsed !== 'object' || Array.isArray(parsed)) return `failed to parse JSON input: json: cannot unmarshal ${jsonKind(parsed)} into Go value of type http.UnsealRequest`
  for (const [field, type] of [['key', 'string'], ['reset', 'boolean'], ['migrate', 'boolean']] as const) {
    const value = (parsed as Record<string, unknown>)[field]
    if (value === undefined || value === null) continue
    if (typeof value !== type) {
      return `failed to parse JSON input: json: cannot unmarshal ${jsonKind(value)} into Go struct field UnsealRequest.${field} of type ${type === 'boolean' ? 'bool' : type}`
    }
    ;(request as Record<string, unknown>)[field] = value
  }
  return request
}

/** hex.DecodeString when it gives a key of a valid length, else base64.StdEncoding (strict padding). */
function decodeKey(text: string): Buffer | undefined {
  if (/^([0-9a-fA-F]{2})*$/.test(text)) {
    const key = Buffer.from(text, 'hex')
    if (key.length >= MIN_KEY && key.length <= MAX_KEY) return key
  }
  const compact = text.replace(/[\r\n]/g, '')
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return undefined
  return Buffer.from(compact, 'base64')
}

/** handleSysUnseal: answers the seal status (200) after each accepted key. */
export function handleUnseal(core: SealCore, req: WireRequest): WireResponse {
  if (req.method !== 'PUT' && req.method !== 'POST') return errorBody(405, [])
  const request = parseUnsealRequest(req.body.toString('utf8'))
  if (typeof request === 'string') return errorBody(400, [request])
  if (request.reset) {
    if (!core.sealed) return errorBody(400, ['vault is unsealed'])
    return core.sealStatus()
  }
  // A dev server is never in seal migration mode.
  if (request.migrate) return errorBody(400, ["'migrate' parameter set true in JSON body when not in seal migration mode"])
  if (request.key === '') return errorBody(400, ["'key' must be specified in request body as JSON, or 'reset' set to true"])
  const key = decodeKey(request.key)
  if (key === undefined) return errorBody(400, ["'key' must be a valid hex or base64 string"])
  // Core.Unseal checks the length first (ErrInvalidKey → 400), then returns at once when already unsealed.
  if (key.length < MIN_KEY) return errorBody(400, [`invalid key: key is shorter than minimum ${MIN_KEY} bytes`])
  if (key.length > MAX_KEY) return errorBody(400, [`invalid key: key is longer than maximum ${MAX_KEY} bytes`])
  if (!core.sealed) return core.sealStatus()
  // With 1 of 1 shares the key is the shamir KEK: a wrong one cannot decrypt the stored root key, an error the
  // handler does not classify, so 500 (unsealKeyToRootKey → seal.GetStoredKeys).
  if (!key.equals(core.unsealKey)) {
    return errorBody(500, ['unable to retrieve stored keys: failed to decrypt keys from storage: cipher: message authentication failed'])
  }
  core.sealed = false
  return core.sealStatus()
}

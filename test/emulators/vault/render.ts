// Turning a Reply into HTTP the way Vault does: logical.RespondErrorCommon picks the status,
// http/handler.go writes the envelope, and the sys routes get their data copied to the top level.
import {randomUUID} from 'node:crypto'
import {multierror} from './go-strconv.js'
import {goEncode, goMarshal, goStruct} from './go-json.js'
import type {ResponseReply, Reply} from './reply.js'
import type {WireResponse} from './http-wire.js'

export interface RenderContext {
  /** The operation after Vault's method mapping ('create' and 'update' both count as writes). */
  op: string
  /** URL path as sent, e.g. /v1/sys/mounts/foo (decides the sys data injection). */
  urlPath: string
  mountType: string
  /** Login requests do not get their Go errors wrapped in a multierror. */
  login: boolean
}

const JSON_HEADERS = {'Cache-Control': 'no-store', 'Content-Type': 'application/json'}

// hashicorp/vault http/handler.go injectDataIntoTopRoutes; entries ending in "/" are prefixes.
const INJECTED_ROUTES = [
  '/v1/sys/audit',
  '/v1/sys/audit/',
  '/v1/sys/audit-hash/',
  '/v1/sys/auth',
  '/v1/sys/auth/',
  '/v1/sys/config/cors',
  '/v1/sys/config/auditing/request-headers',
  '/v1/sys/config/auditing/request-headers/',
  '/v1/sys/capabilities',
  '/v1/sys/capabilities-accessor',
  '/v1/sys/capabilities-self',
  '/v1/sys/ha-status',
  '/v1/sys/key-status',
  '/v1/sys/mounts',
  '/v1/sys/mounts/',
  '/v1/sys/policy',
  '/v1/sys/policy/',
  '/v1/sys/rekey/backup',
  '/v1/sys/rekey/recovery-key-backup',
  '/v1/sys/remount',
  '/v1/sys/rotate',
  '/v1/sys/wrapping/wrap',
]

function injected(urlPath: string): boolean {
  return INJECTED_ROUTES.some((route) => (route.endsWith('/') ? urlPath.startsWith(route) : urlPath === route))
}

export function errorBody(status: number, messages: string[]): WireResponse {
  // consts.ErrSealed anywhere in the error turns the status into 503 (AdjustErrorStatusCode).
  const finalStatus = messages.some((m) => m.includes('Vault is sealed')) ? 503 : status
  return {status: finalStatus, headers: JSON_HEADERS, body: goEncode({errors: messages})}
}

function envelope(res: ResponseReply, mountType: string): Record<string, unknown> {
  return goStruct({
    request_id: randomUUID(),
    lease_id: '',
    renewable: false,
    lease_duration: res.leaseDuration ?? 0,
    data: res.data,
    wrap_info: null,
    warnings: res.warnings.length > 0 ? res.warnings : null,
    auth: res.auth ? goStruct({...res.auth}) : null,
    mount_type: mountType,
  })
}

function isEmptyList(res: ResponseReply): boolean {
  if (res.warnings.length > 0) return false
  const data = res.data ?? {}
  if (Object.keys(data).length === 0) return true
  const keys = data['keys']
  if (keys === undefined || keys === null) return false
  return Array.isArray(keys) && keys.length === 0
}

export function render(ctx: RenderContext, reply: Reply): WireResponse {
  switch (reply.kind) {
    case 'nil':
      if (ctx.op === 'read' || ctx.op === 'list') return errorBody(404, [])
      return {status: 204, headers: JSON_HEADERS}
    case 'response': {
      if (ctx.op === 'list' && isEmptyList(reply)) return errorBody(404, [])
      const body = envelope(reply, ctx.mountType)
      const data = reply.data ?? {}
      if (injected(ctx.urlPath) && Object.keys(data).length > 0) {
        // HTTPSysInjector writes the data keys first, then the envelope's own fields.
        const top = goMarshal(data).slice(1, -1)
        const rest = goMarshal(body).slice(1)
        return {status: 200, headers: JSON_HEADERS, body: `{${top},${rest}\n`}
      }
      return {status: 200, headers: JSON_HEADERS, body: goEncode(body)}
    }
    case 'raw':
      // RespondWithStatusCode marshals with json.Marshal (no newline) and has no mount_type; without a response the
      // body is empty (hashicorp/vault http/logical.go respondRaw: no HTTPRawBody → WRITE_RESPONSE with no body).
      if (reply.response === undefined) return {status: reply.status, headers: JSON_HEADERS, body: ''}
      return {status: reply.status, headers: JSON_HEADERS, body: goMarshal(envelope(reply.response, ''))}
    case 'errorResponse':
      return errorBody(reply.status, [reply.message])
    case 'goError': {
      const message = ctx.login ? reply.message : multierror([reply.message])
      return errorBody(reply.status ?? statusFromError(reply.message), [message])
    }
  }
}

function statusFromError(message: string): number {
  if (message.includes('permission denied')) return 403
  if (message.includes('unsupported operation')) return 405
  if (message.includes('unsupported path')) return 404
  if (message.includes('invalid request')) return 400
  return 500
}

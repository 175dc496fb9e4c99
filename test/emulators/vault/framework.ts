// A slice of Vault's sdk/framework: routing a mount-relative path to a handler, field
// validation, existence checks (create vs update) and the "unrecognized parameters" warnings.
import {FieldData, type Schema} from './fields.js'
import {errorResponse, goError, UNSUPPORTED_OPERATION, UNSUPPORTED_PATH, type Reply} from './reply.js'
import type {TokenEntry} from './tokens.js'

export type Op = 'create' | 'read' | 'update' | 'delete' | 'list' | 'patch'

export interface BackendRequest {
  op: Op
  /** Path relative to the mount. */
  path: string
  /** Full request path (what ACLs see), e.g. auth/kubernetes/role/app. */
  fullPath: string
  data: Record<string, unknown>
  /** The JSON body with numbers as json.Number (see LogicalRequest.exactData). */
  exactData?: Record<string, unknown>
  /** The authenticated token; absent on unauthenticated paths. */
  token?: TokenEntry
  /** The client token string as sent, if any (the preflight checks it itself). */
  clientToken?: string
  remoteAddress: string
}

export interface HandlerRequest extends BackendRequest {
  fields: FieldData
  captures: Record<string, string>
}

export type Handler = (req: HandlerRequest) => Reply | Promise<Reply>

export interface Route {
  /** Matched against the whole relative path (anchored here, as the framework does). */
  pattern: string
  /** Declared fields; undefined means the path takes arbitrary input (KV v1, KV v2 catch-all). */
  fields?: Schema
  existenceCheck?: (req: HandlerRequest) => boolean
  operations: Partial<Record<Op, Handler>>
}

export interface Backend {
  /** Reported as `mount_type`. */
  readonly mountType: string
  readonly routes: Route[]
  /** Relative paths that need no token; a trailing `*` is a prefix. */
  readonly unauthenticatedPaths?: string[]
  /** Relative paths that need `sudo`; a trailing `*` is a prefix. */
  readonly rootPaths?: string[]
}

export function matchesSpecial(patterns: string[] | undefined, path: string): boolean {
  return (patterns ?? []).some((p) => (p.endsWith('*') ? path.startsWith(p.slice(0, -1)) : path === p))
}

interface Matched {
  route: Route
  captures: Record<string, string>
}

const compiled = new WeakMap<Route, RegExp>()

function match(backend: Backend, path: string): Matched | undefined {
  for (const route of backend.routes) {
    let re = compiled.get(route)
    if (re === undefined) {
      re = new RegExp(`^${route.pattern}$`)
      compiled.set(route, re)
    }
    const m = re.exec(path)
    if (m) return {route, captures: Object.fromEntries(Object.entries(m.groups ?? {}).filter(([, v]) => v !== undefined)) as Record<string, string>}
  }
  return undefined
}

function handlerRequest(req: BackendRequest, matched: Matched): HandlerRequest {
  // URL captures take priority over body fields of the same name.
  const raw = {...req.data, ...matched.captures}
  return {...req, captures: matched.captures, fields: new FieldData(raw, matched.route.fields ?? {})}
}

/**
 * Core's existence check before an update: decides create vs update. Returns a Reply when
 * field validation fails there (Vault reports that as a plain 400, without a prefix).
 */
export function resolveWriteOperation(backend: Backend, req: BackendRequest): Op | Reply {
  if (req.op !== 'update') return req.op
  const matched = match(backend, req.path)
  if (matched?.route.existenceCheck === undefined) return 'update'
  const hreq = handlerRequest(req, matched)
  const invalid = hreq.fields.validate()
  if (invalid !== undefined) return errorResponse(invalid)
  return matched.route.existenceCheck(hreq) ? 'update' : 'create'
}

export async function dispatch(backend: Backend, req: BackendRequest): Promise<Reply> {
  const matched = match(backend, req.path)
  if (matched === undefined) return goError(UNSUPPORTED_PATH)
  const {route} = matched
  // Paths with an existence check register both create and update; others only see update.
  const handler = route.operations[req.op] ?? (req.op === 'create' ? route.operations.update : undefined)
  if (handler === undefined) return goError(UNSUPPORTED_OPERATION)
  const hreq = handlerRequest(req, matched)
  const invalid = hreq.fields.validate()
  if (invalid !== undefined) return errorResponse(`Field validation failed: ${invalid}`)
  const reply = await handler(hreq)
  if (reply.kind !== 'response' || route.fields === undefined) return reply
  const ignored = Object.keys(req.data)
    .filter((k) => !(k in route.fields!))
    .sort()
  const replaced = Object.keys(req.data).filter((k) => k in matched.captures)
  const warnings = [...reply.warnings]
  if (ignored.length > 0) warnings.push(`Endpoint ignored these unrecognized parameters: [${ignored.join(' ')}]`)
  if (replaced.length > 0) {
    warnings.push(`Endpoint replaced the value of these parameters with the values captured from the endpoint's path: [${replaced.join(' ')}]`)
  }
  return {...reply, warnings}
}

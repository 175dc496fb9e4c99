// From an HTTP request to Vault's logical request (hashicorp/vault http/logical.go
// buildLogicalRequestNoAuth): method → operation, `?list=`, query and body data, token header.
import type {Op} from './framework.js'
import {goDecodeUseNumber} from './go-json.js'
import type {WireRequest} from './http-wire.js'

export interface LogicalRequest {
  op: Op
  /** Request path without /v1/; list operations always end in "/". */
  path: string
  data: Record<string, unknown>
  /** The JSON body as Vault decodes it, numbers kept as json.Number; only backends that store data verbatim use it. */
  exactData?: Record<string, unknown>
  token?: string
}

export interface BadRequest {
  status: number
  errors: string[]
}

const MERGE_PATCH = 'application/merge-patch+json'

/** parseQuery: one value → string, several → list; `help` is reserved. */
function queryData(query: URLSearchParams): Record<string, unknown> {
  const data: Record<string, unknown> = {}
  for (const key of new Set(query.keys())) {
    if (key === 'help') continue
    const values = query.getAll(key)
    data[key] = values.length === 1 ? values[0] : values
  }
  return data
}

/** http/handler.go parseFormRequest: several values of one key are joined with "," (and `help` is an ordinary key). */
function formData(form: URLSearchParams): Record<string, unknown> {
  const data: Record<string, unknown> = {}
  for (const key of new Set(form.keys())) data[key] = form.getAll(key).join(',')
  return data
}

function parseBool(text: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false
  return undefined
}

/** The body's data, or undefined when it cannot be decoded. */
function parseBody(req: WireRequest): Record<string, unknown> | undefined {
  const text = req.body.toString('utf8')
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
  const looksJson = /^\s*[{[]/.test(text)
  if (contentType === 'application/x-www-form-urlencoded' && !looksJson) return formData(new URLSearchParams(text))
  if (text.trim() === '') return {}
  try {
    const parsed: unknown = JSON.parse(text)
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>
  } catch {
    // Reported by the caller like any other undecodable body.
  }
  return undefined
}

/** The body's JSON object with numbers as json.Number (Vault's parseJSONRequest decodes with UseNumber). */
function exactBody(req: WireRequest): Record<string, unknown> | undefined {
  try {
    const parsed = goDecodeUseNumber(req.body.toString('utf8'))
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

const JSON_ERROR: BadRequest = {status: 400, errors: ['error parsing JSON']}

export function clientToken(req: WireRequest): string | undefined {
  const header = req.headers['x-vault-token']
  if (header) return header
  const auth = req.headers['authorization'] ?? ''
  return auth.startsWith('Bearer ') ? auth.slice(7) : undefined
}

export function buildLogicalRequest(req: WireRequest, path: string, query: URLSearchParams): LogicalRequest | BadRequest {
  const token = clientToken(req)
  const withSlash = (p: string): string => (p.endsWith('/') ? p : `${p}/`)
  switch (req.method) {
    case 'GET': {
      const data = queryData(query)
      const list = query.get('list')
      if (list === null || list === '') return {op: 'read', path, data, token}
      const asBool = parseBool(list)
      if (asBool === undefined) return {status: 400, errors: []}
      if (!asBool) return {op: 'read', path, data, token}
      // http/logical.go deletes "list" from the query only when it is true; list=false stays in the request data.
      delete data['list']
      return {op: 'list', path: withSlash(path), data, token}
    }
    case 'LIST':
      return {op: 'list', path: withSlash(path), data: queryData(query), token}
    case 'POST':
    case 'PUT': {
      const data = parseBody(req)
      return data === undefined ? JSON_ERROR : {op: 'update', path, data, exactData: exactBody(req), token}
    }
    case 'DELETE':
      return {op: 'delete', path, data: queryData(query), token}
    case 'PATCH': {
      const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
      if (contentType === '') return {status: 400, errors: ['mime: no media type']}
      if (contentType !== MERGE_PATCH) return {status: 415, errors: [`PATCH requires Content-Type of ${MERGE_PATCH}, provided ${contentType}`]}
      const data = parseBody(req)
      return data === undefined ? JSON_ERROR : {op: 'patch', path, data, exactData: exactBody(req), token}
    }
    default:
      return {status: 405, errors: []}
  }
}

import {DEFAULT_JSON_TEMPLATE, DEFAULT_MAP_TEMPLATE} from './config.js'

/** A Vault secret as consul-template hands it to templates (dependency.Secret). */
export interface TemplateSecret {
  RequestID: string
  LeaseID: string
  LeaseDuration: number
  Renewable: boolean
  Data: Record<string, unknown>
  Warnings: string[] | null
}

export function toTemplateSecret(response: {request_id?: string; lease_id?: string; lease_duration?: number; renewable?: boolean; data?: Record<string, unknown>; warnings?: string[] | null}): TemplateSecret {
  return {
    RequestID: response.request_id ?? '',
    LeaseID: response.lease_id ?? '',
    LeaseDuration: response.lease_duration ?? 0,
    Renewable: response.renewable ?? false,
    Data: response.data ?? {},
    Warnings: response.warnings ?? null,
  }
}

/** fmt's %v for what encoding/json (with UseNumber) decodes: maps sorted as map[k:v], slices as [a b], nil as <nil>. */
export function goFormat(value: unknown): string {
  if (value === null || value === undefined) return '<nil>'
  if (Array.isArray(value)) return `[${value.map(goFormat).join(' ')}]`
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>
    return `map[${Object.keys(obj)
      .sort()
      .map((k) => `${k}:${goFormat(obj[k])}`)
      .join(' ')}]`
  }
  return String(value)
}

/** Go's encoding/json Marshal of decoded JSON: map keys sorted, no spaces, HTML characters escaped. */
function goJson(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>
    return `{${Object.keys(obj)
      .sort()
      .map((k) => `${escapeHtml(JSON.stringify(k))}:${goJson(obj[k])}`)
      .join(',')}}`
  }
  return typeof value === 'string' ? escapeHtml(JSON.stringify(value)) : JSON.stringify(value)
}

const escapeHtml = (s: string) => s.replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026')

/**
 * Renders the injector's two default templates without a template engine; returns undefined for any other text.
 */
export function renderDefaultTemplate(contents: string, secret: (path: string) => TemplateSecret | undefined): string | undefined {
  for (const [template, render] of [
    [DEFAULT_MAP_TEMPLATE, (s: TemplateSecret) => Object.keys(s.Data).sort().map((k) => `${k}: ${goFormat(s.Data[k])}\n`).join('')],
    [DEFAULT_JSON_TEMPLATE, (s: TemplateSecret) => `${goJson(s.Data)}\n`],
  ] as const) {
    const [before, after] = template.split('%s')
    if (contents.startsWith(before) && contents.endsWith(after)) {
      const path = contents.slice(before.length, contents.length - after.length)
      const s = secret(path)
      return s ? render(s) : ''
    }
  }
  return undefined
}

/** The secret paths a template reads: every `secret "<path>"` call. */
export function secretPaths(contents: string): string[] {
  return [...new Set([...contents.matchAll(/secret\s+"([^"]+)"/g)].map((m) => m[1]))]
}

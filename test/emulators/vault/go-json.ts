// JSON as Go's encoding/json writes it: map keys sorted (Vault's `data` is a Go map),
// struct fields in declaration order, and <, >, & escaped as \u003c, \u003e, \u0026.

export type Json = null | boolean | number | string | Json[] | {[key: string]: Json}

/** Marks an object whose keys must keep their order (a Go struct, not a map). */
const STRUCT = Symbol('go-struct')

export function goStruct<T extends object>(value: T): T {
  Object.defineProperty(value, STRUCT, {value: true, enumerable: false})
  return value
}

function serialize(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  if (Array.isArray(value)) return `[${value.map(serialize).join(',')}]`
  if (typeof value !== 'object') return JSON.stringify(value)
  const entries = Object.entries(value).filter(([, v]) => v !== undefined)
  // Sorting by code unit matches Go's byte-wise sort for the keys Vault emits; written by hand
  // because JS objects always put integer-like keys ("1", "10", "2") first in numeric order.
  if (!(STRUCT in value)) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${serialize(v)}`).join(',')}}`
}

/** json.Marshal */
export function goMarshal(value: unknown): string {
  return serialize(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}

/** json.NewEncoder(w).Encode: Marshal plus a trailing newline. */
export function goEncode(value: unknown): string {
  return `${goMarshal(value)}\n`
}

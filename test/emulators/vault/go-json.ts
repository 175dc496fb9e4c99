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
  // json.Number is written as its text; a float64 -0 as "-0" (strconv.AppendFloat), which JSON.stringify drops.
  if (value instanceof GoJsonNumber) return value.text
  if (Object.is(value, -0)) return '-0'
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

/**
 * A number decoded with `UseNumber()` (Go's json.Number): Vault's HTTP layer decodes request bodies this way
 * (sdk/helper/jsonutil DecodeJSONFromReader), so a value written as 1.50 stays "1.50" until a backend re-decodes it.
 */
export class GoJsonNumber {
  constructor(readonly text: string) {}
}

/** jsonutil.DecodeJSON: JSON with every number kept as a GoJsonNumber. Throws on malformed input. */
export function goDecodeUseNumber(text: string): unknown {
  let at = 0
  const skip = (): void => {
    while (at < text.length && ' \t\r\n'.includes(text[at]!)) at++
  }
  const fail = (): never => {
    throw new SyntaxError(`invalid JSON at offset ${at}`)
  }
  const value = (): unknown => {
    skip()
    const char = text[at]
    if (char === '{') {
      at++
      const object: Record<string, unknown> = {}
      skip()
      if (text[at] === '}') return at++, object
      for (;;) {
        skip()
        if (text[at] !== '"') fail()
        const key = value() as string
        skip()
        if (text[at++] !== ':') fail()
        object[key] = value()
        skip()
        const next = text[at++]
        if (next === '}') return object
        if (next !== ',') fail()
      }
    }
    if (char === '[') {
      at++
      const array: unknown[] = []
      skip()
      if (text[at] === ']') return at++, array
      for (;;) {
        array.push(value())
        skip()
        const next = text[at++]
        if (next === ']') return array
        if (next !== ',') fail()
      }
    }
    // eslint-disable-next-line no-control-regex -- JSON forbids raw control characters inside strings
    const token = /^(?:"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(at))
    if (token === null) return fail()
    at += token[0].length
    return /^[-\d]/.test(token[0]) ? new GoJsonNumber(token[0]) : JSON.parse(token[0])
  }
  const result = value()
  skip()
  if (at !== text.length) fail()
  return result
}

/** json.Unmarshal into interface{} without UseNumber: every number becomes a float64. */
export function toFloat64Numbers(value: unknown): unknown {
  if (value instanceof GoJsonNumber) return Number(value.text)
  if (Array.isArray(value)) return value.map(toFloat64Numbers)
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toFloat64Numbers(v)]))
  return value
}

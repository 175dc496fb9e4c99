import {KIND_SHAPES, type Shape} from './schema.js'

/**
 * Typed decoding of request bodies, as the API server does it before anything else looks at an object:
 * - `decodeJson`: the JSON serializer (sigs.k8s.io/json UnmarshalStrict, a case-sensitive fork of Go's encoding/json):
 *   the first type mismatch is a *json.UnmarshalTypeError ("json: cannot unmarshal string into Go struct field
 *   DeploymentSpec.spec.replicas of type int32"); unknown and duplicate fields are strict errors.
 * - `fromUnstructured`: runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation
 *   (staging/src/k8s.io/apimachinery/pkg/runtime/converter.go), which a strategic merge patch result goes through:
 *   its own messages ("unrecognized type: int32") and sorted unknown-field errors.
 */
export interface Decoded {
  typeError?: string
  strict: string[]
}

export const hasSchema = (kind: string) => kind in KIND_SHAPES

type Json = unknown

/** The word Go's decoder uses for a JSON literal it could not store (decode.go literalStore / object / array). */
function jsonKind(v: Json): string {
  if (Array.isArray(v)) return 'array'
  if (typeof v === 'object') return 'object'
  if (typeof v === 'boolean') return 'bool'
  if (typeof v === 'number') return 'number'
  return 'string'
}

function goTypeName(shape: Shape): string {
  switch (shape.t) {
    case 'struct':
      return `${shape.pkg}.${shape.name}`
    case 'map':
    case 'list':
      return shape.go
    case 'intstr':
      return 'int32'
    default:
      return shape.t
  }
}

const INT_RANGE = {int32: [-(2 ** 31), 2 ** 31 - 1], int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]} as const

export function decodeJson(kind: string, value: Json, raw?: string): Decoded {
  const shape = KIND_SHAPES[kind]
  const out: Decoded = {strict: raw ? duplicateFields(raw) : []}
  if (!shape) return out
  const fail = (v: Json, s: Shape, struct: string, stack: string[], literal?: string) => {
    // UnmarshalTypeError.Error(): Struct is the innermost struct's name, Field the dotted path from the root (no indices)
    out.typeError ??= `json: cannot unmarshal ${literal ?? jsonKind(v)} into Go struct field ${struct}.${stack.join('.')} of type ${goTypeName(s)}`
  }
  const walk = (v: Json, s: Shape, path: string, struct: string, stack: string[]) => {
    if (v === null || s.t === 'any') return
    switch (s.t) {
      case 'string':
        if (typeof v !== 'string') fail(v, s, struct, stack)
        return
      case 'bool':
        if (typeof v !== 'boolean') fail(v, s, struct, stack)
        return
      case 'intstr': // IntOrString.UnmarshalJSON: a string, else anything decodes into its int32
      case 'int32':
      case 'int64': {
        if (s.t === 'intstr' && typeof v === 'string') return
        const [min, max] = INT_RANGE[s.t === 'intstr' ? 'int32' : s.t]
        if (typeof v !== 'number') fail(v, s, struct, stack)
        else if (!Number.isInteger(v) || v < min || v > max) fail(v, s, struct, stack, `number ${v}`)
        return
      }
      case 'map':
        if (typeof v !== 'object' || Array.isArray(v)) return fail(v, s, struct, stack)
        for (const [k, item] of Object.entries(v as Record<string, Json>)) walk(item, s.of, `${path}.${k}`, struct, stack)
        return
      case 'list':
        if (!Array.isArray(v)) return fail(v, s, struct, stack)
        v.forEach((item, i) => walk(item, s.of, `${path}[${i}]`, struct, stack))
        return
      case 'struct':
        if (typeof v !== 'object' || Array.isArray(v)) return fail(v, s, struct, stack)
        for (const [k, item] of Object.entries(v as Record<string, Json>)) {
          const field = s.fields[k]
          const at = path ? `${path}.${k}` : k
          if (field) walk(item, field, at, s.name, [...stack, k])
          else if (!s.open) out.strict.push(`unknown field "${at}"`)
        }
    }
  }
  walk(value, shape, '', kind, [])
  return out
}

/** Drops the fields the Go types do not have, as decoding into the typed object does (the stored object never has them). */
export function pruneUnknown(kind: string, value: Json): void {
  const walk = (v: Json, s: Shape) => {
    if (!v || typeof v !== 'object') return
    if (s.t === 'list' && Array.isArray(v)) v.forEach((item) => walk(item, s.of))
    if (s.t === 'map' && !Array.isArray(v)) for (const item of Object.values(v)) walk(item, s.of)
    if (s.t === 'struct' && !Array.isArray(v)) {
      for (const [k, item] of Object.entries(v as Record<string, Json>)) {
        if (s.fields[k]) walk(item, s.fields[k])
        else if (!s.open) delete (v as Record<string, Json>)[k]
      }
    }
  }
  if (KIND_SHAPES[kind]) walk(value, KIND_SHAPES[kind])
}

/** reflect.Kind names of the values a JSON-decoded map holds (int64 for integers, as UnmarshalCaseSensitivePreserveInts gives). */
function reflectKind(v: Json): string {
  if (Array.isArray(v)) return 'slice'
  if (typeof v === 'object') return 'map'
  if (typeof v === 'boolean') return 'bool'
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64'
  return 'string'
}

export function fromUnstructured(kind: string, value: Json): {error?: string; unknown: string[]} {
  const shape = KIND_SHAPES[kind]
  const unknown: string[] = []
  if (!shape) return {unknown}
  const walk = (v: Json, s: Shape, path: string): string | undefined => {
    if (v === null || v === undefined || s.t === 'any') return undefined
    const k = reflectKind(v)
    switch (s.t) {
      case 'string':
        if (k === 'string') return undefined
        return k === 'int64' ? 'cannot convert int64 to string' : 'unrecognized type: string'
      case 'bool':
        return k === 'bool' ? undefined : 'unrecognized type: bool'
      case 'int32':
      case 'int64':
        if (k === 'int64') return undefined
        return k === 'float64' ? `cannot convert float64 to ${s.t}` : `unrecognized type: ${s.t}`
      case 'intstr':
        // IntOrString converts through its UnmarshalJSON
        return k === 'string' || k === 'int64' ? undefined : `json: cannot unmarshal ${jsonKind(v)} into Go value of type int32`
      case 'map':
        if (k !== 'map') return `cannot restore map from ${k}`
        for (const [key, item] of Object.entries(v as Record<string, Json>)) {
          const e = walk(item, s.of, `${path}.${key}`)
          if (e) return e
        }
        return undefined
      case 'list': {
        if (k !== 'slice') return `cannot restore slice from ${k}`
        const items = v as Json[]
        for (let i = 0; i < items.length; i++) {
          const e = walk(items[i], s.of, `${path}[${i}]`)
          if (e) return e
        }
        return undefined
      }
      case 'struct':
        if (k !== 'map') return `cannot restore struct from: ${k}`
        for (const [key, item] of Object.entries(v as Record<string, Json>)) {
          const at = path ? `${path}.${key}` : key
          const field = s.fields[key]
          if (!field) {
            if (!s.open) unknown.push(`unknown field "${at}"`)
            continue
          }
          const e = walk(item, field, at)
          if (e) return e
        }
        return undefined
    }
  }
  const error = walk(value, shape, '')
  return {error, unknown: unknown.sort()}
}

/** Duplicate object keys in a JSON text, as the strict decoder reports them (`duplicate field "spec.replicas"`). */
export function duplicateFields(text: string): string[] {
  const found: string[] = []
  let i = 0
  const ws = () => {
    while (/\s/.test(text[i] ?? '')) i++
  }
  const string = (): string => {
    const start = i
    i++
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1
    i++
    return JSON.parse(text.slice(start, i)) as string
  }
  const value = (path: string): void => {
    ws()
    const c = text[i]
    if (c === '{') {
      i++
      const seen = new Set<string>()
      ws()
      if (text[i] === '}') return void i++
      for (;;) {
        ws()
        const key = string()
        const at = path ? `${path}.${key}` : key
        if (seen.has(key)) found.push(`duplicate field "${at}"`)
        seen.add(key)
        ws()
        i++ // ':'
        value(at)
        ws()
        if (text[i++] === '}') return
      }
    }
    if (c === '[') {
      i++
      ws()
      if (text[i] === ']') return void i++
      for (let n = 0; ; n++) {
        value(`${path}[${n}]`)
        ws()
        if (text[i++] === ']') return
      }
    }
    if (c === '"') return void string()
    while (i < text.length && !/[\s,\]}]/.test(text[i])) i++
  }
  try {
    value('')
  } catch {
    return []
  }
  return found
}

/** Go's %+v of a decoded JSON value (map keys sorted), as patch errors quote the patch (fmt.Sprintf("%+v", patchMap)). */
export function goValue(v: Json): string {
  if (v === null || v === undefined) return '<nil>'
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, Json>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `map[${entries.map(([k, x]) => `${k}:${goValue(x)}`).join(' ')}]`
  }
  return String(v)
}

import {randomUUID} from 'node:crypto'

import {jsonArray} from './capacity.js'
import type {GoFunc} from './functions.js'

/**
 * How Go values are represented while a template runs. Plain JS values stand for the Go types that decoded JSON
 * and consul-template produce:
 *
 * - `undefined`: an invalid reflect.Value (a missing map key, or no data at all); a template prints it as `<no value>`
 * - `null`: a nil `interface{}` (JSON null)
 * - `string`, `boolean`: Go `string`, `bool`
 * - `number`: Go `float64` (what encoding/json gives for a number in an `interface{}`)
 * - `bigint`: Go `int` (template literals such as `3`, results of `len`, indexes)
 * - `GoInt`: Go `int64` or `uint64` (parseInt, parseUint, loop, consul-template's and sprig's integer arithmetic)
 * - `JsonNumber`: Go `json.Number`; Vault's API client decodes with `UseNumber()`, so every number in a secret is one
 * - arrays: `[]interface{}`, or `[]string` when created by `stringSlice()` (what `split` and `secrets` return)
 * - plain objects: `map[string]interface{}`
 * - `GoStruct` / `NilPointer`: pointers to structs such as consul-template's `*dependency.Secret`
 * - functions: Go funcs (only `call` can use them)
 */

/** Go's json.Number: a string type that keeps the number's literal text. */
export class JsonNumber {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text
  }
}

/**
 * An int64 or uint64 (what consul-template's parseInt, parseUint, loop and math functions and sprig's integer
 * functions return); a plain bigint is Go's int. They compare and print alike, but are different types: `%T` names
 * them, and a function taking an int refuses them.
 */
export class GoInt {
  constructor(
    readonly value: bigint,
    readonly type: 'int64' | 'uint64' = 'int64',
  ) {}
}

/** The integer held by an int, int64 or uint64; undefined for anything else. */
export function intValue(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value
  return value instanceof GoInt ? value.value : undefined
}

/** An int64 result, wrapped around as Go's arithmetic does. */
export const int64 = (value: bigint): GoInt => new GoInt(BigInt.asIntN(64, value))

/**
 * A non-nil pointer to a struct (typeName starts with `*`), or a struct value; field order is kept because fmt prints
 * fields in declaration order. `methods` are what the template can call on it besides its fields.
 */
export class GoStruct {
  constructor(
    readonly typeName: string,
    readonly fields: ReadonlyArray<readonly [string, unknown]>,
    readonly methods: Readonly<Record<string, GoFunc>> = {},
  ) {}

  field(name: string): {found: boolean; value: unknown} {
    const entry = this.fields.find(([fieldName]) => fieldName === name)
    return entry ? {found: true, value: entry[1]} : {found: false, value: undefined}
  }
}

/** A typed nil pointer to a struct (e.g. a secret's `Auth` when Vault returned none). */
export class NilPointer {
  constructor(
    readonly typeName: string,
    readonly fieldNames: readonly string[],
  ) {}
}

/** A pointer to a Go value with methods and no fields the template can see (consul-template's *Scratch). */
export class GoObject {
  constructor(
    readonly typeName: string,
    readonly methods: Readonly<Record<string, GoFunc>>,
    /** Its String method, when it is a fmt.Stringer (time.Time, *semver.Version): what %v and %s print. */
    readonly stringer?: () => string,
    /** Its MarshalText, when it is an encoding.TextMarshaler: what the JSON, YAML and TOML encoders write. */
    readonly marshalText?: () => string,
  ) {}
}

const interfaceMaps = new WeakSet<object>()

/** The Go keys of a `map[interface {}]interface {}` that are not strings, by the property that holds their entry. */
const typedKeys = new WeakMap<object, Map<string, unknown>>()

/**
 * Marks a map as yaml.v2's `map[interface {}]interface {}` (what parseYAML returns). `keys` gives the Go key of
 * each property whose key is not a string (an int as bigint, a bool, a float64 as number, nil as null).
 */
export function interfaceMap<T extends object>(map: T, keys?: Map<string, unknown>): T {
  interfaceMaps.add(map)
  if (keys !== undefined && keys.size > 0) typedKeys.set(map, keys)
  return map
}

/** The Go key of a map's property: the property name unless the map keeps a typed key for it. */
export function goMapKey(map: object, property: string): unknown {
  const keys = typedKeys.get(map)
  return keys?.has(property) ? keys.get(property) : property
}

/** The property holding a Go key's entry, if any (a typed key of a map[interface {}]interface {}, or a string). */
export function propertyOfKey(map: object, key: unknown): string | undefined {
  const keys = typedKeys.get(map)
  if (typeof key === 'string') return keys?.has(key) ? undefined : key
  for (const [property, typed] of keys ?? []) if (typed === key) return property
  return undefined
}

/** fmtsort's order of a typed key's dynamic type: by its type descriptor, which the linker lays out by name. */
function keyTypeName(key: unknown): string {
  if (key === null) return ''
  if (typeof key === 'bigint') return 'int'
  if (typeof key === 'number') return 'float64'
  return typeof key === 'boolean' ? 'bool' : 'string'
}

/** internal/fmtsort compare for interface keys: nil first, then by dynamic type, then by value. */
function compareTypedKeys(a: unknown, b: unknown): number {
  const byType = compareCodePoints(keyTypeName(a), keyTypeName(b))
  if (byType !== 0 || a === null) return byType
  if (typeof a === 'string') return compareCodePoints(a, b as string)
  if (typeof a === 'boolean') return Number(a) - Number(b)
  if (typeof a === 'number' && (Number.isNaN(a) || Number.isNaN(b))) return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : -1) : 1
  const [x, y] = [a as number | bigint, b as number | bigint]
  return x < y ? -1 : x > y ? 1 : 0
}

/** Go's complex128, from a complex constant in a template. */
export class GoComplex {
  constructor(
    readonly re: number,
    readonly im: number,
  ) {}
}

/** A receive-only channel (consul-template's `loop` returns `<-chan int64`): ranged over, never indexed; len is 0. */
export class GoChannel {
  constructor(
    readonly typeName: string,
    readonly items: readonly unknown[],
  ) {}
}

const stringMaps = new WeakSet<object>()

/** Marks a map as Go's `map[string]string` (what splitToMap returns): a missing key reads as "", not as no value. */
export function stringMap(map: Record<string, string>): Record<string, string> {
  stringMaps.add(map)
  return map
}

export function isStringMap(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && stringMaps.has(value)
}

const stringSlices = new WeakSet<readonly unknown[]>()

/** Marks an array as a Go `[]string` rather than `[]interface{}`: Go refuses to pass one where the other is wanted. */
export function stringSlice(items: readonly string[]): string[] {
  const slice = [...items]
  stringSlices.add(slice)
  return slice
}

const nilSlices = new WeakSet<readonly unknown[]>()

/** A nil `[]string`: prints `[]` and has len 0 like an empty one, but encoding/json writes it as null. */
export function nilStringSlice(): string[] {
  const slice = stringSlice([])
  nilSlices.add(slice)
  return slice
}

export function isNilSlice(value: unknown): boolean {
  return Array.isArray(value) && nilSlices.has(value)
}

export function isStringSlice(value: unknown): value is string[] {
  return Array.isArray(value) && stringSlices.has(value)
}

export function isGoMap(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/** Go's name for the dynamic type, as error messages print it. */
export function goTypeName(value: unknown): string {
  if (value === undefined || value === null) return 'interface {}'
  switch (typeof value) {
    case 'string':
      return 'string'
    case 'boolean':
      return 'bool'
    case 'number':
      return 'float64'
    case 'bigint':
      return 'int'
    case 'function':
      return 'func(...interface {}) (interface {}, error)'
  }
  if (value instanceof JsonNumber) return 'json.Number'
  if (value instanceof GoInt) return value.type
  if (value instanceof GoComplex) return 'complex128'
  if (value instanceof GoStruct || value instanceof NilPointer || value instanceof GoChannel || value instanceof GoObject) return value.typeName
  if (Array.isArray(value)) return isStringSlice(value) ? '[]string' : '[]interface {}'
  if (interfaceMaps.has(value as object)) return 'map[interface {}]interface {}'
  return isStringMap(value) ? 'map[string]string' : 'map[string]interface {}'
}

/** text/template's definition of truth: the zero value of any type is false. */
export function isTrue(value: unknown): boolean {
  if (value === undefined || value === null) return false
  switch (typeof value) {
    case 'string':
      return value.length > 0
    case 'boolean':
      return value
    case 'number':
      return value !== 0
    case 'bigint':
      return value !== 0n
    case 'function':
      return true
  }
  if (value instanceof JsonNumber) return value.text.length > 0
  if (value instanceof GoInt) return value.value !== 0n
  if (value instanceof GoComplex) return value.re !== 0 || value.im !== 0
  if (value instanceof GoStruct || value instanceof GoChannel || value instanceof GoObject) return true
  if (value instanceof NilPointer) return false
  if (Array.isArray(value)) return value.length > 0
  return Object.keys(value as object).length > 0
}

/** Sorts map keys as Go's fmt and text/template do: by bytes of the UTF-8 encoding, i.e. by code point. */
export function sortedKeys(map: Record<string, unknown>): string[] {
  if (!typedKeys.has(map)) return Object.keys(map).sort(compareCodePoints)
  return Object.keys(map).sort((a, b) => compareTypedKeys(goMapKey(map, a), goMapKey(map, b)))
}

export function compareCodePoints(a: string, b: string): number {
  const left = [...a]
  const right = [...b]
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const diff = left[i].codePointAt(0)! - right[i].codePointAt(0)!
    if (diff !== 0) return diff
  }
  return left.length - right.length
}

/** A map entry as Go sees it: a JSON null or an explicit `undefined` value is a nil interface, not a missing key. */
export function mapEntry(map: Record<string, unknown>, key: string): {found: boolean; value: unknown} {
  if (!Object.hasOwn(map, key)) return {found: false, value: undefined}
  const value = map[key]
  return {found: true, value: value === undefined ? null : value}
}

const SECRET_FIELDS = ['RequestID', 'LeaseID', 'LeaseDuration', 'Renewable', 'Data', 'Warnings', 'Auth', 'WrapInfo']
const AUTH_FIELDS = ['ClientToken', 'Accessor', 'Policies', 'Metadata', 'LeaseDuration', 'Renewable']
const WRAP_FIELDS = ['Token', 'TTL', 'CreationTime', 'WrappedAccessor']

/**
 * Converts what a caller's secret source returned into consul-template's `*dependency.Secret`. Accepts the struct
 * shape (`{Data: ...}`) or Vault's HTTP response shape (`{data: ..., lease_id: ...}`). Numbers inside `Data` become
 * `json.Number`, as Vault's API client decodes them. `decodeTime` turns WrapInfo.CreationTime's RFC 3339 text into
 * the time.Time Vault's client decodes it into.
 */
export function toSecretStruct(raw: unknown, decodeTime: (text: string) => unknown = (text) => text): GoStruct | null {
  if (raw === undefined || raw === null) return null
  if (raw instanceof GoStruct) return raw
  if (!isGoMap(raw)) throw new Error(`secret source returned ${goTypeName(raw)}, want an object`)
  const pick = (structName: string, httpName: string): unknown => raw[structName] ?? raw[httpName]
  const auth = pick('Auth', 'auth')
  const wrap = pick('WrapInfo', 'wrap_info')
  const warnings = pick('Warnings', 'warnings')
  const values: unknown[] = [
    String(pick('RequestID', 'request_id') ?? ''),
    String(pick('LeaseID', 'lease_id') ?? ''),
    toGoInt(pick('LeaseDuration', 'lease_duration')),
    pick('Renewable', 'renewable') === true,
    vaultJson(pick('Data', 'data') ?? null),
    // A nil []string when Vault sent none: it prints [] and has len 0 (dependency.Secret.Warnings).
    Array.isArray(warnings) && warnings.length > 0 ? stringSlice(warnings.map(String)) : nilStringSlice(),
    isGoMap(auth) ? structFrom('*dependency.SecretAuth', AUTH_FIELDS, auth) : new NilPointer('*dependency.SecretAuth', AUTH_FIELDS),
    isGoMap(wrap) ? structFrom('*dependency.SecretWrapInfo', WRAP_FIELDS, wrap, {CreationTime: decodeTime}) : new NilPointer('*dependency.SecretWrapInfo', WRAP_FIELDS),
  ]
  return new GoStruct('*dependency.Secret', SECRET_FIELDS.map((name, i) => [name, values[i]] as const))
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/

/**
 * consul-template's deletedKVv2 (dependency/vault_read.go): a KV v2 read whose metadata has a deletion_time that
 * has passed is "no secret" (a destroyed version without one is rendered, with no data).
 */
export function isDeletedKvV2(raw: unknown, now: Date): boolean {
  if (!isGoMap(raw)) return false
  const data = raw.Data ?? raw.data
  const metadata = isGoMap(data) ? data.metadata : undefined
  const deletionTime = isGoMap(metadata) ? metadata.deletion_time : undefined
  if (typeof deletionTime !== 'string' || !RFC3339.test(deletionTime)) return false
  return now.getTime() > Date.parse(deletionTime)
}

function structFrom(typeName: string, names: readonly string[], raw: Record<string, unknown>, decoders: Record<string, (text: string) => unknown> = {}): GoStruct {
  const snake = (name: string): string => name.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase()
  return new GoStruct(
    typeName,
    names.map((name) => {
      const value = raw[name] ?? raw[snake(name)] ?? null
      return [name, typeof value === 'string' && decoders[name] ? decoders[name](value) : vaultJson(value)] as const
    }),
  )
}

function toGoInt(value: unknown): bigint {
  if (intValue(value) !== undefined) return intValue(value)!
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value)
  if (value instanceof JsonNumber && /^-?\d+$/.test(value.text)) return BigInt(value.text)
  return 0n
}

/** Makes a JS value look like JSON decoded by Vault's client: numbers become json.Number. */
export function vaultJson(value: unknown): unknown {
  // The literal JS would write; the original text is lost once JSON.parse has run (see parseVaultJson).
  if (typeof value === 'number') return new JsonNumber(JSON.stringify(value))
  if (intValue(value) !== undefined) return new JsonNumber(intValue(value)!.toString())
  if (Array.isArray(value)) return jsonArray(value.map(vaultJson))
  if (isGoMap(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, vaultJson(v)]))
  return value
}

/**
 * Parses JSON keeping each number's literal text as a json.Number, as Vault's client does (`1.50` stays `1.50`).
 * Use this on raw Vault HTTP bodies before handing them to a template's secret source.
 */
export function parseVaultJson(text: string): unknown {
  const placeholder = `\u0000${randomUUID()}:`
  const marked = text.replace(
    /("(?:[^"\\]|\\.)*")|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g,
    (match, str: string | undefined) => (str === undefined ? JSON.stringify(placeholder + match) : match),
  )
  return JSON.parse(marked, (_key, value: unknown) =>
    typeof value === 'string' && value.startsWith(placeholder)
      ? new JsonNumber(value.slice(placeholder.length))
      : Array.isArray(value)
        ? jsonArray(value)
        : value,
  )
}

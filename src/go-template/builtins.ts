/** text/template's predefined functions (text/template/funcs.go). */
import {fromGoBytes, goBytes} from './bytes.js'
import {capacityOf, upToCapacity, withCapacity} from './capacity.js'
import {formatGoValue, sprint, sprintf, sprintln} from './fmt.js'
import type {GoFunc} from './functions.js'
import {GoChannel, GoInt, GoStruct, compareCodePoints, intValue, goTypeName, isGoMap, isStringMap, isStringSlice, isTrue, JsonNumber, mapEntry, NilPointer, propertyOfKey, stringSlice} from './values.js'

type Kind = 'bool' | 'int' | 'float' | 'string' | 'invalid'

function basicKind(value: unknown): Kind {
  switch (typeof value) {
    case 'boolean':
      return 'bool'
    case 'bigint':
      return 'int'
    case 'number':
      return 'float'
    case 'string':
      return 'string'
  }
  if (value instanceof GoInt) return 'int'
  return value instanceof JsonNumber ? 'string' : 'invalid'
}

/** reflect.Value arguments holding a nil interface are indirected to an invalid value. */
const concrete = (value: unknown): unknown => (value === null ? undefined : value)
const stringOf = (value: unknown): string => (value instanceof JsonNumber ? value.text : (value as string))

function eq(first: unknown, ...others: unknown[]): boolean {
  const a = concrete(first)
  if (others.length === 0) throw new Error('missing argument for comparison')
  const k1 = basicKind(a)
  for (const other of others) {
    const b = concrete(other)
    const k2 = basicKind(b)
    let truth = false
    if (k1 !== k2) {
      if (a !== undefined && b !== undefined) {
        throw new Error(`incompatible types for comparison: ${goTypeName(a)} and ${goTypeName(b)}`)
      }
    } else if (k1 === 'string') {
      truth = stringOf(a) === stringOf(b)
    } else if (k1 === 'int') {
      truth = intValue(a) === intValue(b)
    } else if (k1 !== 'invalid') {
      truth = a === b
    } else {
      truth = compareNonBasic(a, b)
    }
    if (truth) return true
  }
  return false
}

/** eq on values that are not bool/number/string: only nil-ness and pointer identity can be compared. */
function compareNonBasic(a: unknown, b: unknown): boolean {
  const isNil = (v: unknown): boolean => v === undefined || v instanceof NilPointer
  const kindOf = (v: unknown): string =>
    v === undefined ? 'invalid' : v instanceof GoStruct || v instanceof NilPointer ? 'ptr' : Array.isArray(v) ? 'slice' : typeof v === 'function' ? 'func' : 'map'
  if (kindOf(a) !== kindOf(b) && a !== undefined && b !== undefined) {
    throw new Error(`non-comparable types ${formatGoValue(a)}: ${goTypeName(a)}, ${goTypeName(b)}: ${formatGoValue(b)}`)
  }
  if (isNil(a) || isNil(b)) return isNil(a) === isNil(b)
  if (kindOf(b) !== 'ptr') throw new Error(`non-comparable type ${formatGoValue(b)}: ${goTypeName(b)}`)
  return a === b
}

function lt(first: unknown, second: unknown): boolean {
  const a = concrete(first)
  const b = concrete(second)
  const k1 = basicKind(a)
  const k2 = basicKind(b)
  if (k1 === 'invalid' || k2 === 'invalid') throw new Error('invalid type for comparison')
  if (k1 !== k2) throw new Error(`incompatible types for comparison: ${goTypeName(a)} and ${goTypeName(b)}`)
  if (k1 === 'bool') throw new Error('invalid type for comparison')
  if (k1 === 'string') return compareCodePoints(stringOf(a), stringOf(b)) < 0
  if (k1 === 'int') return intValue(a)! < intValue(b)!
  return (a as number) < (b as number)
}

const le = (a: unknown, b: unknown): boolean => lt(a, b) || eq(a, b)

function length(value: unknown): bigint {
  if (value === null || value instanceof NilPointer) throw new Error('len of nil pointer')
  if (value === undefined) throw new Error('reflect: call of reflect.Value.Type on zero Value')
  if (typeof value === 'string' || value instanceof JsonNumber) return BigInt(goBytes(stringOf(value)).length)
  if (Array.isArray(value)) return BigInt(value.length)
  // An unbuffered channel holds nothing until it is received from.
  if (value instanceof GoChannel) return 0n
  if (isGoMap(value)) return BigInt(Object.keys(value).length)
  throw new Error(`len of type ${goTypeName(value)}`)
}

function indexArg(index: unknown, cap: number): number {
  const held = concrete(index)
  if (held === undefined) throw new Error('cannot index slice/array with nil')
  const value = intValue(held)
  if (value === undefined) throw new Error(`cannot index slice/array with type ${goTypeName(held)}`)
  if (value < 0n || value > BigInt(cap)) throw new Error(`index out of range: ${value}`)
  return Number(value)
}

function index(item: unknown, ...indexes: unknown[]): unknown {
  let current = concrete(item)
  if (current === undefined) throw new Error('index of untyped nil')
  for (const rawIndex of indexes) {
    if (current === null || current instanceof NilPointer) throw new Error('index of nil pointer')
    if (typeof current === 'string' || current instanceof JsonNumber) {
      const bytes = goBytes(stringOf(current))
      const i = indexArg(rawIndex, bytes.length)
      if (i >= bytes.length) throw new Error('reflect: string index out of range')
      current = BigInt(bytes[i])
    } else if (Array.isArray(current)) {
      const i = indexArg(rawIndex, current.length)
      if (i >= current.length) throw new Error('reflect: slice index out of range')
      current = current[i] ?? null
    } else if (isGoMap(current) && goTypeName(current) === 'map[interface {}]interface {}') {
      // Any key fits an interface{} key type, a nil one included (funcs.go prepareArg); a missing one gives nil.
      const key = concrete(rawIndex)
      const property = propertyOfKey(current, key === undefined ? null : key)
      current = property === undefined ? null : mapEntry(current, property).value
    } else if (isGoMap(current)) {
      const key = concrete(rawIndex)
      if (key === undefined) throw new Error('value is nil; should be of type string')
      if (typeof key !== 'string') throw new Error(`value has type ${goTypeName(key)}; should be string`)
      // index gives the element type's zero value for a missing key.
      current = mapEntry(current, key).value ?? (isStringMap(current) ? '' : null)
    } else {
      throw new Error(`can't index item of type ${goTypeName(current)}`)
    }
  }
  return current
}

function slice(item: unknown, ...indexes: unknown[]): unknown {
  const value = concrete(item)
  if (value === undefined) throw new Error('slice of untyped nil')
  if (indexes.length > 3) throw new Error(`too many slice indexes: ${indexes.length}`)
  let cap: number
  let length: number
  if (typeof value === 'string') {
    if (indexes.length === 3) throw new Error('cannot 3-index slice a string')
    cap = length = goBytes(value).length
  } else if (Array.isArray(value)) {
    // Indexes may reach up to the capacity, which can exceed the length (a slice that encoding/json grew by append).
    cap = capacityOf(value)
    length = value.length
  } else {
    throw new Error(`can't slice item of type ${goTypeName(value)}`)
  }
  // Every index is checked against the capacity first, in order (funcs.go slice, indexArg); then their order.
  const bounds = [0, length, cap]
  indexes.forEach((i, n) => (bounds[n] = indexArg(i, cap)))
  if (bounds[0] > bounds[1]) throw new Error(`invalid slice index: ${bounds[0]} > ${bounds[1]}`)
  if (indexes.length === 3 && bounds[1] > bounds[2]) throw new Error(`invalid slice index: ${bounds[1]} > ${bounds[2]}`)
  if (typeof value === 'string') return fromGoBytes(goBytes(value).subarray(bounds[0], bounds[1]))
  // Elements past the length are the backing array's zeroed ones.
  const backing = upToCapacity(value, isStringSlice(value) ? '' : null)
  const part = backing.slice(bounds[0], bounds[1])
  const sliced = isStringSlice(value) ? stringSlice(part as string[]) : part
  const end = indexes.length === 3 ? bounds[2] : cap
  return withCapacity(sliced, end - bounds[0], backing.slice(bounds[1], end))
}

function call(fn: unknown, ...args: unknown[]): unknown {
  const callee = concrete(fn)
  if (callee === undefined) throw new Error('call of nil')
  if (typeof callee !== 'function') throw new Error(`non-function of type ${goTypeName(callee)}`)
  return (callee as (...a: unknown[]) => unknown)(...args.map(concrete))
}

/** html/js/urlquery format their arguments like print, but a missing value reads `<no value>`. */
function evalArgs(args: unknown[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0]
  return sprint(args.map((arg) => (arg === null ? '<no value>' : arg instanceof GoStruct ? formatGoValue(arg).slice(1) : arg)))
}

const HTML_ESCAPES: Record<string, string> = {'\u0000': '\ufffd', '"': '&#34;', "'": '&#39;', '&': '&amp;', '<': '&lt;', '>': '&gt;'}

export function htmlEscape(text: string): string {
  return [...text].map((char) => HTML_ESCAPES[char] ?? char).join('')
}

const JS_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '"': '\\"',
  '<': '\\u003C',
  '>': '\\u003E',
  '&': '\\u0026',
  '=': '\\u003D',
}

export function jsEscape(text: string): string {
  let out = ''
  for (const char of text) {
    const code = char.codePointAt(0)!
    if (JS_ESCAPES[char]) out += JS_ESCAPES[char]
    else if (code < 0x20) out += '\\u00' + code.toString(16).toUpperCase().padStart(2, '0')
    else if (code < 0x80 || /^[\p{L}\p{M}\p{N}\p{P}\p{S}\u0020]$/u.test(char)) out += char
    else out += '\\u' + code.toString(16).toUpperCase().padStart(4, '0')
  }
  return out
}

/** url.QueryEscape: unreserved characters stay, space becomes '+', every other byte %XX. */
export function queryEscape(text: string): string {
  let out = ''
  for (const byte of goBytes(text)) {
    const char = String.fromCharCode(byte)
    if (/[A-Za-z0-9\-_.~]/.test(char)) out += char
    else if (char === ' ') out += '+'
    else out += '%' + byte.toString(16).toUpperCase().padStart(2, '0')
  }
  return out
}

export const BUILTINS: ReadonlyMap<string, GoFunc> = new Map<string, GoFunc>([
  ['and', {params: ['value'], variadic: 'value', shortCircuit: 'and', call: () => undefined}],
  ['or', {params: ['value'], variadic: 'value', shortCircuit: 'or', call: () => undefined}],
  ['not', {params: ['value'], call: ([v]) => !isTrue(v)}],
  ['len', {params: ['value'], call: ([v]) => length(v)}],
  ['index', {params: ['value'], variadic: 'value', call: ([item, ...rest]) => index(item, ...rest)}],
  ['slice', {params: ['value'], variadic: 'value', call: ([item, ...rest]) => slice(item, ...rest)}],
  ['call', {params: ['value'], variadic: 'value', call: ([fn, ...rest]) => call(fn, ...rest)}],
  ['print', {params: [], variadic: 'any', call: (args) => sprint(args)}],
  ['printf', {params: ['string'], variadic: 'any', call: ([format, ...args]) => sprintf(format as string, args)}],
  ['println', {params: [], variadic: 'any', call: (args) => sprintln(args)}],
  ['html', {params: [], variadic: 'any', call: (args) => htmlEscape(evalArgs(args))}],
  ['js', {params: [], variadic: 'any', call: (args) => jsEscape(evalArgs(args))}],
  ['urlquery', {params: [], variadic: 'any', call: (args) => queryEscape(evalArgs(args))}],
  ['eq', {params: ['value'], variadic: 'value', call: ([a, ...rest]) => eq(a, ...rest)}],
  ['ne', {params: ['value', 'value'], call: ([a, b]) => !eq(a, b)}],
  ['lt', {params: ['value', 'value'], call: ([a, b]) => lt(a, b)}],
  ['le', {params: ['value', 'value'], call: ([a, b]) => le(a, b)}],
  ['gt', {params: ['value', 'value'], call: ([a, b]) => !le(a, b)}],
  ['ge', {params: ['value', 'value'], call: ([a, b]) => !lt(a, b)}],
])

/**
 * The conversions sprig's functions build on: spf13/cast v1.7.0's ToInt64/ToFloat64 (errors become 0), sprig's
 * strval, empty and strslice, and reflect's Kind names and DeepEqual, on the values templates carry.
 */
import {sprint} from './fmt.js'
import {GoChannel, GoComplex, GoInt, GoObject, GoStruct, goTypeName, intValue, isGoMap, isTrue, JsonNumber, NilPointer, stringSlice} from './values.js'

/** cast's trimZeroDecimal: "12.00" is read as "12"; "1.50" and "12." stay as they are. */
function trimZeroDecimal(text: string): string {
  const match = /^(.*)\.0+$/.exec(text)
  return match ? match[1] : text
}

/** strconv.ParseInt(s, 0, 64): base prefixes 0x 0o 0b, a leading 0 for octal, `_` between digits; null when invalid. */
function parseIntBase0(text: string): bigint | null {
  const match = /^([+-]?)(0[xX]|0[oO]|0[bB]|0(?=[0-7_]))?([0-9a-fA-F_]+)$/.exec(text)
  if (!match) return null
  const [, sign, prefix = '', body] = match
  const base = {x: 16, o: 8, b: 2}[prefix.slice(1).toLowerCase() as 'x' | 'o' | 'b'] ?? (prefix === '0' ? 8 : 10)
  // Underscores only between digits, or right after a base prefix (strconv's underscoreOK).
  if (/__|_$/.test(body) || (prefix === '' && body.startsWith('_'))) return null
  const digits = body.replaceAll('_', '').toLowerCase()
  const alphabet = '0123456789abcdef'.slice(0, base)
  if (digits === '' || [...digits].some((c) => !alphabet.includes(c))) return null
  const magnitude = [...digits].reduce((acc, c) => acc * BigInt(base) + BigInt(alphabet.indexOf(c)), 0n)
  const value = sign === '-' ? -magnitude : magnitude
  return value >= -(2n ** 63n) && value < 2n ** 63n ? value : null
}

/** cast.ToInt64 (and ToInt: int is 64 bits): numbers truncated, strings parsed, bools 1/0, anything else 0. */
export function toInt64(value: unknown): bigint {
  if (intValue(value) !== undefined) return BigInt.asIntN(64, intValue(value)!)
  if (typeof value === 'number') return Number.isFinite(value) ? BigInt.asIntN(64, BigInt(Math.trunc(value))) : -(2n ** 63n)
  if (typeof value === 'boolean') return value ? 1n : 0n
  if (typeof value === 'string' || value instanceof JsonNumber) return parseIntBase0(trimZeroDecimal(String(value))) ?? 0n
  return 0n
}

/** cast.ToFloat64: strings parsed by strconv.ParseFloat, bools 1/0, anything else 0. */
export function toFloat64(value: unknown): number {
  if (typeof value === 'number') return value
  if (intValue(value) !== undefined) return Number(intValue(value))
  if (typeof value === 'boolean') return value ? 1 : 0
  if (typeof value === 'string' || value instanceof JsonNumber) {
    const text = String(value)
    if (/^[+-]?(inf|infinity)$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity
    if (/^nan$/i.test(text)) return NaN
    return /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : 0
  }
  return 0
}

/** sprig's strval: a string as it is, a json.Number (a Stringer) as its text, anything else as fmt's %v. */
export function strval(value: unknown): string {
  if (typeof value === 'string') return value
  if (value instanceof JsonNumber) return value.text
  return sprint([value ?? null])
}

/** sprig's empty: nil, or the zero value of its kind (structs never are). */
export function empty(value: unknown): boolean {
  if (value instanceof GoStruct || value instanceof GoObject) return false
  return value === undefined || !isTrue(value)
}

/** reflect.Value.Kind().String() of a value held in an interface{} ("invalid" for nil). */
export function kindOf(value: unknown): string {
  if (value === undefined || value === null) return 'invalid'
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
      return 'func'
  }
  if (value instanceof JsonNumber) return 'string'
  if (value instanceof GoInt) return value.type
  if (value instanceof GoComplex) return 'complex128'
  if (value instanceof GoChannel) return 'chan'
  if (value instanceof GoObject && !value.typeName.startsWith('*')) return 'struct'
  if (value instanceof GoStruct || value instanceof NilPointer || value instanceof GoObject) return 'ptr'
  return Array.isArray(value) ? 'slice' : 'map'
}

/** reflect.DeepEqual: the same dynamic type, and equal contents. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if ((a === undefined || a === null) && (b === undefined || b === null)) return true
  if (a === undefined || a === null || b === undefined || b === null) return false
  if (goTypeName(a) !== goTypeName(b)) return false
  if (a instanceof JsonNumber) return a.text === (b as JsonNumber).text
  if (a instanceof GoInt) return a.value === (b as GoInt).value
  if (a instanceof GoStruct) return a.fields.every(([name, field]) => deepEqual(field, (b as GoStruct).field(name).value))
  if (a instanceof GoComplex) return a.re === (b as GoComplex).re && a.im === (b as GoComplex).im
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((item, i) => deepEqual(item, (b as unknown[])[i]))
  if (isGoMap(a) && isGoMap(b)) {
    const keys = Object.keys(a)
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && deepEqual(a[key], b[key]))
  }
  return a === b
}

/** sprig's strslice: a []string as it is, other slices' non-nil items through strval, nil as [], a scalar as [it]. */
export function strslice(value: unknown): string[] {
  if (Array.isArray(value)) return stringSlice(value.filter((item) => item !== null && item !== undefined).map(strval))
  if (value === null || value === undefined) return stringSlice([])
  return stringSlice([strval(value)])
}

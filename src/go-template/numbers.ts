/** Number literals as text/template's parser reads them (parse.NumberNode, via strconv's base-0 syntax). */
import type {NumberValue} from './ast.js'
import {goQuote, unquoteChar} from './quote.js'

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const UINT64_MAX = 2n ** 64n - 1n

/** strconv.ParseInt(text, 0, 64)'s syntax (no range check): prefixes 0x 0o 0b, a leading 0 for octal, `_`. */
function parseGoInteger(text: string): bigint | null {
  const match = /^([+-]?)(0[xX]|0[oO]|0[bB]|0(?=.))?(.*)$/.exec(text)!
  const [, sign, prefix = '', digits] = match
  const base = {x: 16, o: 8, b: 2}[prefix.slice(1).toLowerCase() as 'x' | 'o' | 'b'] ?? (prefix === '0' ? 8 : 10)
  const alphabet = '0123456789abcdef'.slice(0, base)
  const body = prefix === '0' ? '0' + digits : digits
  // Base 0 allows underscores between digits, or between a 0x/0o/0b prefix and a digit.
  const underscoreOk = prefix.length === 2 ? /^_?[^_]+(_[^_]+)*$/.test(body) : /^[^_]+(_[^_]+)*$/.test(body)
  if (body.includes('_') && !underscoreOk) return null
  const clean = body.replaceAll('_', '').toLowerCase()
  if (clean === '' || [...clean].some((c) => !alphabet.includes(c))) return null
  const magnitude = [...clean].reduce((acc, c) => acc * BigInt(base) + BigInt(alphabet.indexOf(c)), 0n)
  return sign === '-' ? -magnitude : magnitude
}

/** strconv.ParseFloat's syntax for what the lexer can produce: decimal or hexadecimal mantissa with exponent. */
function parseGoFloat(text: string): number | null {
  const digits = '\\d+(?:_\\d+)*'
  const decimal = new RegExp(`^[+-]?(?:${digits}(?:\\.(?:${digits})?)?|\\.${digits})(?:[eE][+-]?${digits})?$`)
  if (decimal.test(text)) return Number(text.replaceAll('_', ''))
  const hex = /^([+-]?)0[xX]([0-9a-fA-F_]*)(?:\.([0-9a-fA-F_]*))?[pP]([+-]?[\d_]+)$/.exec(text)
  if (!hex) return null
  const [, sign, whole, fraction = '', exponent] = hex
  const mantissa = (whole + fraction).replaceAll('_', '')
  if (mantissa === '') return null
  const value = parseInt(mantissa, 16) * 2 ** (Number(exponent.replaceAll('_', '')) - 4 * fraction.replaceAll('_', '').length)
  return sign === '-' ? -value : value
}

/** Builds a NumberValue or throws with Go's message (`illegal number syntax: "x"`, `integer overflow: "x"`...). */
export function parseNumberLiteral(text: string, kind: 'number' | 'char' | 'complex'): NumberValue {
  const number: NumberValue = {text, isInt: false, isUint: false, isFloat: false, isComplex: false, int: 0n, float: 0}
  if (kind === 'char') {
    const {value, tail} = unquoteChar(text.slice(1), "'")
    if (tail !== "'") throw new Error(`malformed character constant: ${text}`)
    return {...number, isInt: true, isUint: true, isFloat: true, int: BigInt(value), float: value}
  }
  if (kind === 'complex') {
    // parse.newNumber lets fmt.Sscan read "re±imi".
    const parts = /^([+-]?[^+-]*?(?:[eEpP][+-]\d+)?)([+-][^+-]*?(?:[eEpP][+-]\d+)?)i$/.exec(text)
    const re = parts ? parseGoFloat(parts[1]) : null
    const im = parts ? parseGoFloat(parts[2]) : null
    if (re === null || im === null) throw new Error(`illegal number syntax: ${goQuote(text)}`)
    return {...number, isComplex: true, complex: {re, im}}
  }
  if (text.endsWith('i')) {
    // An imaginary literal is strconv.ParseFloat of what precedes the i.
    const im = parseGoFloat(text.slice(0, -1))
    if (im !== null) return {...number, isComplex: true, complex: {re: 0, im}}
  }
  const integer = parseGoInteger(text)
  if (integer !== null && integer >= INT64_MIN && integer <= UINT64_MAX) {
    const isInt = integer <= INT64_MAX
    return {...number, isInt, isUint: integer >= 0n, isFloat: true, int: integer, float: Number(integer)}
  }
  const float = parseGoFloat(text)
  if (float === null || !Number.isFinite(float)) throw new Error(`illegal number syntax: ${goQuote(text)}`)
  if (!/[.eEpP]/.test(text)) throw new Error(`integer overflow: ${goQuote(text)}`)
  const integral = Number.isInteger(float)
  const asInt = integral ? BigInt(float) : 0n
  return {
    ...number,
    isFloat: true,
    float,
    isInt: integral && asInt >= INT64_MIN && asInt <= INT64_MAX,
    isUint: integral && asInt >= 0n && asInt <= UINT64_MAX,
    int: asInt,
  }
}

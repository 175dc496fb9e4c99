/**
 * Sprig v3.3.0 functions (Masterminds/sprig numeric.go, list.go, dict.go, strings.go, defaults.go, reflect.go and
 * the goutils/path helpers they call), as consul-template offers them under `sprig_`. Go's panics inside them
 * become the call's error, as text/template reports them.
 */
import {fromGoBytes, goBytes} from './bytes.js'
import {createHash} from 'node:crypto'

import {encodeJson} from './encode.js'
import {formatGoValue, sprintf} from './fmt.js'
import {goJsonUnmarshal} from './go-json-scan.js'
import {decodeBase64} from './gostd.js'
import type {GoFunc, ParamType} from './functions.js'
import {compileGoRegexp} from './regexp.js'
import {goToLower, goToTitle, goToUpper, isGoSpace} from './unicode.js'
import {toLowerCaseWords, toPascalCase} from './sprig-case.js'
import {deepEqual, empty, kindOf, strslice, strval, toFloat64, toInt64} from './sprig-cast.js'
import {compareCodePoints, int64, stringMap, stringSlice} from './values.js'

const fn = (params: ParamType[], call: (args: unknown[]) => unknown, variadic?: ParamType): GoFunc => ({params, variadic, call: (args) => call(args)})
const str = (value: unknown): string => value as string
const int = (value: unknown): number => Number(value as bigint)

/** A Go string is bytes: sprig's trunc and substr cut UTF-8 bytes. */
const utf8 = (text: string): Buffer => goBytes(text)
const byteSlice = (text: string, start: number, end?: number): string => fromGoBytes(utf8(text).subarray(start, end))

/** Slices and arrays as reflect sees them; the error names the kind (`Cannot find first on type string`). */
function asList(value: unknown, what: string): unknown[] {
  if (value === null || value === undefined) throw new Error('runtime error: invalid memory address or nil pointer dereference')
  if (!Array.isArray(value)) throw new Error(`${what} ${kindOf(value)}`)
  return value
}

const must = (name: string) => (list: unknown) => asList(list, `Cannot find ${name} on type`)

/** The list functions, each as sprig's must-variant; the plain name panics with the same error. */
const LIST_FUNCTIONS: Record<string, [ParamType[], (args: unknown[]) => unknown, ParamType?]> = {
  Push: [['any', 'any'], ([list, v]) => [...asList(list, 'Cannot push on type'), v ?? null]],
  Prepend: [['any', 'any'], ([list, v]) => [v ?? null, ...asList(list, 'Cannot prepend on type')]],
  First: [['any'], ([list]) => must('first')(list)[0] ?? null],
  Last: [['any'], ([list]) => must('last')(list).at(-1) ?? null],
  Rest: [['any'], ([list]) => must('rest')(list).slice(1)],
  Initial: [['any'], ([list]) => must('initial')(list).slice(0, -1)],
  Reverse: [['any'], ([list]) => [...must('reverse')(list)].reverse()],
  Compact: [['any'], ([list]) => asList(list, 'Cannot compact on type').filter((item) => !empty(item))],
  Uniq: [['any'], ([list]) => must('uniq')(list).reduce<unknown[]>((out, item) => (out.some((seen) => deepEqual(seen, item)) ? out : [...out, item]), [])],
  Without: [['any'], ([list, ...omit]) => must('without')(list).filter((item) => !omit.some((o) => deepEqual(o, item))), 'any'],
  Has: [['any', 'any'], ([needle, haystack]) => (haystack === null ? false : must('has')(haystack).some((item) => deepEqual(needle, item)))],
  Slice: [['any'], ([list, ...indices]) => {
    const items = asList(list, 'list should be type of slice or array but')
    if (items.length === 0) return null
    const start = indices.length > 0 ? int(toInt64(indices[0])) : 0
    const end = indices.length > 1 ? int(toInt64(indices[1])) : items.length
    if (start < 0 || end < start || end > items.length) throw new Error(`runtime error: slice bounds out of range [${start}:${end}] with capacity ${items.length}`)
    return items.slice(start, end)
  }, 'any'],
  Chunk: [['int', 'any'], ([size, list]) => {
    const items = asList(list, 'Cannot chunk type')
    const n = int(size)
    const chunks: unknown[][] = []
    if (n <= 0) throw new Error('runtime error: integer divide by zero')
    for (let i = 0; i < items.length; i += n) chunks.push(items.slice(i, i + n))
    return chunks
  }],
}

/** sprig's decimal arithmetic (shopspring/decimal, 16 places for a division) on floats given by their shortest digits. */
interface Decimal {
  units: bigint
  scale: number
}

function toDecimal(value: number): Decimal {
  const [mantissa, exponent] = value.toExponential().split('e')
  const [whole, fraction = ''] = mantissa.split('.')
  const scale = fraction.length - Number(exponent)
  const units = BigInt(whole + fraction)
  return scale >= 0 ? {units, scale} : {units: units * 10n ** BigInt(-scale), scale: 0}
}

function aligned(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale)
  return [a.units * 10n ** BigInt(scale - a.scale), b.units * 10n ** BigInt(scale - b.scale), scale]
}

const DECIMAL_OPS: Record<string, (a: Decimal, b: Decimal) => Decimal> = {
  add: (a, b) => {
    const [x, y, scale] = aligned(a, b)
    return {units: x + y, scale}
  },
  sub: (a, b) => {
    const [x, y, scale] = aligned(a, b)
    return {units: x - y, scale}
  },
  mul: (a, b) => ({units: a.units * b.units, scale: a.scale + b.scale}),
  div: (a, b) => {
    if (b.units === 0n) throw new Error('decimal division by 0')
    // DivRound(d2, 16): the quotient rounded half away from zero to 16 decimal places.
    const [x, y] = aligned(a, b)
    const scaled = x * 10n ** 17n
    const quotient = scaled / y
    const negative = quotient < 0n
    const magnitude = negative ? -quotient : quotient
    const rounded = (magnitude + 5n) / 10n
    return {units: negative ? -rounded : rounded, scale: 16}
  },
}

function decimalOp(op: string, first: unknown, rest: unknown[]): number {
  let result = toDecimal(toFloat64(first))
  for (const operand of rest) result = DECIMAL_OPS[op](result, toDecimal(toFloat64(operand)))
  const text = result.units.toString().replace('-', '').padStart(result.scale + 1, '0')
  const sign = result.units < 0n ? '-' : ''
  return Number(result.scale === 0 ? sign + text : `${sign}${text.slice(0, -result.scale)}.${text.slice(-result.scale)}`)
}

function untilStep(start: number, stop: number, step: number): bigint[] {
  const out: bigint[] = []
  if (stop < start) {
    if (step >= 0) return out
    for (let i = start; i > stop; i += step) out.push(BigInt(i))
    return out
  }
  if (step <= 0) return out
  for (let i = start; i < stop; i += step) out.push(BigInt(i))
  return out
}

function seq(params: number[]): string {
  const list = (items: bigint[]): string => items.join(' ')
  if (params.length === 1) {
    const [end] = params
    const step = end < 1 ? -1 : 1
    return list(untilStep(1, end + step, step))
  }
  if (params.length === 2) {
    const [start, end] = params
    const step = end < start ? -1 : 1
    return list(untilStep(start, end + step, step))
  }
  if (params.length === 3) {
    const [start, step, end] = params
    const increment = end < start ? -1 : 1
    if (end < start && step > 0) return ''
    return list(untilStep(start, end + increment, step))
  }
  return ''
}

/** goutils.WrapCustom: wraps at spaces; long words are left whole unless wrapLongWords. */
function wrapCustom(text: string, width: number, newline: string, wrapLongWords: boolean): string {
  if (text === '') return ''
  const bytes = utf8(text)
  const cut = (start: number, end?: number): string => bytes.subarray(start, end).toString('utf8')
  const limit = Math.max(width, 1)
  const sep = newline === '' ? '\n' : newline
  let offset = 0
  let out = ''
  while (bytes.length - offset > limit) {
    if (bytes[offset] === 0x20) {
      offset++
      continue
    }
    const window = bytes.subarray(offset, limit + offset + 1)
    const space = window.lastIndexOf(0x20)
    if (space >= 0) {
      out += cut(offset, offset + space) + sep
      offset += space + 1
    } else if (wrapLongWords) {
      out += cut(offset, offset + limit) + sep
      offset += limit
    } else {
      const next = bytes.indexOf(0x20, limit + offset)
      if (next < 0) {
        out += cut(offset)
        offset = bytes.length
      } else {
        out += cut(offset, next) + sep
        offset = next + 1
      }
    }
  }
  return out + cut(offset)
}

/** goutils.AbbreviateFull: "..." marks what is left out; the result is at most maxWidth bytes. */
function abbreviate(text: string, offset: number, maxWidth: number): string {
  const bytes = utf8(text)
  const length = bytes.length
  if (text === '' || maxWidth < 4) return ''
  if (length <= maxWidth) return text
  let left = Math.min(offset, length)
  if (length - left < maxWidth - 3) left = length - (maxWidth - 3)
  if (left <= 4) return byteSlice(text, 0, maxWidth - 3) + '...'
  if (maxWidth < 7) return ''
  if (left + maxWidth - 3 < length) return '...' + abbreviate(byteSlice(text, left), 0, maxWidth - 3)
  return '...' + byteSlice(text, length - (maxWidth - 3))
}

/** goutils.SwapCase: upper and title case to lower; lower to title after a space (or at the start), else to upper. */
function swapCase(text: string): string {
  let afterSpace = true
  let out = ''
  for (const char of text) {
    const lower = goToLower(char)
    const upper = goToUpper(char)
    if (char !== lower) {
      out += lower
      afterSpace = false
    } else if (char !== upper) {
      out += afterSpace ? goToTitle(char) : upper
      afterSpace = false
    } else {
      out += char
      afterSpace = isGoSpace(char)
    }
  }
  return out
}

/** path.Clean: the shortest equivalent path ("." for nothing), no trailing slash except for "/". */
function cleanPath(path: string): string {
  if (path === '') return '.'
  const rooted = path.startsWith('/')
  const parts: string[] = []
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..') {
      if (parts.length > 0 && parts.at(-1) !== '..') parts.pop()
      else if (!rooted) parts.push('..')
    } else parts.push(part)
  }
  const joined = (rooted ? '/' : '') + parts.join('/')
  return joined === '' ? '.' : joined
}

function basePath(path: string): string {
  if (path === '') return '.'
  const trimmed = path.replace(/\/+$/, '')
  if (trimmed === '') return '/'
  return trimmed.slice(trimmed.lastIndexOf('/') + 1)
}

const dirPath = (path: string): string => cleanPath(path.slice(0, path.lastIndexOf('/') + 1))
const extPath = (path: string): string => {
  const dot = path.lastIndexOf('.')
  return dot > path.lastIndexOf('/') ? path.slice(dot) : ''
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

function base32Encode(text: string): string {
  const bytes = utf8(text)
  let bits = 0
  let buffer = 0
  let out = ''
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += BASE32[(buffer >> (bits - 5)) & 31]
      bits -= 5
    }
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31]
  return out.padEnd(Math.ceil(out.length / 8) * 8, '=')
}

/** sprig's base32decode: the decoded text, or the decoder's error text in its place. */
function base32Decode(text: string): string {
  const clean = text.replace(/[\r\n]/g, '')
  if (clean.length % 8 !== 0) return `illegal base32 data at input byte ${clean.length - (clean.length % 8)}`
  const data = clean.replace(/=+$/, '')
  const bad = [...data].findIndex((char) => !BASE32.includes(char))
  if (bad >= 0) return `illegal base32 data at input byte ${bad}`
  const bytes: number[] = []
  let bits = 0
  let buffer = 0
  for (const char of data) {
    buffer = ((buffer << 5) | BASE32.indexOf(char)) & 0xffff
    bits += 5
    if (bits >= 8) {
      bytes.push((buffer >> (bits - 8)) & 0xff)
      bits -= 8
    }
  }
  return Buffer.from(bytes).toString('utf8')
}

function adler32(text: string): number {
  let a = 1
  let b = 0
  for (const byte of utf8(text)) {
    a = (a + byte) % 65521
    b = (b + a) % 65521
  }
  return (b * 65536 + a) >>> 0
}

/** strings.SplitN (n < 0: all; 0: none), as the `_0`, `_1`… map sprig's split and splitn return. */
function splitToIndexMap(sep: string, text: string, n: number): Record<string, string> {
  if (n === 0) return stringMap({})
  let parts = sep === '' ? [...text] : text.split(sep)
  if (n > 0 && parts.length > n) parts = [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)]
  return stringMap(Object.fromEntries(parts.map((part, i) => [`_${i}`, part])))
}

function dig(args: unknown[]): unknown {
  if (args.length < 3) throw new Error('dig needs at least three arguments')
  let dict = args.at(-1)
  const fallback = args.at(-2)
  const keys = args.slice(0, -2).map((key) => {
    if (typeof key !== 'string') throw new Error(`interface conversion: interface {} is ${formatType(key)}, not string`)
    return key
  })
  for (const [i, key] of keys.entries()) {
    if (kindOf(dict) !== 'map' || formatType(dict) !== 'map[string]interface {}') {
      throw new Error(`interface conversion: interface {} is ${formatType(dict)}, not map[string]interface {}`)
    }
    const map = dict as Record<string, unknown>
    if (!Object.hasOwn(map, key)) return fallback ?? null
    if (i === keys.length - 1) return map[key] ?? null
    dict = map[key]
  }
  return fallback
}

const formatType = (value: unknown): string => (value === null || value === undefined ? 'nil' : sprintf('%T', [value]))

/** sprig's trimAll: strings.Trim(s, cutset). */
function trimCutset(cutset: string, text: string): string {
  const chars = new Set(cutset)
  const runes = [...text]
  let start = 0
  let end = runes.length
  while (start < end && chars.has(runes[start])) start++
  while (end > start && chars.has(runes[end - 1])) end--
  return runes.slice(start, end).join('')
}

function indentText(spaces: number, text: string): string {
  const pad = ' '.repeat(Math.max(spaces, 0))
  return pad + text.replaceAll('\n', '\n' + pad)
}

const mustRegexp = (source: string) => compileGoRegexp(source)

export const MORE_SPRIG: Record<string, GoFunc> = {
  hello: fn([], () => 'Hello!'),
  // Strings
  abbrev: fn(['int', 'string'], ([width, s]) => (int(width) < 4 ? s : abbreviate(str(s), 0, int(width)))),
  abbrevboth: fn(['int', 'int', 'string'], ([left, right, s]) =>
    int(right) < 4 || (int(left) > 0 && int(right) < 7) ? s : abbreviate(str(s), int(left), int(right)),
  ),
  trunc: fn(['int', 'string'], ([count, s]) => {
    const c = int(count)
    const length = utf8(str(s)).length
    if (c < 0 && length + c > 0) return byteSlice(str(s), length + c)
    if (c >= 0 && length > c) return byteSlice(str(s), 0, c)
    return s
  }),
  untitle: fn(['string'], ([s]) => str(s).replace(/(^|\s)(\S)/gu, (_m, space: string, char: string) => space + char.toLowerCase())),
  substr: fn(['int', 'int', 'string'], ([start, end, s]) => {
    const [from, to] = [int(start), int(end)]
    const length = utf8(str(s)).length
    if (from < 0) return byteSlice(str(s), 0, to)
    if (to < 0 || to > length) return byteSlice(str(s), from)
    if (from > to) throw new Error(`runtime error: slice bounds out of range [${from}:${to}]`)
    return byteSlice(str(s), from, to)
  }),
  trimAll: fn(['string', 'string'], ([cutset, s]) => trimCutset(str(cutset), str(s))),
  trimall: fn(['string', 'string'], ([cutset, s]) => trimCutset(str(cutset), str(s))),
  initials: fn(['string'], ([s]) => {
    // goutils.Initials walks bytes: a word's first byte is kept as a rune of that value.
    let gap = true
    let out = ''
    for (const byte of utf8(str(s))) {
      const char = String.fromCharCode(byte)
      if (/^\s$/u.test(char) || byte === 0x85 || byte === 0xa0) gap = true
      else if (gap) {
        out += char
        gap = false
      }
    }
    return out
  }),
  swapcase: fn(['string'], ([s]) => swapCase(str(s))),
  snakecase: fn(['string'], ([s]) => toLowerCaseWords(str(s), '_')),
  kebabcase: fn(['string'], ([s]) => toLowerCaseWords(str(s), '-')),
  camelcase: fn(['string'], ([s]) => toPascalCase(str(s))),
  wrap: fn(['int', 'string'], ([width, s]) => wrapCustom(str(s), int(width), '', false)),
  wrapWith: fn(['int', 'string', 'string'], ([width, sep, s]) => wrapCustom(str(s), int(width), str(sep), true)),
  cat: fn([], (args) => {
    const present = args.filter((arg) => arg !== null && arg !== undefined)
    return present.map((arg) => formatGoValue(arg)).join(' ')
  }, 'any'),
  indent: fn(['int', 'string'], ([spaces, s]) => indentText(int(spaces), str(s))),
  nindent: fn(['int', 'string'], ([spaces, s]) => '\n' + indentText(int(spaces), str(s))),
  plural: fn(['string', 'string', 'int'], ([one, many, count]) => (count === 1n ? one : many)),
  sha512sum: fn(['string'], ([s]) => createHash('sha512').update(str(s), 'utf8').digest('hex')),
  adler32sum: fn(['string'], ([s]) => String(adler32(str(s)))),
  toString: fn(['any'], ([v]) => strval(v)),
  toStrings: fn(['any'], ([v]) => strslice(v)),
  atoi: fn(['string'], ([s]) => (/^[+-]?\d+$/.test(str(s)) && BigInt.asIntN(64, BigInt(str(s))) === BigInt(str(s)) ? BigInt(str(s)) : 0n)),
  int64: fn(['any'], ([v]) => int64(toInt64(v))),
  int: fn(['any'], ([v]) => toInt64(v)),
  float64: fn(['any'], ([v]) => toFloat64(v)),
  toDecimal: fn(['any'], ([v]) => {
    const text = formatGoValue(v ?? null)
    // strconv.ParseInt(text, 8, 64); 0 when it fails.
    if (!/^[+-]?[0-7]+$/.test(text)) return int64(0n)
    const magnitude = BigInt(`0o${text.replace(/^[+-]/, '')}`)
    const value = text.startsWith('-') ? -magnitude : magnitude
    return int64(value === BigInt.asIntN(64, value) ? value : 0n)
  }),
  seq: fn([], (args) => seq(args.map(int)), 'int'),
  split: fn(['string', 'string'], ([sep, s]) => splitToIndexMap(str(sep), str(s), -1)),
  splitn: fn(['string', 'int', 'string'], ([sep, n, s]) => splitToIndexMap(str(sep), str(s), int(n))),
  join: fn(['string', 'any'], ([sep, v]) => strslice(v).join(str(sep))),
  sortAlpha: fn(['any'], ([list]) => (Array.isArray(list) ? stringSlice([...strslice(list)].sort(compareCodePoints)) : stringSlice([strval(list)]))),
  until: fn(['int'], ([count]) => untilStep(0, int(count), int(count) < 0 ? -1 : 1)),
  untilStep: fn(['int', 'int', 'int'], ([start, stop, step]) => untilStep(int(start), int(stop), int(step))),
  // Arithmetic: int64 for the integer functions (wrapping as Go's does), decimals for the f ones.
  add1: fn(['any'], ([v]) => int64(toInt64(v) + 1n)),
  add: fn([], (args) => int64(args.reduce<bigint>((sum, v) => sum + toInt64(v), 0n)), 'any'),
  sub: fn(['any', 'any'], ([a, b]) => int64(toInt64(a) - toInt64(b))),
  div: fn(['any', 'any'], ([a, b]) => {
    if (toInt64(b) === 0n) throw new Error('runtime error: integer divide by zero')
    return int64(toInt64(a) / toInt64(b))
  }),
  mod: fn(['any', 'any'], ([a, b]) => {
    if (toInt64(b) === 0n) throw new Error('runtime error: integer divide by zero')
    return int64(toInt64(a) % toInt64(b))
  }),
  mul: fn(['any'], ([a, ...rest]) => int64(rest.reduce<bigint>((product, v) => BigInt.asIntN(64, product * toInt64(v)), toInt64(a))), 'any'),
  add1f: fn(['any'], ([v]) => decimalOp('add', v, [1n])),
  addf: fn([], (args) => decimalOp('add', 0, args), 'any'),
  subf: fn(['any'], ([a, ...rest]) => decimalOp('sub', a, rest), 'any'),
  mulf: fn(['any'], ([a, ...rest]) => decimalOp('mul', a, rest), 'any'),
  divf: fn(['any'], ([a, ...rest]) => decimalOp('div', a, rest), 'any'),
  max: fn(['any'], ([a, ...rest]) => int64(rest.reduce<bigint>((best, v) => (toInt64(v) > best ? toInt64(v) : best), toInt64(a))), 'any'),
  biggest: fn(['any'], ([a, ...rest]) => int64(rest.reduce<bigint>((best, v) => (toInt64(v) > best ? toInt64(v) : best), toInt64(a))), 'any'),
  min: fn(['any'], ([a, ...rest]) => int64(rest.reduce<bigint>((best, v) => (toInt64(v) < best ? toInt64(v) : best), toInt64(a))), 'any'),
  maxf: fn(['any'], ([a, ...rest]) => rest.reduce<number>((best, v) => Math.max(best, toFloat64(v)), toFloat64(a)), 'any'),
  minf: fn(['any'], ([a, ...rest]) => rest.reduce<number>((best, v) => Math.min(best, toFloat64(v)), toFloat64(a)), 'any'),
  floor: fn(['any'], ([v]) => Math.floor(toFloat64(v))),
  ceil: fn(['any'], ([v]) => Math.ceil(toFloat64(v))),
  round: fn(['any', 'int'], ([v, places, ...roundOn]) => {
    const pow = 10 ** int(places)
    const digit = pow * toFloat64(v)
    const fraction = digit - Math.trunc(digit)
    return (fraction >= (roundOn.length > 0 ? toFloat64(roundOn[0]) : 0.5) ? Math.ceil(digit) : Math.floor(digit)) / pow
  }, 'float64'),
  // Defaults and reflection
  coalesce: fn([], (args) => args.find((v) => !empty(v)) ?? null, 'any'),
  all: fn([], (args) => args.every((v) => !empty(v)), 'any'),
  any: fn([], (args) => args.some((v) => !empty(v)), 'any'),
  // defaults.go: json.Unmarshal into an interface{}; fromJson drops the error and keeps what was decoded.
  fromJson: fn(['string'], ([s]) => goJsonUnmarshal(str(s)).value),
  mustFromJson: fn(['string'], ([s]) => {
    const {value, error} = goJsonUnmarshal(str(s))
    if (error !== undefined) throw new Error(error)
    return value
  }),
  mustToJson: fn(['any'], ([v]) => encodeJson(v, {escapeHtml: true, indent: ''})),
  mustToPrettyJson: fn(['any'], ([v]) => encodeJson(v, {escapeHtml: true, indent: '  '})),
  mustToRawJson: fn(['any'], ([v]) => encodeJson(v, {escapeHtml: false, indent: ''})),
  typeOf: fn(['any'], ([v]) => sprintf('%T', [v ?? null])),
  typeIs: fn(['string', 'any'], ([target, v]) => target === sprintf('%T', [v ?? null])),
  typeIsLike: fn(['string', 'any'], ([target, v]) => {
    const type = sprintf('%T', [v ?? null])
    return target === type || `*${str(target)}` === type
  }),
  kindOf: fn(['any'], ([v]) => kindOf(v)),
  kindIs: fn(['string', 'any'], ([target, v]) => target === kindOf(v)),
  deepEqual: fn(['any', 'any'], ([a, b]) => deepEqual(a, b)),
  // Paths (path and, on Linux, path/filepath)
  base: fn(['string'], ([s]) => basePath(str(s))),
  dir: fn(['string'], ([s]) => dirPath(str(s))),
  clean: fn(['string'], ([s]) => cleanPath(str(s))),
  ext: fn(['string'], ([s]) => extPath(str(s))),
  isAbs: fn(['string'], ([s]) => str(s).startsWith('/')),
  osBase: fn(['string'], ([s]) => basePath(str(s))),
  osDir: fn(['string'], ([s]) => dirPath(str(s))),
  osClean: fn(['string'], ([s]) => cleanPath(str(s))),
  osExt: fn(['string'], ([s]) => extPath(str(s))),
  osIsAbs: fn(['string'], ([s]) => str(s).startsWith('/')),
  // Encodings (a decoding error is returned as the text)
  b64dec: fn(['string'], ([s]) => {
    try {
      return decodeBase64(str(s), false)
    } catch (error) {
      return (error as Error).message
    }
  }),
  b32enc: fn(['string'], ([s]) => base32Encode(str(s))),
  b32dec: fn(['string'], ([s]) => base32Decode(str(s))),
  // Dictionaries
  dict: fn([], (args) => {
    const dict: Record<string, unknown> = {}
    for (let i = 0; i < args.length; i += 2) dict[strval(args[i])] = i + 1 < args.length ? (args[i + 1] ?? null) : ''
    return dict
  }, 'any'),
  get: fn(['map', 'string'], ([d, key]) => (Object.hasOwn(d as object, str(key)) ? ((d as Record<string, unknown>)[str(key)] ?? null) : '')),
  set: fn(['map', 'string', 'any'], ([d, key, value]) => {
    ;(d as Record<string, unknown>)[str(key)] = value ?? null
    return d
  }),
  unset: fn(['map', 'string'], ([d, key]) => {
    delete (d as Record<string, unknown>)[str(key)]
    return d
  }),
  hasKey: fn(['map', 'string'], ([d, key]) => Object.hasOwn(d as object, str(key))),
  pluck: fn(['string'], ([key, ...dicts]) => dicts.filter((d) => Object.hasOwn(d as object, str(key))).map((d) => (d as Record<string, unknown>)[str(key)] ?? null), 'map'),
  keys: fn([], (dicts) => stringSlice(dicts.flatMap((d) => Object.keys(d as object))), 'map'),
  values: fn(['map'], ([d]) => Object.values(d as object).map((v: unknown) => v ?? null)),
  pick: fn(['map'], ([d, ...keys]) => Object.fromEntries(keys.filter((k) => Object.hasOwn(d as object, str(k))).map((k) => [k, (d as Record<string, unknown>)[str(k)]])), 'string'),
  omit: fn(['map'], ([d, ...keys]) => Object.fromEntries(Object.entries(d as object).filter(([k]) => !keys.includes(k))), 'string'),
  dig: fn([], dig, 'any'),
  // Lists
  list: fn([], (args) => args.map((arg) => arg ?? null), 'any'),
  tuple: fn([], (args) => args.map((arg) => arg ?? null), 'any'),
  concat: fn([], (lists) => {
    const out: unknown[] = []
    for (const list of lists) out.push(...asList(list, 'Cannot concat type').map((item) => item ?? null))
    return out
  }, 'any'),
  mustRegexFind: fn(['string', 'string'], ([re, s]) => mustRegexp(str(re)).findAllString(str(s), 1)[0] ?? ''),
  mustRegexFindAll: fn(['string', 'string', 'int'], ([re, s, n]) => stringSlice(mustRegexp(str(re)).findAllString(str(s), int(n)))),
  mustRegexSplit: fn(['string', 'string', 'int'], ([re, s, n]) => stringSlice(mustRegexp(str(re)).split(str(s), int(n)))),
  mustRegexReplaceAll: fn(['string', 'string', 'string'], ([re, s, r]) => mustRegexp(str(re)).replaceAllString(str(s), str(r))),
  mustRegexReplaceAllLiteral: fn(['string', 'string', 'string'], ([re, s, r]) => mustRegexp(str(re)).replaceAllLiteralString(str(s), str(r))),
}

for (const [name, [params, call, variadic]] of Object.entries(LIST_FUNCTIONS)) {
  const lower = name[0].toLowerCase() + name.slice(1)
  MORE_SPRIG[`must${name}`] = fn(params, call, variadic)
  MORE_SPRIG[lower] = fn(params, call, variadic)
}
MORE_SPRIG.append = MORE_SPRIG.push
MORE_SPRIG.mustAppend = MORE_SPRIG.mustPush

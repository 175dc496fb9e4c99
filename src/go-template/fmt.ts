/** Go's fmt package for the values a template handles: Sprint, Sprintln, Sprintf and the %v form of every value. */
import {goBytes, hasInvalidUtf8} from './bytes.js'
import {formatRuneU, goQuote} from './quote.js'
import {GoChannel, GoComplex, GoInt, GoObject, GoStruct, goMapKey, goTypeName, intValue, isGoMap, JsonNumber, NilPointer, sortedKeys} from './values.js'

interface Flags {
  plus: boolean
  minus: boolean
  sharp: boolean
  space: boolean
  zero: boolean
  width?: number
  prec?: number
  /** %+v and %#v */
  plusV: boolean
  sharpV: boolean
}

const NO_FLAGS: Flags = {plus: false, minus: false, sharp: false, space: false, zero: false, plusV: false, sharpV: false}

/** What a template prints for a value: Go's %v, with `<no value>` for a missing one. */
export function formatGoValue(value: unknown): string {
  if (value === undefined) return '<no value>'
  return formatArg(value, 'v', NO_FLAGS, 0)
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function sprint(args: readonly unknown[]): string {
  let out = ''
  args.forEach((arg, i) => {
    if (i > 0 && !isStringKind(arg) && !isStringKind(args[i - 1])) out += ' '
    out += formatArg(arg, 'v', NO_FLAGS, 0)
  })
  return out
}

/** fmt.Sprintln: always spaces, then a newline. */
export function sprintln(args: readonly unknown[]): string {
  return args.map((arg) => formatArg(arg, 'v', NO_FLAGS, 0)).join(' ') + '\n'
}

function isStringKind(value: unknown): boolean {
  return typeof value === 'string' || value instanceof JsonNumber
}

/** fmt.Sprintf, including Go's in-band errors such as `%!d(string=x)`, `%!s(MISSING)` and `%!(EXTRA ...)`. */
export function sprintf(format: string, args: readonly unknown[]): string {
  let out = ''
  let argNum = 0
  let i = 0
  let reordered = false
  let goodArgNum = true
  const nextIntArg = (): number | undefined => {
    const arg = args[argNum]
    argNum++
    // fmt's intFromArg takes any integer kind.
    return intValue(arg) === undefined ? undefined : Number(intValue(arg))
  }
  /** An explicit argument index `[n]` at i (fmt's argNumber): moves argNum; returns whether one was there. */
  const argNumber = (): boolean => {
    if (format[i] !== '[') return false
    reordered = true
    const close = format.indexOf(']', i)
    const digits = close < 0 ? '' : format.slice(i + 1, close)
    if (close < 0 || !/^\d+$/.test(digits)) {
      // No closing bracket skips just the '['; a bad number skips through the ']'.
      i = close < 0 || format.length - i < 3 ? i + 1 : close + 1
      goodArgNum = false
      return close >= 0
    }
    i = close + 1
    const index = Number(digits) - 1
    if (index >= 0 && index < args.length) argNum = index
    else goodArgNum = false
    return true
  }
  while (i < format.length) {
    const percent = format.indexOf('%', i)
    if (percent < 0) {
      out += format.slice(i)
      break
    }
    out += format.slice(i, percent)
    i = percent + 1
    goodArgNum = true
    const flags: Flags = {...NO_FLAGS}
    for (; i < format.length; i++) {
      const c = format[i]
      if (c === '+') flags.plus = true
      else if (c === '-') flags.minus = true
      else if (c === '#') flags.sharp = true
      else if (c === ' ') flags.space = true
      else if (c === '0') flags.zero = !flags.minus
      else break
    }
    let afterIndex = argNumber()
    if (format[i] === '*') {
      i++
      const width = nextIntArg()
      if (width === undefined) out += '%!(BADWIDTH)'
      else if (width < 0) {
        flags.minus = true
        flags.width = -width
      } else flags.width = width
      afterIndex = false
    } else {
      const digits = /^\d+/.exec(format.slice(i))
      if (digits) {
        flags.width = Number(digits[0])
        i += digits[0].length
        if (afterIndex) goodArgNum = false
      }
    }
    if (i + 1 < format.length && format[i] === '.') {
      i++
      if (afterIndex) goodArgNum = false
      afterIndex = argNumber()
      if (format[i] === '*') {
        i++
        const prec = nextIntArg()
        if (prec === undefined || prec < 0) out += '%!(BADPREC)'
        else flags.prec = prec
        afterIndex = false
      } else {
        const digits = /^\d*/.exec(format.slice(i))![0]
        flags.prec = Number(digits || '0')
        i += digits.length
      }
    }
    if (!afterIndex) argNumber()
    if (flags.minus) flags.zero = false
    if (i >= format.length) {
      out += '%!(NOVERB)'
      break
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!)
    i += verb.length
    if (verb === '%') {
      out += '%'
      continue
    }
    if (!goodArgNum) {
      out += `%!${verb}(BADINDEX)`
      continue
    }
    if (argNum >= args.length) {
      out += `%!${verb}(MISSING)`
      continue
    }
    if (verb === 'v') {
      flags.sharpV = flags.sharp
      flags.plusV = flags.plus
      if (flags.sharpV) flags.sharp = false
      if (flags.plusV) flags.plus = false
    }
    out += formatArg(args[argNum++], verb, flags, 0)
  }
  if (!reordered && argNum < args.length) {
    const extra = args.slice(argNum).map((arg) => (arg === null ? '<nil>' : `${typeOf(arg)}=${formatArg(arg, 'v', NO_FLAGS, 0)}`))
    out += `%!(EXTRA ${extra.join(', ')})`
  }
  return out
}

function typeOf(value: unknown): string {
  return value === null || value === undefined ? '<nil>' : goTypeName(value)
}

function formatArg(value: unknown, verb: string, flags: Flags, depth: number): string {
  if (verb === 'T') return pad(typeOf(value), flags)
  if (value === null || value === undefined) {
    return verb === 'v' ? pad(flags.sharpV ? 'interface {}(nil)' : '<nil>', flags) : badVerb(verb, value, flags)
  }
  switch (typeof value) {
    case 'boolean':
      return verb === 't' || verb === 'v' ? pad(String(value), flags) : badVerb(verb, value, flags)
    case 'bigint':
      return formatInteger(value, verb, flags)
    case 'number':
      return formatFloat(value, verb, flags)
    case 'string':
      return formatString(value, verb, flags)
    case 'function':
      return verb === 'v' || verb === 'p' ? pad('0xc000000000', flags) : badVerb(verb, value, flags)
  }
  if (value instanceof GoInt) {
    // %#v writes a uint64 in hexadecimal (fmtInteger with sharpV).
    if (value.type === 'uint64' && flags.sharpV) return pad('0x' + value.value.toString(16), flags)
    return formatInteger(value.value, verb, flags)
  }
  if (value instanceof JsonNumber) {
    if (flags.sharpV) return pad(goQuote(value.text), flags)
    return 'vsxXq'.includes(verb) ? formatString(value.text, verb, flags) : badVerb(verb, value, flags)
  }
  if (value instanceof GoComplex) {
    // fmtComplex: both parts with the verb, the imaginary one always signed, in parentheses.
    if (!'vbgGxXfFeE'.includes(verb)) return badVerb(verb, value, flags)
    const part = {...flags, width: undefined}
    return pad(`(${formatFloat(value.re, verb, part)}${formatFloat(value.im, verb, {...part, plus: true})}i)`, flags)
  }
  if (value instanceof GoObject && value.stringer && 'vsxXq'.includes(verb) && !flags.sharpV) return formatString(value.stringer(), verb, flags)
  if (value instanceof GoObject) return verb === 'v' || verb === 'p' ? pad('0xc000030000', flags) : badVerb(verb, value, flags)
  if (value instanceof GoChannel) return verb === 'v' || verb === 'p' ? pad('0xc000020000', flags) : badVerb(verb, value, flags)
  if (value instanceof NilPointer) {
    return verb === 'v' ? pad(flags.sharpV ? `(${value.typeName})(nil)` : '<nil>', flags) : badVerb(verb, value, flags)
  }
  if (value instanceof GoStruct) {
    // A pointer inside another value prints as its address; a struct value prints its fields wherever it is.
    const pointer = value.typeName.startsWith('*')
    if (pointer && depth > 0 && !flags.sharpV) return pad('0xc000010000', flags)
    const fields = value.fields.map(([name, field]) => {
      const text = formatArg(field, verb, flags, depth + 1)
      return flags.plusV || flags.sharpV ? `${name}:${text}` : text
    })
    const prefix = pointer ? '&' : ''
    return flags.sharpV ? `${prefix}${value.typeName.replace(/^\*/, '')}{${fields.join(', ')}}` : `${prefix}{${fields.join(' ')}}`
  }
  if (Array.isArray(value)) {
    const items = value.map((item) => formatArg(item, verb, flags, depth + 1))
    return flags.sharpV ? `${goTypeName(value)}{${items.join(', ')}}` : `[${items.join(' ')}]`
  }
  if (isGoMap(value)) {
    const entries = sortedKeys(value).map(
      (key) => `${formatArg(goMapKey(value, key), verb, flags, depth + 1)}:${formatArg(value[key] ?? null, verb, flags, depth + 1)}`,
    )
    return flags.sharpV ? `map[string]interface {}{${entries.join(', ')}}` : `map[${entries.join(' ')}]`
  }
  return badVerb(verb, value, flags)
}

/** Go's badVerb: the value is printed with %v under the same flags (`%.2z` of "hello" is `%!z(string=he)`). */
function badVerb(verb: string, value: unknown, flags: Flags): string {
  if (value === null || value === undefined) return `%!${verb}(<nil>)`
  return `%!${verb}(${goTypeName(value)}=${formatArg(value, 'v', {...flags, sharpV: false, plusV: false}, 0)})`
}

/** Pads to the width in runes; zero padding goes after any sign. */
function pad(text: string, flags: Flags, zeroAllowed = true): string {
  const width = flags.width ?? 0
  const length = [...text].length
  if (length >= width) return text
  const fill = width - length
  if (flags.minus) return text + ' '.repeat(fill)
  if (flags.zero && zeroAllowed) {
    const sign = /^[+\- ]/.test(text) ? text[0] : ''
    return sign + '0'.repeat(fill) + text.slice(sign.length)
  }
  return ' '.repeat(fill) + text
}

function signOf(negative: boolean, flags: Flags): string {
  if (negative) return '-'
  if (flags.plus) return '+'
  return flags.space ? ' ' : ''
}

function formatInteger(value: bigint, verb: string, flags: Flags): string {
  const negative = value < 0n
  const magnitude = negative ? -value : value
  switch (verb) {
    case 'c':
      return pad(String.fromCodePoint(Number(magnitude)), flags)
    case 'q':
      return pad(goQuote(String.fromCodePoint(Number(magnitude)), "'"), flags)
    case 'U':
      return pad(formatRuneU(Number(magnitude), flags.sharp), flags)
  }
  const base = {v: 10, d: 10, b: 2, o: 8, O: 8, x: 16, X: 16}[verb]
  if (base === undefined) return badVerb(verb, value, flags)
  let digits = magnitude.toString(base)
  if (verb === 'X') digits = digits.toUpperCase()
  if (flags.prec !== undefined) {
    digits = flags.prec === 0 && magnitude === 0n ? '' : digits.padStart(flags.prec, '0')
  }
  let prefix = ''
  if (verb === 'O') prefix = '0o'
  else if (flags.sharp && verb === 'b') prefix = '0b'
  else if (flags.sharp && verb === 'o' && !digits.startsWith('0')) prefix = '0'
  else if (flags.sharp && (verb === 'x' || verb === 'X')) prefix = verb === 'x' ? '0x' : '0X'
  return pad(signOf(negative, flags) + prefix + digits, flags, flags.prec === undefined)
}

/** |value| × 10^scale rounded to an integer, half to even on exact ties, as strconv rounds the exact binary value. */
function roundScaled(value: number, scale: number): bigint {
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, Math.abs(value))
  const bits = view.getBigUint64(0)
  const biasedExp = Number((bits >> 52n) & 0x7ffn)
  const fraction = bits & ((1n << 52n) - 1n)
  const mantissa = biasedExp === 0 ? fraction : fraction | (1n << 52n)
  const exp2 = (biasedExp === 0 ? 1 : biasedExp) - 1075
  let numerator = mantissa * (scale >= 0 ? 10n ** BigInt(scale) : 1n)
  let denominator = scale < 0 ? 10n ** BigInt(-scale) : 1n
  if (exp2 >= 0) numerator <<= BigInt(exp2)
  else denominator <<= BigInt(-exp2)
  const quotient = numerator / denominator
  const twiceRemainder = 2n * (numerator % denominator)
  const roundUp = twiceRemainder > denominator || (twiceRemainder === denominator && quotient % 2n === 1n)
  return roundUp ? quotient + 1n : quotient
}

/** Decimal digits of a finite float: shortest round-trip digits, or rounded to `significant` digits. */
function decimalDigits(value: number, significant?: number): {digits: string; exp: number} {
  const [mantissa, exponent] = Math.abs(value).toExponential().split('e')
  const shortest = {digits: mantissa.replace('.', ''), exp: Number(exponent)}
  if (significant === undefined || value === 0) {
    return significant === undefined ? shortest : {digits: '0'.repeat(significant), exp: 0}
  }
  let exp = shortest.exp
  let digits = roundScaled(value, significant - 1 - exp).toString()
  if (digits.length > significant) {
    exp++
    digits = digits.slice(0, significant)
  }
  return {digits, exp}
}

function exponentForm(digits: string, exp: number, decimals: number, verb: string): string {
  const padded = digits.padEnd(decimals + 1, '0').slice(0, decimals + 1)
  const mantissa = decimals > 0 ? `${padded[0]}.${padded.slice(1)}` : padded[0]
  const expText = String(Math.abs(exp)).padStart(2, '0')
  return `${mantissa}${verb === 'E' || verb === 'G' ? 'E' : 'e'}${exp < 0 ? '-' : '+'}${expText}`
}

function fixedForm(value: number, decimals: number): string {
  const digits = roundScaled(value, decimals).toString().padStart(decimals + 1, '0')
  return decimals > 0 ? `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}` : digits
}

/** strconv's %g: exponent form when exp < -4 or exp >= precision (6 for the shortest form). */
function generalForm(value: number, verb: string, prec: number | undefined): string {
  const shortest = prec === undefined
  const significant = shortest ? undefined : Math.max(prec, 1)
  const {digits: raw, exp} = decimalDigits(value, significant)
  const digits = raw.replace(/0+$/, '') || '0'
  const nd = digits.length
  const dp = exp + 1
  let eprec = shortest ? 6 : significant!
  if (!shortest && eprec > nd && nd >= dp) eprec = nd
  if (exp < -4 || exp >= eprec) return exponentForm(digits, exp, Math.min(shortest ? nd : significant!, nd) - 1, verb)
  const precision = shortest || significant! > dp ? nd : significant!
  return placeDecimalPoint(digits, dp, Math.max(precision - dp, 0))
}

/** Writes digits d1d2d3... (value 0.d1d2d3 × 10^dp) with the given number of decimals. */
function placeDecimalPoint(digits: string, dp: number, decimals: number): string {
  const whole = dp <= 0 ? '0' : digits.slice(0, dp).padEnd(dp, '0')
  const fraction = (dp < 0 ? '0'.repeat(-dp) + digits : digits.slice(Math.max(dp, 0))).padEnd(decimals, '0').slice(0, decimals)
  return decimals > 0 ? `${whole}.${fraction}` : whole
}

/** strconv.FormatFloat(f, 'x' or 'b', -1, 64) of |f|: `1.8p+00` (after 0x) and `4503599627370496p-52`. */
function binaryFloat(value: number, verb: string): string {
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, Math.abs(value))
  const bits = view.getBigUint64(0)
  let exp = Number((bits >> 52n) & 0x7ffn)
  let mant = bits & ((1n << 52n) - 1n)
  if (exp === 0) exp = 1
  else mant |= 1n << 52n
  exp -= 1075
  if (verb === 'b') return `${mant}p${exp >= 0 ? '+' : '-'}${Math.abs(exp)}`
  if (mant === 0n) return '0x0p+00'
  // Normalize to 1.xxx (subnormals included), then print the 52 fraction bits as hex without trailing zeros.
  while (mant < 1n << 52n) {
    mant <<= 1n
    exp--
  }
  exp += 52
  const fraction = (mant & ((1n << 52n) - 1n)).toString(16).padStart(13, '0').replace(/0+$/, '')
  const text = `0x1${fraction ? '.' + fraction : ''}p${exp >= 0 ? '+' : '-'}${String(Math.abs(exp)).padStart(2, '0')}`
  return verb === 'X' ? text.toUpperCase() : text
}

function formatFloat(value: number, verb: string, flags: Flags): string {
  if ('bxX'.includes(verb) && flags.prec === undefined && Number.isFinite(value)) {
    return pad(signOf(value < 0 || Object.is(value, -0), flags) + binaryFloat(value, verb), flags)
  }
  if (!'vgGeEfF'.includes(verb)) return badVerb(verb, value, flags)
  if (Number.isNaN(value)) return pad(flags.plus ? '+NaN' : flags.space ? ' NaN' : 'NaN', flags, false)
  if (!Number.isFinite(value)) return pad(value > 0 ? (flags.space && !flags.plus ? ' Inf' : '+Inf') : '-Inf', flags, false)
  const negative = value < 0 || Object.is(value, -0)
  let body: string
  if (verb === 'e' || verb === 'E') {
    const {digits, exp} = decimalDigits(value, (flags.prec ?? 6) + 1)
    body = exponentForm(digits, value === 0 ? 0 : exp, flags.prec ?? 6, verb)
  } else if (verb === 'f' || verb === 'F') {
    body = fixedForm(value, flags.prec ?? 6)
  } else {
    body = generalForm(value, verb, flags.prec)
  }
  return pad(signOf(negative, flags) + body, flags)
}

function formatString(value: string, verb: string, flags: Flags): string {
  const text = flags.prec === undefined ? value : [...value].slice(0, flags.prec).join('')
  switch (verb) {
    case 'v':
      return pad(flags.sharpV ? goQuote(text) : text, flags)
    case 's':
      return pad(text, flags)
    case 'q':
      if (flags.sharp && canBackquote(text)) {
        return pad('`' + text + '`', flags)
      }
      return pad(goQuote(text, '"', flags.plus), flags)
    case 'x':
    case 'X': {
      const bytes = [...goBytes(text)].map((byte) => {
        const hex = byte.toString(16).padStart(2, '0')
        return (flags.sharp ? '0x' : '') + (verb === 'X' ? hex.toUpperCase() : hex)
      })
      const joined = flags.space ? bytes.join(' ') : flags.sharp ? (bytes[0] ?? '') + bytes.slice(1).map((b) => b.slice(2)).join('') : bytes.join('')
      return pad(verb === 'X' ? joined.replaceAll('0x', '0X') : joined, flags)
    }
  }
  return badVerb(verb, value, flags)
}

/** strconv.CanBackquote: no backquote and no control characters other than tab. */
function canBackquote(text: string): boolean {
  return !hasInvalidUtf8(text) && [...text].every((char) => char !== '`' && (char === '\t' || (char >= ' ' && char !== '\u007f')))
}

/** Pieces of Go's standard library that consul-template's functions rely on: strconv, base64, regexp, time. */
import {goQuote} from './quote.js'

const syntaxError = (fn: string, text: string): Error => new Error(`strconv.${fn}: parsing ${goQuote(text)}: invalid syntax`)
const rangeError = (fn: string, text: string): Error => new Error(`strconv.${fn}: parsing ${goQuote(text)}: value out of range`)

/** strconv.ParseInt(s, 10, 64) */
export function parseInt64(text: string): bigint {
  if (!/^[+-]?\d+$/.test(text)) throw syntaxError('ParseInt', text)
  const value = BigInt(text)
  if (value < -(2n ** 63n) || value >= 2n ** 63n) throw rangeError('ParseInt', text)
  return value
}

/** strconv.ParseUint(s, 10, 64) */
export function parseUint64(text: string): bigint {
  if (!/^\d+$/.test(text)) throw syntaxError('ParseUint', text)
  const value = BigInt(text)
  if (value >= 2n ** 64n) throw rangeError('ParseUint', text)
  return value
}

/** strconv.ParseFloat(s, 64) for decimal notation, infinities and NaN. */
export function parseFloat64(text: string): number {
  if (/^[+-]?(inf|infinity)$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity
  if (/^nan$/i.test(text)) return NaN
  const hex = /^([+-]?)0[xX]_?([0-9a-fA-F_]*)(?:\.([0-9a-fA-F_]*))?[pP]([+-]?\d+)$/.exec(text)
  if (hex && /[0-9a-fA-F]/.test(hex[2] + (hex[3] ?? '')) && !/__|_$|_\./.test(text)) {
    // Hexadecimal mantissa and binary exponent; underscores only ever with a base prefix.
    const [, sign, whole, fraction = '', exponent] = hex
    const digits = (whole + fraction).replaceAll('_', '')
    const value = parseInt(digits, 16) * 2 ** (Number(exponent) - 4 * fraction.replaceAll('_', '').length)
    if (!Number.isFinite(value)) throw rangeError('ParseFloat', text)
    return sign === '-' ? -value : value
  }
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text)) throw syntaxError('ParseFloat', text)
  const value = Number(text)
  if (!Number.isFinite(value)) throw rangeError('ParseFloat', text)
  return value
}

/** strconv.ParseBool */
export function parseGoBool(text: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false
  throw syntaxError('ParseBool', text)
}

const STD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/** base64.StdEncoding/URLEncoding.DecodeString: padding required, CR/LF ignored, Go's error offsets. */
export function decodeBase64(text: string, url: boolean): string {
  const alphabet = url ? URL_ALPHABET : STD_ALPHABET
  const corrupt = (at: number): Error => new Error(`illegal base64 data at input byte ${at}`)
  const clean: Array<{char: string; at: number}> = []
  ;[...text].forEach((char, at) => char !== '\r' && char !== '\n' && clean.push({char, at}))
  const bytes: number[] = []
  for (let q = 0; q < clean.length; q += 4) {
    const quantum = clean.slice(q, q + 4)
    if (quantum.length < 4) throw corrupt(quantum[0].at)
    const padStart = quantum.findIndex(({char}) => char === '=')
    for (const [i, {char, at}] of quantum.entries()) {
      if (char === '=') {
        if (i < 2 || quantum.slice(i).some((c) => c.char !== '=') || q + 4 < clean.length) throw corrupt(at)
      } else if (!alphabet.includes(char)) throw corrupt(at)
    }
    const values = quantum.map(({char}) => (char === '=' ? 0 : alphabet.indexOf(char)))
    const n = (values[0] << 18) | (values[1] << 12) | (values[2] << 6) | values[3]
    bytes.push((n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff)
    if (padStart >= 0) bytes.length -= 4 - padStart
  }
  return Buffer.from(bytes).toString('utf8')
}

export function encodeBase64(text: string, url: boolean): string {
  const encoded = Buffer.from(text, 'utf8').toString('base64')
  return url ? encoded.replaceAll('+', '-').replaceAll('/', '_') : encoded
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']

/** time.Time.Format for a UTC time, covering the layout elements templates use. */
export function formatGoTime(date: Date, layout: string): string {
  const two = (n: number): string => String(n).padStart(2, '0')
  const hour12 = date.getUTCHours() % 12 || 12
  const nanos = String(date.getUTCMilliseconds() * 1_000_000).padStart(9, '0')
  const elements: Array<[string, () => string]> = [
    ['January', () => MONTHS[date.getUTCMonth()]],
    ['Monday', () => DAYS[date.getUTCDay()]],
    ['2006', () => String(date.getUTCFullYear())],
    ['Z07:00', () => 'Z'],
    ['-07:00', () => '+00:00'],
    ['Z0700', () => 'Z'],
    ['-0700', () => '+0000'],
    ['Jan', () => MONTHS[date.getUTCMonth()].slice(0, 3)],
    ['Mon', () => DAYS[date.getUTCDay()].slice(0, 3)],
    ['MST', () => 'UTC'],
    ['Z07', () => 'Z'],
    ['-07', () => '+00'],
    ['.000000000', () => '.' + nanos],
    ['.000000', () => '.' + nanos.slice(0, 6)],
    ['.000', () => '.' + nanos.slice(0, 3)],
    ['.999999999', () => (nanos.replace(/0+$/, '') ? '.' + nanos.replace(/0+$/, '') : '')],
    ['06', () => two(date.getUTCFullYear() % 100)],
    ['01', () => two(date.getUTCMonth() + 1)],
    ['02', () => two(date.getUTCDate())],
    ['_2', () => String(date.getUTCDate()).padStart(2, ' ')],
    ['15', () => two(date.getUTCHours())],
    ['03', () => two(hour12)],
    ['04', () => two(date.getUTCMinutes())],
    ['05', () => two(date.getUTCSeconds())],
    ['PM', () => (date.getUTCHours() >= 12 ? 'PM' : 'AM')],
    ['pm', () => (date.getUTCHours() >= 12 ? 'pm' : 'am')],
    ['1', () => String(date.getUTCMonth() + 1)],
    ['2', () => String(date.getUTCDate())],
    ['3', () => String(hour12)],
    ['4', () => String(date.getUTCMinutes())],
    ['5', () => String(date.getUTCSeconds())],
  ]
  let out = ''
  let rest = layout
  while (rest.length > 0) {
    const element = elements.find(([token]) => rest.startsWith(token))
    if (element) {
      out += element[1]()
      rest = rest.slice(element[0].length)
    } else {
      out += rest[0]
      rest = rest.slice(1)
    }
  }
  return out
}

/** Pieces of Go's standard library that consul-template's functions rely on: strconv, base64, regexp, time. */
import {fromGoBytes, goBytes} from './bytes.js'
import {format as formatTime, utcInstant} from './gotime.js'
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
  return fromGoBytes(Buffer.from(bytes))
}

export function encodeBase64(text: string, url: boolean): string {
  const encoded = goBytes(text).toString('base64')
  return url ? encoded.replaceAll('+', '-').replaceAll('/', '_') : encoded
}

/** time.Time.Format for a UTC time (consul-template's timestamp). */
export function formatGoTime(date: Date, layout: string): string {
  return formatTime(utcInstant(date), layout)
}

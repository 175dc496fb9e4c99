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

/**
 * base64.StdEncoding/URLEncoding.DecodeString: padding required, CR/LF ignored, and Go's error offsets, which
 * follow golang/go src/encoding/base64/base64.go decodeQuantum step by step.
 */
export function decodeBase64(text: string, url: boolean): string {
  const alphabet = url ? URL_ALPHABET : STD_ALPHABET
  const corrupt = (at: number): Error => new Error(`illegal base64 data at input byte ${at}`)
  const src = goBytes(text)
  const isNewline = (c: number): boolean => c === 0x0a || c === 0x0d
  const out: number[] = []
  let si = 0
  for (;;) {
    const dbuf = [0, 0, 0, 0]
    let dlen = 4
    let trailing: Error | undefined
    for (let j = 0; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return fromGoBytes(Buffer.from(out))
        // The encodings are padded, so a short quantum is corrupt.
        throw corrupt(si - j)
      }
      const c = src[si++]
      const value = c < 0x80 ? alphabet.indexOf(String.fromCharCode(c)) : -1
      if (value >= 0 && c !== 0x3d) {
        dbuf[j] = value
        continue
      }
      if (isNewline(c)) {
        j--
        continue
      }
      if (c !== 0x3d) throw corrupt(si - 1)
      // Padding: the end of the input.
      if (j < 2) throw corrupt(si - 1)
      if (j === 2) {
        // "==" is expected, the first "=" is already consumed.
        while (si < src.length && isNewline(src[si])) si++
        if (si === src.length) throw corrupt(src.length)
        if (src[si] !== 0x3d) throw corrupt(si - 1)
        si++
      }
      while (si < src.length && isNewline(src[si])) si++
      if (si < src.length) trailing = corrupt(si)
      dlen = j
      break
    }
    const n = (dbuf[0] << 18) | (dbuf[1] << 12) | (dbuf[2] << 6) | dbuf[3]
    out.push(...[(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff].slice(0, dlen - 1))
    if (trailing !== undefined) throw trailing
  }
}

export function encodeBase64(text: string, url: boolean): string {
  const encoded = goBytes(text).toString('base64')
  return url ? encoded.replaceAll('+', '-').replaceAll('/', '_') : encoded
}

/** time.Time.Format for a UTC time (consul-template's timestamp). */
export function formatGoTime(date: Date, layout: string): string {
  return formatTime(utcInstant(date), layout)
}

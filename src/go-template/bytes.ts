/**
 * Go strings are bytes, JavaScript strings UTF-16 text. vsi keeps a Go string as a JavaScript string whose valid
 * UTF-8 is the text it encodes and whose every other byte b (0x80-0xFF) is the lone surrogate U+DC00+b, as Python's
 * "surrogateescape" does. Lone surrogates never come out of valid UTF-8, so the mapping is exact both ways:
 * `goBytes(fromGoBytes(bytes))` is `bytes`.
 */

const ESCAPE_BASE = 0xdc00

/** The bytes of a Go string (what len counts, what slicing cuts and what the agent writes to a file). */
export function goBytes(text: string): Buffer {
  if (!/[\ud800-\udfff]/.test(text)) return Buffer.from(text, 'utf8')
  const parts: Buffer[] = []
  let run = ''
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && text.charCodeAt(i + 1) >= 0xdc00 && text.charCodeAt(i + 1) <= 0xdfff) {
      run += text.slice(i, i + 2)
      i++
    } else if (code >= ESCAPE_BASE + 0x80 && code <= ESCAPE_BASE + 0xff) {
      parts.push(Buffer.from(run, 'utf8'), Buffer.from([code - ESCAPE_BASE]))
      run = ''
    } else run += text[i]
  }
  parts.push(Buffer.from(run, 'utf8'))
  return Buffer.concat(parts)
}

/** The length in bytes of a UTF-8 sequence starting with `lead`, and the range its second byte must be in. */
export function utf8SequenceLength(bytes: Uint8Array, at: number): number {
  const lead = bytes[at]
  const [length, low, high] =
    lead >= 0xc2 && lead <= 0xdf ? [2, 0x80, 0xbf]
    : lead === 0xe0 ? [3, 0xa0, 0xbf]
    : lead === 0xed ? [3, 0x80, 0x9f]
    : lead >= 0xe1 && lead <= 0xef ? [3, 0x80, 0xbf]
    : lead === 0xf0 ? [4, 0x90, 0xbf]
    : lead === 0xf4 ? [4, 0x80, 0x8f]
    : lead >= 0xf1 && lead <= 0xf3 ? [4, 0x80, 0xbf]
    : [0, 0, 0]
  if (length === 0 || at + length > bytes.length) return 0
  if (bytes[at + 1] < low || bytes[at + 1] > high) return 0
  for (let k = 2; k < length; k++) if (bytes[at + k] < 0x80 || bytes[at + k] > 0xbf) return 0
  return length
}

/** A Go string from bytes: valid UTF-8 as text, each byte of an invalid sequence escaped (utf8.DecodeRune's width 1). */
export function fromGoBytes(bytes: Uint8Array): string {
  let out = ''
  let start = 0
  let i = 0
  while (i < bytes.length) {
    if (bytes[i] < 0x80) {
      i++
      continue
    }
    const length = utf8SequenceLength(bytes, i)
    if (length > 0) {
      i += length
      continue
    }
    out += Buffer.from(bytes.subarray(start, i)).toString('utf8') + String.fromCharCode(ESCAPE_BASE + bytes[i])
    i++
    start = i
  }
  return out + Buffer.from(bytes.subarray(start)).toString('utf8')
}

/** Whether a Go string holds bytes that are not UTF-8. */
export const hasInvalidUtf8 = (text: string): boolean => /[\udc80-\udcff]/.test(text) && goBytes(text).toString('utf8') !== text

/** The string as Go's range, []rune and utf8 functions see it: each invalid byte is U+FFFD. */
export const validUtf8 = (text: string): string => text.replace(/(?<![\ud800-\udbff])[\udc80-\udcff]/g, '\uFFFD')

/** The same bytes, with escaped bytes that now form UTF-8 (a string printed in parts, `"\xe2\x82" "\xac"`) as text. */
export const normalizeGoString = (text: string): string => (/[\udc80-\udcff]/.test(text) ? fromGoBytes(goBytes(text)) : text)

/** Go's strconv quoting and unquoting, which template error messages and string literals depend on. */

import {fromGoBytes, normalizeGoString} from './bytes.js'

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}\u0020]$/u

/** unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export function isPrint(char: string): boolean {
  return PRINTABLE.test(char)
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\u0007': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '\\': '\\\\',
}

/** strconv.Quote (or QuoteRune when quote is `'`); asciiOnly gives QuoteToASCII. */
export function goQuote(text: string, quote: '"' | "'" = '"', asciiOnly = false): string {
  let out = quote
  for (const char of normalizeGoString(text)) {
    const code = char.codePointAt(0)!
    if (char === quote) out += '\\' + char
    else if (SIMPLE_ESCAPES[char]) out += SIMPLE_ESCAPES[char]
    else if (isPrint(char) && !(asciiOnly && code > 0x7e)) out += char
    else if (code < 0x80) out += '\\x' + hex(code, 2)
    // A byte that is not UTF-8 (see bytes.ts) is written as Go writes it; other lone surrogates cannot come from Go.
    else if (code >= 0xdc80 && code <= 0xdcff) out += '\\x' + hex(code - 0xdc00, 2)
    else if (code >= 0xd800 && code <= 0xdfff) out += '\\ufffd'
    else if (code < 0x10000) out += '\\u' + hex(code, 4)
    else out += '\\U' + hex(code, 8)
  }
  return out + quote
}

/** fmt's %#U: `U+0041 'A'` (the rune is shown only when printable). */
export function formatRuneU(code: number, withChar = true): string {
  const base = 'U+' + code.toString(16).toUpperCase().padStart(4, '0')
  const char = String.fromCodePoint(code)
  return withChar && isPrint(char) ? `${base} '${char}'` : base
}

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, '0')
}

/** Go's `%.10q...` used by the parser to show long tokens. */
export function quoteTruncated(text: string, max: number): string {
  return goQuote([...text].slice(0, max).join(''))
}

export class UnquoteError extends Error {
  constructor() {
    super('invalid syntax')
  }
}

/** strconv.UnquoteChar: decodes one (possibly escaped) character, returning it and the rest of the input. */
export function unquoteChar(text: string, quote: string): {value: number; tail: string} {
  const first = text.codePointAt(0)
  if (first === undefined || text[0] === quote && (quote === "'" || quote === '"')) throw new UnquoteError()
  if (text[0] !== '\\') {
    const char = String.fromCodePoint(first)
    return {value: first, tail: text.slice(char.length)}
  }
  if (text.length < 2) throw new UnquoteError()
  const escape = text[1]
  const rest = text.slice(2)
  const simple: Record<string, number> = {a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92}
  if (escape in simple) return {value: simple[escape], tail: rest}
  if (escape === "'" || escape === '"') {
    if (escape !== quote) throw new UnquoteError()
    return {value: escape.charCodeAt(0), tail: rest}
  }
  const hexLength = {x: 2, u: 4, U: 8}[escape as 'x' | 'u' | 'U']
  if (hexLength) {
    const digits = rest.slice(0, hexLength)
    if (!new RegExp(`^[0-9a-fA-F]{${hexLength}}$`).test(digits)) throw new UnquoteError()
    const value = parseInt(digits, 16)
    if (escape !== 'x' && (value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff))) throw new UnquoteError()
    return {value, tail: rest.slice(hexLength)}
  }
  if (/^[0-7]$/.test(escape)) {
    const digits = text.slice(1, 4)
    if (!/^[0-7]{3}$/.test(digits) || parseInt(digits, 8) > 255) throw new UnquoteError()
    return {value: parseInt(digits, 8), tail: text.slice(4)}
  }
  throw new UnquoteError()
}

/** strconv.Unquote for "..." and `...` literals. \x and octal escapes denote bytes, which need not be UTF-8. */
export function unquote(literal: string): string {
  const quote = literal[0]
  if (literal.length < 2 || literal[literal.length - 1] !== quote) throw new UnquoteError()
  const body = literal.slice(1, -1)
  if (quote === '`') {
    if (body.includes('`')) throw new UnquoteError()
    return body.replaceAll('\r', '')
  }
  if (quote !== '"' || body.includes('\n')) throw new UnquoteError()
  const bytes: number[] = []
  let rest = body
  while (rest.length > 0) {
    const isByteEscape = rest[0] === '\\' && (rest[1] === 'x' || /^[0-7]$/.test(rest[1] ?? ''))
    const {value, tail} = unquoteChar(rest, '"')
    if (isByteEscape) bytes.push(value)
    else bytes.push(...Buffer.from(String.fromCodePoint(value), 'utf8'))
    rest = tail
  }
  return fromGoBytes(Buffer.from(bytes))
}

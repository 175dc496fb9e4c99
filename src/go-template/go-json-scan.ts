/**
 * Go's encoding/json as `json.Unmarshal(data, &v)` with `var v interface{}` runs it (go1.19 src/encoding/json
 * scanner.go and decode.go): the whole input is checked first, byte by byte, by the scanner's state machine, whose
 * first error is the call's error (`invalid character 'x' looking for beginning of value`, `unexpected end of JSON
 * input`); only valid input is decoded, numbers as float64, objects as map[string]interface{} (a repeated key: the
 * last wins), arrays as []interface{}, strings with each invalid UTF-8 byte and each unpaired surrogate escape read as
 * U+FFFD. A number float64 cannot hold is an UnmarshalTypeError: decoding goes on, that value is nil.
 */
import {goBytes, utf8SequenceLength} from './bytes.js'
import {jsonArray} from './capacity.js'
import {goQuote} from './quote.js'

/** The scanner's stack of what the current composite value expects next (scanner.go parseObjectKey...). */
const enum Parse {
  ObjectKey,
  ObjectValue,
  ArrayValue,
}

/** encoding/json's maxNestingDepth. */
const MAX_NESTING_DEPTH = 10_000

/** scanner.go quoteChar: the byte as a rune in a Go character literal ('\'' and '"' as Go writes them). */
function quoteChar(c: number): string {
  if (c === 0x27) return String.raw`'\''`
  if (c === 0x22) return `'"'`
  const quoted = goQuote(String.fromCodePoint(c))
  return `'${quoted.slice(1, -1)}'`
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46)

class SyntaxError extends Error {}

type Step = (c: number) => void

/** scanner.go's state machine over bytes; `step` throws a SyntaxError with Go's text. */
class Scanner {
  step: Step = (c) => this.beginValue(c)
  endTop = false
  private readonly stack: Parse[] = []

  private error(c: number, context: string): never {
    throw new SyntaxError(`invalid character ${quoteChar(c)} ${context}`)
  }

  private push(c: number, state: Parse): void {
    this.stack.push(state)
    if (this.stack.length > MAX_NESTING_DEPTH) this.error(c, 'exceeded max depth')
  }

  private pop(): void {
    this.stack.pop()
    if (this.stack.length === 0) {
      this.step = (c) => this.endTopState(c)
      this.endTop = true
    } else this.step = (c) => this.endValue(c)
  }

  /** scanner.go eof: a last space ends a pending number or literal (`tru` fails on ' '). */
  eof(): void {
    if (this.endTop) return
    this.step(0x20)
    if (!this.endTop) throw new SyntaxError('unexpected end of JSON input')
  }

  private beginValueOrEmpty(c: number): void {
    if (isSpace(c)) return
    if (c === 0x5d) {
      this.endValue(c)
      return
    }
    this.beginValue(c)
  }

  beginValue(c: number): void {
    if (isSpace(c)) return
    switch (c) {
      case 0x7b: // {
        this.step = (d) => this.beginStringOrEmpty(d)
        this.push(c, Parse.ObjectKey)
        return
      case 0x5b: // [
        this.step = (d) => this.beginValueOrEmpty(d)
        this.push(c, Parse.ArrayValue)
        return
      case 0x22: // "
        this.step = (d) => this.inString(d)
        return
      case 0x2d: // -
        this.step = (d) => this.neg(d)
        return
      case 0x30: // 0
        this.step = (d) => this.zero(d)
        return
      case 0x74: // t
        this.step = this.literal('true', 1)
        return
      case 0x66: // f
        this.step = this.literal('false', 1)
        return
      case 0x6e: // n
        this.step = this.literal('null', 1)
        return
      default:
        if (c >= 0x31 && c <= 0x39) {
          this.step = (d) => this.one(d)
          return
        }
        this.error(c, 'looking for beginning of value')
    }
  }

  private beginStringOrEmpty(c: number): void {
    if (isSpace(c)) return
    if (c === 0x7d) {
      this.stack[this.stack.length - 1] = Parse.ObjectValue
      this.endValue(c)
      return
    }
    this.beginString(c)
  }

  private beginString(c: number): void {
    if (isSpace(c)) return
    if (c === 0x22) {
      this.step = (d) => this.inString(d)
      return
    }
    this.error(c, 'looking for beginning of object key string')
  }

  private endValue(c: number): void {
    const n = this.stack.length
    if (n === 0) {
      this.step = (d) => this.endTopState(d)
      this.endTop = true
      this.endTopState(c)
      return
    }
    if (isSpace(c)) {
      this.step = (d) => this.endValue(d)
      return
    }
    switch (this.stack[n - 1]) {
      case Parse.ObjectKey:
        if (c === 0x3a) {
          this.stack[n - 1] = Parse.ObjectValue
          this.step = (d) => this.beginValue(d)
          return
        }
        this.error(c, 'after object key')
      // eslint-disable-next-line no-fallthrough -- error throws
      case Parse.ObjectValue:
        if (c === 0x2c) {
          this.stack[n - 1] = Parse.ObjectKey
          this.step = (d) => this.beginString(d)
          return
        }
        if (c === 0x7d) {
          this.pop()
          return
        }
        this.error(c, 'after object key:value pair')
      // eslint-disable-next-line no-fallthrough -- error throws
      case Parse.ArrayValue:
        if (c === 0x2c) {
          this.step = (d) => this.beginValue(d)
          return
        }
        if (c === 0x5d) {
          this.pop()
          return
        }
        this.error(c, 'after array element')
    }
  }

  private endTopState(c: number): void {
    if (!isSpace(c)) this.error(c, 'after top-level value')
  }

  private inString(c: number): void {
    if (c === 0x22) {
      this.step = (d) => this.endValue(d)
      return
    }
    if (c === 0x5c) {
      this.step = (d) => this.inStringEsc(d)
      return
    }
    if (c < 0x20) this.error(c, 'in string literal')
  }

  private inStringEsc(c: number): void {
    if ('bfnrt\\/"'.includes(String.fromCharCode(c))) {
      this.step = (d) => this.inString(d)
      return
    }
    if (c === 0x75) {
      this.step = this.hexDigit(4)
      return
    }
    this.error(c, 'in string escape code')
  }

  private hexDigit(left: number): Step {
    return (c) => {
      if (!isHex(c)) this.error(c, String.raw`in \u hexadecimal character escape`)
      this.step = left === 1 ? (d) => this.inString(d) : this.hexDigit(left - 1)
    }
  }

  private neg(c: number): void {
    if (c === 0x30) {
      this.step = (d) => this.zero(d)
      return
    }
    if (c >= 0x31 && c <= 0x39) {
      this.step = (d) => this.one(d)
      return
    }
    this.error(c, 'in numeric literal')
  }

  private one(c: number): void {
    if (isDigit(c)) return
    this.zero(c)
  }

  private zero(c: number): void {
    if (c === 0x2e) {
      this.step = (d) => this.dot(d)
      return
    }
    if (c === 0x65 || c === 0x45) {
      this.step = (d) => this.exponent(d)
      return
    }
    this.endValue(c)
  }

  private dot(c: number): void {
    if (isDigit(c)) {
      this.step = (d) => this.dot0(d)
      return
    }
    this.error(c, 'after decimal point in numeric literal')
  }

  private dot0(c: number): void {
    if (isDigit(c)) return
    if (c === 0x65 || c === 0x45) {
      this.step = (d) => this.exponent(d)
      return
    }
    this.endValue(c)
  }

  private exponent(c: number): void {
    if (c === 0x2b || c === 0x2d) {
      this.step = (d) => this.exponentSign(d)
      return
    }
    this.exponentSign(c)
  }

  private exponentSign(c: number): void {
    if (isDigit(c)) {
      this.step = (d) => this.exponent0(d)
      return
    }
    this.error(c, 'in exponent of numeric literal')
  }

  private exponent0(c: number): void {
    if (isDigit(c)) return
    this.endValue(c)
  }

  /** stateT, stateTr, ... stateNul: the next letter of the literal, named in the error. */
  private literal(word: string, at: number): Step {
    return (c) => {
      const want = word.charCodeAt(at)
      if (c !== want) this.error(c, `in literal ${word} (expecting '${word[at]}')`)
      this.step = at + 1 === word.length ? (d) => this.endValue(d) : this.literal(word, at + 1)
    }
  }
}

/** encoding/json checkValid: Go's syntax error for the input, or undefined when it is valid JSON. */
export function goJsonSyntaxError(data: Uint8Array): string | undefined {
  const scanner = new Scanner()
  try {
    for (const c of data) scanner.step(c)
    scanner.eof()
    return undefined
  } catch (error) {
    if (error instanceof SyntaxError) return error.message
    throw error
  }
}

/** decode.go unquoteBytes: escapes read, invalid UTF-8 and unpaired surrogates as U+FFFD. */
function unquote(data: Uint8Array, start: number, end: number): string {
  let out = ''
  let i = start
  const hex4 = (at: number): number => {
    if (at + 6 > end || data[at] !== 0x5c || data[at + 1] !== 0x75) return -1
    const text = Buffer.from(data.subarray(at + 2, at + 6)).toString('latin1')
    return /^[\da-fA-F]{4}$/.test(text) ? Number.parseInt(text, 16) : -1
  }
  while (i < end) {
    const c = data[i]
    if (c === 0x5c) {
      const e = data[i + 1]
      if (e === 0x75) {
        let rune = hex4(i)
        i += 6
        if (rune >= 0xd800 && rune < 0xe000) {
          const low = hex4(i)
          if (rune < 0xdc00 && low >= 0xdc00 && low < 0xe000) {
            rune = 0x10000 + ((rune - 0xd800) << 10) + (low - 0xdc00)
            i += 6
          } else rune = 0xfffd
        }
        out += String.fromCodePoint(rune)
        continue
      }
      const simple: Record<number, string> = {0x62: '\b', 0x66: '\f', 0x6e: '\n', 0x72: '\r', 0x74: '\t', 0x5c: '\\', 0x2f: '/', 0x22: '"', 0x27: "'"}
      out += simple[e]
      i += 2
      continue
    }
    let j = i
    while (j < end && data[j] !== 0x5c) j++
    // Buffer's UTF-8 decoding replaces each maximal invalid subpart; Go's DecodeRune replaces byte by byte.
    out += decodeUtf8ByteWise(data.subarray(i, j))
    i = j
  }
  return out
}

/** UTF-8 to text with one U+FFFD per byte that starts no valid sequence, as Go's utf8.DecodeRune steps. */
function decodeUtf8ByteWise(bytes: Uint8Array): string {
  const text = Buffer.from(bytes).toString('utf8')
  if (!text.includes('\uFFFD')) return text
  let out = ''
  let i = 0
  while (i < bytes.length) {
    const length = bytes[i] < 0x80 ? 1 : utf8SequenceLength(bytes, i)
    if (length === 0) {
      out += '\uFFFD'
      i++
    } else {
      out += Buffer.from(bytes.subarray(i, i + length)).toString('utf8')
      i += length
    }
  }
  return out
}

/** The outcome of json.Unmarshal into an interface{}: the value (null for nil) and the error, if any. */
export interface GoJsonResult {
  value: unknown
  error?: string
}

/** json.Unmarshal([]byte(text), &v) with `var v interface{}`; `text` is a Go string as vsi keeps it. */
export function goJsonUnmarshal(text: string): GoJsonResult {
  const data = goBytes(text)
  const syntax = goJsonSyntaxError(data)
  if (syntax !== undefined) return {value: null, error: syntax}
  let at = 0
  let typeError: string | undefined
  const skipSpace = (): void => {
    while (at < data.length && isSpace(data[at])) at++
  }
  const stringEnd = (): number => {
    let i = at + 1
    while (data[i] !== 0x22) i += data[i] === 0x5c ? 2 : 1
    return i
  }
  const value = (): unknown => {
    skipSpace()
    const c = data[at]
    if (c === 0x7b) {
      at++
      const object: Record<string, unknown> = {}
      skipSpace()
      if (data[at] === 0x7d) {
        at++
        return object
      }
      for (;;) {
        skipSpace()
        const end = stringEnd()
        const key = unquote(data, at + 1, end)
        at = end + 1
        skipSpace()
        at++ // :
        Object.defineProperty(object, key, {value: value(), writable: true, enumerable: true, configurable: true})
        skipSpace()
        if (data[at++] === 0x7d) return object
      }
    }
    if (c === 0x5b) {
      at++
      const array: unknown[] = []
      skipSpace()
      if (data[at] === 0x5d) {
        at++
        return jsonArray(array)
      }
      for (;;) {
        array.push(value())
        skipSpace()
        if (data[at++] === 0x5d) return jsonArray(array)
      }
    }
    if (c === 0x22) {
      const end = stringEnd()
      const result = unquote(data, at + 1, end)
      at = end + 1
      return result
    }
    for (const [word, result] of [['true', true], ['false', false], ['null', null]] as const) {
      if (c === word.charCodeAt(0)) {
        at += word.length
        return result
      }
    }
    const start = at
    while (at < data.length && /[\d.eE+-]/.test(String.fromCharCode(data[at]))) at++
    const literal = Buffer.from(data.subarray(start, at)).toString('latin1')
    const number = Number(literal)
    if (Number.isFinite(number)) return number
    // decode.go convertNumber: strconv.ParseFloat's range error; the first error is the one returned.
    typeError ??= `json: cannot unmarshal number ${literal} into Go value of type float64`
    return null
  }
  const result = value()
  return typeError === undefined ? {value: result} : {value: result, error: typeError}
}

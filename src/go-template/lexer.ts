/**
 * The text/template lexer (text/template/parse/lex.go), state for state, so that tokens, trim markers and error
 * texts match Go's.
 */
import {TextPositions} from './positions.js'
import {formatRuneU, goQuote, isPrint, quoteTruncated} from './quote.js'

export enum T {
  Error,
  Bool,
  Char,
  CharConstant,
  Comment,
  Complex,
  Assign,
  Declare,
  EOF,
  Field,
  Identifier,
  LeftDelim,
  LeftParen,
  Number,
  Pipe,
  RawString,
  RightDelim,
  RightParen,
  Space,
  String,
  Text,
  Variable,
  Keyword, // keywords sort after this
  Block,
  Break,
  Continue,
  Dot,
  Define,
  Else,
  End,
  If,
  Nil,
  Range,
  Template,
  With,
}

const KEYWORDS: Record<string, T> = {
  '.': T.Dot,
  block: T.Block,
  break: T.Break,
  continue: T.Continue,
  define: T.Define,
  else: T.Else,
  end: T.End,
  if: T.If,
  range: T.Range,
  nil: T.Nil,
  template: T.Template,
  with: T.With,
}

export interface Item {
  type: T
  /** Offset in the template text (UTF-16 units). */
  pos: number
  val: string
  line: number
}

/** How Go prints a token in "unexpected X in Y" messages. */
export function itemString(item: Item): string {
  if (item.type === T.EOF) return 'EOF'
  if (item.type === T.Error) return item.val
  if (item.type > T.Keyword) return `<${item.val}>`
  if ([...item.val].length > 10) return quoteTruncated(item.val, 10) + '...'
  return goQuote(item.val)
}

const EOF = -1
const isSpace = (r: number): boolean => r === 0x20 || r === 0x09 || r === 0x0d || r === 0x0a
const isAlphaNumeric = (r: number): boolean => r === 0x5f || (r >= 0 && /[\p{L}\p{Nd}]/u.test(String.fromCodePoint(r)))
/** "- " right after a left delimiter; `at` is an offset in `s` (the lexer never copies the rest of its input). */
const hasLeftTrimMarker = (s: string, at: number): boolean => s[at] === '-' && isSpace(s.charCodeAt(at + 1))
const hasRightTrimMarker = (s: string, at: number): boolean => isSpace(s.charCodeAt(at)) && s[at + 1] === '-'
const TRIM_MARKER_LENGTH = 2
const LEFT_COMMENT = '/*'
const RIGHT_COMMENT = '*/'

type State = (l: Lexer) => State | Item

export class Lexer {
  // Public so that the state functions below (lex.go's stateFns) can drive the scan; not exported from index.ts.
  pos = 0
  start = 0
  parenDepth = 0
  insideAction = false
  private width = 0
  private readonly positions: TextPositions

  constructor(
    public input: string,
    readonly leftDelim = '{{',
    readonly rightDelim = '}}',
  ) {
    this.positions = new TextPositions(input)
  }

  lineAt(pos: number): number {
    return this.positions.line(pos)
  }

  nextItem(): Item {
    let state: State = this.insideAction ? lexInsideAction : lexText
    for (;;) {
      const next = state(this)
      if (typeof next !== 'function') return next
      state = next
    }
  }

  // --- primitives (lex.go's next/peek/backup/emit/ignore) ---

  next(): number {
    if (this.pos >= this.input.length) {
      this.width = 0
      return EOF
    }
    const r = this.input.codePointAt(this.pos)!
    this.width = r > 0xffff ? 2 : 1
    this.pos += this.width
    return r
  }

  peek(): number {
    const r = this.next()
    this.backup()
    return r
  }

  backup(): void {
    this.pos -= this.width
    this.width = 0
  }

  thisItem(type: T): Item {
    const item = {type, pos: this.start, val: this.input.slice(this.start, this.pos), line: this.lineAt(this.start)}
    this.start = this.pos
    return item
  }

  ignore(): void {
    this.start = this.pos
  }

  accept(valid: string): boolean {
    const r = this.next()
    if (r !== EOF && valid.includes(String.fromCodePoint(r))) return true
    this.backup()
    return false
  }

  acceptRun(valid: string): void {
    while (this.accept(valid));
  }

  /** Reports an error item and stops the scan, as lex.go's errorf does by emptying the input. */
  errorf(message: string): Item {
    const item = {type: T.Error, pos: this.start, val: message, line: this.lineAt(this.start)}
    this.input = ''
    this.pos = 0
    this.start = 0
    return item
  }

  startsWithAt(prefix: string, at = this.pos): boolean {
    return this.input.startsWith(prefix, at)
  }

  /** Length of the run of Go spaces (space, tab, CR, LF) starting at `at`. */
  spacesAt(at: number): number {
    let end = at
    while (end < this.input.length && isSpace(this.input.charCodeAt(end))) end++
    return end - at
  }

  atRightDelim(): {delim: boolean; trimSpaces: boolean} {
    if (hasRightTrimMarker(this.input, this.pos) && this.startsWithAt(this.rightDelim, this.pos + TRIM_MARKER_LENGTH)) {
      return {delim: true, trimSpaces: true}
    }
    return {delim: this.startsWithAt(this.rightDelim), trimSpaces: false}
  }

  /** Reports whether the next character can end an identifier, field or variable. */
  atTerminator(): boolean {
    const r = this.peek()
    if (isSpace(r)) return true
    if (r === EOF || '.,|:)('.includes(String.fromCodePoint(r))) return true
    return this.startsWithAt(this.rightDelim)
  }

  scanNumber(): boolean {
    this.accept('+-')
    let digits = '0123456789_'
    if (this.accept('0')) {
      if (this.accept('xX')) digits = '0123456789abcdefABCDEF_'
      else if (this.accept('oO')) digits = '01234567_'
      else if (this.accept('bB')) digits = '01_'
    }
    this.acceptRun(digits)
    if (this.accept('.')) this.acceptRun(digits)
    if (digits.length === 11 && this.accept('eE')) {
      this.accept('+-')
      this.acceptRun('0123456789_')
    }
    if (digits.length === 23 && this.accept('pP')) {
      this.accept('+-')
      this.acceptRun('0123456789_')
    }
    this.accept('i')
    if (isAlphaNumeric(this.peek())) {
      this.next()
      return false
    }
    return true
  }
}

function lexText(l: Lexer): State | Item {
  const x = l.input.indexOf(l.leftDelim, l.pos)
  if (x >= 0) {
    if (x > l.pos) {
      l.pos = x
      let trimLength = 0
      if (hasLeftTrimMarker(l.input, l.pos + l.leftDelim.length)) {
        const text = l.input.slice(l.start, l.pos)
        trimLength = text.length - text.replace(/[ \t\r\n]+$/, '').length
      }
      l.pos -= trimLength
      const item = l.thisItem(T.Text)
      l.pos += trimLength
      l.ignore()
      if (item.val.length > 0) return item
    }
    return lexLeftDelim
  }
  l.pos = l.input.length
  if (l.pos > l.start) return l.thisItem(T.Text)
  return l.thisItem(T.EOF)
}

function lexLeftDelim(l: Lexer): State | Item {
  l.pos += l.leftDelim.length
  const afterMarker = hasLeftTrimMarker(l.input, l.pos) ? TRIM_MARKER_LENGTH : 0
  if (l.startsWithAt(LEFT_COMMENT, l.pos + afterMarker)) {
    l.pos += afterMarker
    l.ignore()
    return lexComment
  }
  const item = l.thisItem(T.LeftDelim)
  l.insideAction = true
  l.pos += afterMarker
  l.ignore()
  l.parenDepth = 0
  return item
}

function lexComment(l: Lexer): State | Item {
  l.pos += LEFT_COMMENT.length
  const x = l.input.indexOf(RIGHT_COMMENT, l.pos)
  if (x < 0) return l.errorf('unclosed comment')
  l.pos = x + RIGHT_COMMENT.length
  const {delim, trimSpaces} = l.atRightDelim()
  if (!delim) return l.errorf('comment ends before closing delimiter')
  if (trimSpaces) l.pos += TRIM_MARKER_LENGTH
  l.pos += l.rightDelim.length
  if (trimSpaces) l.pos += l.spacesAt(l.pos)
  l.ignore()
  return lexText
}

function lexRightDelim(l: Lexer): State | Item {
  const {trimSpaces} = l.atRightDelim()
  if (trimSpaces) {
    l.pos += TRIM_MARKER_LENGTH
    l.ignore()
  }
  l.pos += l.rightDelim.length
  const item = l.thisItem(T.RightDelim)
  if (trimSpaces) {
    l.pos += l.spacesAt(l.pos)
    l.ignore()
  }
  l.insideAction = false
  return item
}

function lexInsideAction(l: Lexer): State | Item {
  if (l.atRightDelim().delim) {
    if (l.parenDepth === 0) return lexRightDelim
    return l.errorf('unclosed left paren')
  }
  const r = l.next()
  if (r === EOF) return l.errorf('unclosed action')
  if (isSpace(r)) {
    l.backup() // put the space back in case it starts " -}}"
    return lexSpace
  }
  const char = String.fromCodePoint(r)
  switch (char) {
    case '=':
      return l.thisItem(T.Assign)
    case ':':
      if (l.next() !== 0x3d) return l.errorf('expected :=')
      return l.thisItem(T.Declare)
    case '|':
      return l.thisItem(T.Pipe)
    case '"':
      return lexQuote
    case '`':
      return lexRawQuote
    case '$':
      return lexVariable
    case "'":
      return lexChar
    case '(':
      l.parenDepth++
      return l.thisItem(T.LeftParen)
    case ')':
      l.parenDepth--
      if (l.parenDepth < 0) return l.errorf('unexpected right paren')
      return l.thisItem(T.RightParen)
  }
  if (char === '.') {
    const following = l.input.charCodeAt(l.pos)
    if (l.pos < l.input.length && (following < 0x30 || following > 0x39)) return lexField
  }
  if (char === '.' || char === '+' || char === '-' || (r >= 0x30 && r <= 0x39)) {
    l.backup()
    return lexNumber
  }
  if (isAlphaNumeric(r)) {
    l.backup()
    return lexIdentifier
  }
  if (r <= 0x7f && isPrint(char)) return l.thisItem(T.Char)
  return l.errorf(`unrecognized character in action: ${formatRuneU(r)}`)
}

function lexSpace(l: Lexer): State | Item {
  let numSpaces = 0
  while (isSpace(l.peek())) {
    l.next()
    numSpaces++
  }
  // A trim-marked right delimiter starts with a space: leave that space to the delimiter.
  if (hasRightTrimMarker(l.input, l.pos - 1) && l.startsWithAt(l.rightDelim, l.pos - 1 + TRIM_MARKER_LENGTH)) {
    l.pos--
    if (numSpaces === 1) return lexRightDelim
  }
  return l.thisItem(T.Space)
}

function lexIdentifier(l: Lexer): State | Item {
  for (;;) {
    const r = l.next()
    if (isAlphaNumeric(r)) continue
    l.backup()
    const word = l.input.slice(l.start, l.pos)
    if (!l.atTerminator()) return l.errorf(`bad character ${formatRuneU(r)}`)
    if (KEYWORDS[word] !== undefined && word !== '.') return l.thisItem(KEYWORDS[word])
    if (word === 'true' || word === 'false') return l.thisItem(T.Bool)
    return l.thisItem(T.Identifier)
  }
}

function lexField(l: Lexer): State | Item {
  return lexFieldOrVariable(l, T.Field)
}

function lexVariable(l: Lexer): State | Item {
  if (l.atTerminator()) return l.thisItem(T.Variable) // just "$"
  return lexFieldOrVariable(l, T.Variable)
}

function lexFieldOrVariable(l: Lexer, type: T): State | Item {
  if (l.atTerminator()) return l.thisItem(type === T.Variable ? T.Variable : T.Dot)
  let r: number
  for (;;) {
    r = l.next()
    if (!isAlphaNumeric(r)) {
      l.backup()
      break
    }
  }
  if (!l.atTerminator()) return l.errorf(`bad character ${formatRuneU(r)}`)
  return l.thisItem(type)
}

function lexChar(l: Lexer): State | Item {
  return lexQuoted(l, "'", T.CharConstant, 'unterminated character constant')
}

function lexQuote(l: Lexer): State | Item {
  return lexQuoted(l, '"', T.String, 'unterminated quoted string')
}

function lexQuoted(l: Lexer, quote: string, type: T, unterminated: string): State | Item {
  for (;;) {
    const r = l.next()
    if (r === 0x5c) {
      const escaped = l.next()
      if (escaped !== EOF && escaped !== 0x0a) continue
      return l.errorf(unterminated)
    }
    if (r === EOF || r === 0x0a) return l.errorf(unterminated)
    if (String.fromCodePoint(r) === quote) return l.thisItem(type)
  }
}

function lexRawQuote(l: Lexer): State | Item {
  for (;;) {
    const r = l.next()
    if (r === EOF) return l.errorf('unterminated raw quoted string')
    if (r === 0x60) return l.thisItem(T.RawString)
  }
}

function lexNumber(l: Lexer): State | Item {
  if (!l.scanNumber()) return l.errorf(`bad number syntax: ${goQuote(l.input.slice(l.start, l.pos))}`)
  const sign = l.peek()
  if (sign === 0x2b || sign === 0x2d) {
    if (!l.scanNumber() || l.input[l.pos - 1] !== 'i') {
      return l.errorf(`bad number syntax: ${goQuote(l.input.slice(l.start, l.pos))}`)
    }
    return l.thisItem(T.Complex)
  }
  return l.thisItem(T.Number)
}

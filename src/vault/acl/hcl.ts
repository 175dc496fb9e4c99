// A parser for the HCL v1 syntax that Vault policies use (hashicorp/hcl v1 hcl/scanner +
// hcl/parser), including its JSON form, producing the same shape of syntax tree: an object
// list of items, each with one or more keys and a value. Error texts follow the v1 parser:
// parser errors are "At <line>:<col>: <msg>", scanner errors "<line>:<col>: <msg>".

export interface Pos {
  offset: number
  line: number
  column: number
}

export type HclValue =
  | {kind: 'literal'; type: 'STRING' | 'NUMBER' | 'FLOAT' | 'BOOL' | 'HEREDOC'; value: string | number | boolean; pos: Pos}
  | {kind: 'list'; items: HclValue[]; pos: Pos}
  | {kind: 'object'; list: HclItem[]; pos: Pos}

export interface HclItem {
  keys: {text: string; value: string; pos: Pos}[]
  /** Position of `=`; line 0 when the item is a block (`key { … }`), as in hcl's ast. */
  assign: Pos
  value: HclValue
}

export class HclError extends Error {}

type TokenType =
  | 'EOF'
  | 'ILLEGAL'
  | 'IDENT'
  | 'NUMBER'
  | 'FLOAT'
  | 'BOOL'
  | 'STRING'
  | 'HEREDOC'
  | 'LBRACK'
  | 'LBRACE'
  | 'COMMA'
  | 'PERIOD'
  | 'RBRACK'
  | 'RBRACE'
  | 'ASSIGN'
  | 'ADD'
  | 'SUB'

interface Token {
  type: TokenType
  pos: Pos
  text: string
}

const NO_POS: Pos = {offset: 0, line: 0, column: 0}
const posText = (p: Pos): string => `${p.line}:${p.column}`

class Scanner {
  private offset = 0
  private line = 1
  private column = 1
  /** Position of the character read last: where hcl's scanner reports its errors. */
  private last: Pos = {offset: 0, line: 1, column: 1}

  constructor(private readonly src: string) {}

  private peek(ahead = 0): string {
    return this.src[this.offset + ahead] ?? ''
  }

  private next(): string {
    const ch = this.src[this.offset] ?? ''
    if (ch === '') return ''
    this.last = this.here()
    this.offset++
    if (ch === '\n') {
      this.line++
      this.column = 1
    } else {
      this.column++
    }
    return ch
  }

  private here(): Pos {
    return {offset: this.offset, line: this.line, column: this.column}
  }

  private fail(msg: string): never {
    throw new HclError(`${posText(this.last)}: ${msg}`)
  }

  scan(): Token {
    this.skipSpaceAndComments()
    const pos = this.here()
    const ch = this.peek()
    const text = (start: number): string => this.src.slice(start, this.offset)
    if (ch === '') return {type: 'EOF', pos, text: ''}
    if (/[A-Za-z_]/.test(ch)) {
      while (/[A-Za-z0-9_\-.:]/.test(this.peek())) this.next()
      const word = text(pos.offset)
      return {type: word === 'true' || word === 'false' ? 'BOOL' : 'IDENT', pos, text: word}
    }
    if (/[0-9]/.test(ch) || (ch === '-' && /[0-9]/.test(this.peek(1)))) {
      this.next()
      while (/[0-9xXa-fA-F]/.test(this.peek())) this.next()
      let type: TokenType = 'NUMBER'
      if (this.peek() === '.' || this.peek() === 'e' || this.peek() === 'E') {
        type = 'FLOAT'
        this.next()
        while (/[0-9eE+-]/.test(this.peek())) this.next()
      }
      return {type, pos, text: text(pos.offset)}
    }
    if (ch === '"') return this.scanString(pos)
    if (ch === '<' && this.peek(1) === '<') return this.scanHeredoc(pos)
    const single: Record<string, TokenType> = {
      '[': 'LBRACK',
      ']': 'RBRACK',
      '{': 'LBRACE',
      '}': 'RBRACE',
      ',': 'COMMA',
      '.': 'PERIOD',
      '=': 'ASSIGN',
      '+': 'ADD',
      '-': 'SUB',
    }
    this.next()
    const type = single[ch]
    if (type === undefined) this.fail('illegal char')
    return {type, pos, text: ch}
  }

  private skipSpaceAndComments(): void {
    for (;;) {
      const ch = this.peek()
      if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
        this.next()
      } else if (ch === '#' || (ch === '/' && this.peek(1) === '/')) {
        while (this.peek() !== '\n' && this.peek() !== '') this.next()
      } else if (ch === '/' && this.peek(1) === '*') {
        this.next()
        this.next()
        while (!(this.peek() === '*' && this.peek(1) === '/')) {
          if (this.next() === '') this.fail('comment not terminated')
        }
        this.next()
        this.next()
      } else {
        return
      }
    }
  }

  private scanString(pos: Pos): Token {
    this.next()
    let braces = 0
    for (;;) {
      const ch = this.next()
      if (ch === '' || (ch === '\n' && braces === 0)) this.fail('literal not terminated')
      if (ch === '"' && braces === 0) break
      if (ch === '$' && this.peek() === '{') {
        braces++
        this.next()
      } else if (ch === '}' && braces > 0) {
        braces--
      } else if (ch === '\\') {
        this.next()
      }
    }
    return {type: 'STRING', pos, text: this.src.slice(pos.offset, this.offset)}
  }

  private scanHeredoc(pos: Pos): Token {
    this.next()
    this.next()
    const indented = this.peek() === '-'
    if (indented) this.next()
    const anchorStart = this.offset
    while (/[A-Za-z0-9_]/.test(this.peek())) this.next()
    const anchor = this.src.slice(anchorStart, this.offset)
    if (anchor === '' || this.peek() !== '\n') this.fail('heredoc expected marker')
    this.next()
    for (;;) {
      const lineStart = this.offset
      while (this.peek() !== '\n' && this.peek() !== '') this.next()
      const line = this.src.slice(lineStart, this.offset)
      if ((indented ? line.trim() : line) === anchor) break
      if (this.next() === '') this.fail('heredoc not terminated')
    }
    return {type: 'HEREDOC', pos, text: this.src.slice(pos.offset, this.offset)}
  }
}

class EofError extends Error {}

/** Parses HCL v1 (or its JSON form) into an object list. Throws HclError with hcl's message. */
export function parseHcl(src: string): HclItem[] {
  if (/^\s*\{/.test(src)) return parseJsonForm(src)
  return new Parser(src).objectList(false)
}

class Parser {
  private readonly scanner: Scanner
  private tok: Token = {type: 'EOF', pos: NO_POS, text: ''}
  private buffered = false

  constructor(src: string) {
    this.scanner = new Scanner(src)
  }

  private scan(): Token {
    if (this.buffered) {
      this.buffered = false
      return this.tok
    }
    this.tok = this.scanner.scan()
    return this.tok
  }

  private unscan(): void {
    this.buffered = true
  }

  private fail(pos: Pos, msg: string): never {
    throw new HclError(`At ${posText(pos)}: ${msg}`)
  }

  objectList(inObject: boolean): HclItem[] {
    const items: HclItem[] = []
    for (;;) {
      if (inObject) {
        const tok = this.scan()
        this.unscan()
        if (tok.type === 'RBRACE') break
      }
      let item: HclItem
      try {
        item = this.objectItem()
      } catch (error) {
        if (error instanceof EofError) break
        throw error
      }
      items.push(item)
      // Items may optionally be separated by commas.
      if (this.scan().type !== 'COMMA') this.unscan()
    }
    return items
  }

  private objectItem(): HclItem {
    const keys = this.objectKey()
    switch (this.tok.type) {
      case 'ASSIGN':
        return {keys, assign: this.tok.pos, value: this.value()}
      case 'LBRACE':
        return {keys, assign: NO_POS, value: this.objectType()}
      default: {
        const names = keys.map((k) => k.text).join(' ')
        return this.fail(this.tok.pos, `key '${names}' expected start of object ('{') or assignment ('=')`)
      }
    }
  }

  private objectKey(): HclItem['keys'] {
    const keys: HclItem['keys'] = []
    for (;;) {
      const tok = this.scan()
      switch (tok.type) {
        case 'EOF':
          if (keys.length === 0) throw new EofError()
          return keys
        case 'ASSIGN':
          if (keys.length > 1) this.fail(tok.pos, `nested object expected: LBRACE got: ${tok.type}`)
          if (keys.length === 0) this.fail(tok.pos, 'no object keys found!')
          return keys
        case 'LBRACE':
          return keys
        case 'IDENT':
        case 'STRING':
          keys.push({text: tok.text, value: tok.type === 'STRING' ? unquote(tok) : tok.text, pos: tok.pos})
          break
        case 'RBRACE':
          // Keys without a value at the end of an object: hcl reports the missing value.
          if (keys.length > 0) return keys
          this.fail(tok.pos, `expected: IDENT | STRING | ASSIGN | LBRACE got: ${tok.type}`)
          break
        default:
          this.fail(tok.pos, `expected: IDENT | STRING | ASSIGN | LBRACE got: ${tok.type}`)
      }
    }
  }

  private value(): HclValue {
    const tok = this.scan()
    switch (tok.type) {
      case 'NUMBER':
      case 'FLOAT':
      case 'BOOL':
      case 'STRING':
      case 'HEREDOC':
        return literal(tok)
      case 'LBRACE':
        return this.objectType()
      case 'LBRACK':
        return this.listType()
      case 'EOF':
        throw new EofError()
      default:
        return this.fail(
          tok.pos,
          `Unknown token: {Type:${tok.type} Pos:{Filename: Offset:${tok.pos.offset} Line:${tok.pos.line} Column:${tok.pos.column}} Text:${tok.text} JSON:false}`,
        )
    }
  }

  private objectType(): HclValue {
    const pos = this.tok.pos
    const list = this.objectList(true)
    const tok = this.scan()
    if (tok.type !== 'RBRACE') this.fail(tok.pos, `object expected closing RBRACE got: ${tok.type}`)
    return {kind: 'object', list, pos}
  }

  private listType(): HclValue {
    const pos = this.tok.pos
    const items: HclValue[] = []
    let needComma = false
    for (;;) {
      const tok = this.scan()
      if (needComma && tok.type !== 'COMMA' && tok.type !== 'RBRACK') {
        this.fail(tok.pos, `error parsing list, expected comma or list end, got: ${tok.type}`)
      }
      switch (tok.type) {
        case 'BOOL':
        case 'NUMBER':
        case 'FLOAT':
        case 'STRING':
        case 'HEREDOC':
          items.push(literal(tok))
          needComma = true
          break
        case 'COMMA':
          needComma = false
          break
        case 'LBRACE':
          items.push(this.objectType())
          needComma = true
          break
        case 'LBRACK':
          items.push(this.listType())
          needComma = true
          break
        case 'RBRACK':
          return {kind: 'list', items, pos}
        default:
          this.fail(tok.pos, `unexpected token while parsing list: ${tok.type}`)
      }
    }
  }
}

function literal(tok: Token): HclValue {
  switch (tok.type) {
    case 'BOOL':
      return {kind: 'literal', type: 'BOOL', value: tok.text === 'true', pos: tok.pos}
    case 'NUMBER':
    case 'FLOAT':
      return {kind: 'literal', type: tok.type, value: Number(tok.text), pos: tok.pos}
    case 'HEREDOC': {
      const marker = tok.text.indexOf('\n')
      const lastLine = tok.text.lastIndexOf('\n')
      return {kind: 'literal', type: 'HEREDOC', value: tok.text.slice(marker + 1, lastLine + 1), pos: tok.pos}
    }
    default:
      return {kind: 'literal', type: 'STRING', value: unquote(tok), pos: tok.pos}
  }
}

function unquote(tok: Token): string {
  const body = tok.text.slice(1, -1)
  return body.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{2}|.)/g, (_m, esc: string) => {
    switch (esc[0]) {
      case 'n':
        return '\n'
      case 't':
        return '\t'
      case 'r':
        return '\r'
      case 'u':
      case 'U':
      case 'x':
        return String.fromCodePoint(parseInt(esc.slice(1), 16))
      default:
        return esc
    }
  })
}

/**
 * hcl v1 reads a document that starts with `{` as JSON and flattens nested objects
 * whose values are all objects into multi-key items, so `{"path":{"a/*":{…}}}` reads like
 * `path "a/*" {…}`.
 */
function parseJsonForm(src: string): HclItem[] {
  let doc: unknown
  try {
    doc = JSON.parse(src)
  } catch (error) {
    throw new HclError(`At 1:1: ${(error as Error).message}`)
  }
  const pos: Pos = {offset: 0, line: 1, column: 1}
  const toValue = (v: unknown): HclValue => {
    if (Array.isArray(v)) return {kind: 'list', items: v.map(toValue), pos}
    if (v !== null && typeof v === 'object') return {kind: 'object', list: toItems(v as Record<string, unknown>), pos}
    if (typeof v === 'number') return {kind: 'literal', type: Number.isInteger(v) ? 'NUMBER' : 'FLOAT', value: v, pos}
    if (typeof v === 'boolean') return {kind: 'literal', type: 'BOOL', value: v, pos}
    return {kind: 'literal', type: 'STRING', value: String(v ?? ''), pos}
  }
  const toItems = (obj: Record<string, unknown>): HclItem[] =>
    Object.entries(obj).flatMap(([key, v]) => flatten([{text: JSON.stringify(key), value: key, pos}], v))
  const flatten = (keys: HclItem['keys'], v: unknown): HclItem[] => {
    const isObject = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x)
    if (isObject(v) && Object.keys(v).length > 0 && Object.values(v).every(isObject)) {
      return Object.entries(v).flatMap(([k, sub]) => flatten([...keys, {text: JSON.stringify(k), value: k, pos}], sub))
    }
    return [{keys, assign: pos, value: toValue(v)}]
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new HclError('At 1:1: expected an object')
  return toItems(doc as Record<string, unknown>)
}

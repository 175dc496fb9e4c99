// The emulator's own reader for the HCL 1 subset ACL policies use (hashicorp/hcl hcl/parser/parser.go, the
// version Vault's vault/policy.go parses with): `key "label" { … }` blocks, `key = value`, strings, numbers, bools,
// lists and objects, `#`, `//` and `/* */` comments. A JSON document is HCL too. Written apart from vsi's parser so
// the two can check each other.

export type Value =
  | {kind: 'literal'; value: string | number | boolean; line: number; column: number}
  | {kind: 'list'; items: Value[]; line: number; column: number}
  | {kind: 'object'; items: Item[]; line: number; column: number}

export interface Item {
  /** The key and the labels of a block: `path "secret/*" {` → ['path', 'secret/*']. */
  keys: string[]
  value: Value
  line: number
}

export class HclSyntaxError extends Error {}

interface Token {
  type: 'STRING' | 'NUMBER' | 'BOOL' | 'IDENT' | 'LBRACE' | 'RBRACE' | 'LBRACK' | 'RBRACK' | 'ASSIGN' | 'COMMA' | 'EOF'
  text: string
  line: number
  column: number
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = []
  let line = 1
  let column = 1
  let i = 0
  const advance = (n: number) => {
    for (let k = 0; k < n; k++) {
      if (source[i] === '\n') {
        line++
        column = 1
      } else column++
      i++
    }
  }
  const punct: Record<string, Token['type']> = {'{': 'LBRACE', '}': 'RBRACE', '[': 'LBRACK', ']': 'RBRACK', '=': 'ASSIGN', ':': 'ASSIGN', ',': 'COMMA'}
  while (i < source.length) {
    const c = source[i]!
    if (/\s/.test(c)) advance(1)
    else if (c === '#' || source.startsWith('//', i)) {
      while (i < source.length && source[i] !== '\n') advance(1)
    } else if (source.startsWith('/*', i)) {
      const end = source.indexOf('*/', i + 2)
      if (end < 0) throw new HclSyntaxError(`At ${line}:${column}: comment not terminated`)
      advance(end + 2 - i)
    } else if (punct[c] !== undefined) {
      tokens.push({type: punct[c], text: c, line, column})
      advance(1)
    } else if (c === '"') {
      const start = {line, column}
      let text = ''
      advance(1)
      while (source[i] !== '"') {
        if (i >= source.length || source[i] === '\n') throw new HclSyntaxError(`At ${start.line}:${start.column}: literal not terminated`)
        if (source[i] === '\\') {
          const escaped = source[i + 1]
          text += escaped === 'n' ? '\n' : escaped === 't' ? '\t' : (escaped ?? '')
          advance(2)
        } else {
          text += source[i]
          advance(1)
        }
      }
      advance(1)
      tokens.push({type: 'STRING', text, ...start})
    } else {
      const match = /^(-?\d+(\.\d+)?|[A-Za-z_][\w.-]*)/.exec(source.slice(i))
      if (!match) throw new HclSyntaxError(`At ${line}:${column}: illegal char`)
      const word = match[0]
      const type = /^-?\d/.test(word) ? 'NUMBER' : word === 'true' || word === 'false' ? 'BOOL' : 'IDENT'
      tokens.push({type, text: word, line, column})
      advance(word.length)
    }
  }
  tokens.push({type: 'EOF', text: '', line, column})
  return tokens
}

export function parseHclDocument(source: string): Item[] {
  const tokens = tokenize(source)
  let at = 0
  const peek = () => tokens[at]!
  const next = () => tokens[at++]!
  const fail = (token: Token, message: string): never => {
    throw new HclSyntaxError(`At ${token.line}:${token.column}: ${message}`)
  }

  const value = (): Value => {
    const token = next()
    switch (token.type) {
      case 'STRING':
      case 'IDENT':
        return {kind: 'literal', value: token.text, line: token.line, column: token.column}
      case 'NUMBER':
        return {kind: 'literal', value: Number(token.text), line: token.line, column: token.column}
      case 'BOOL':
        return {kind: 'literal', value: token.text === 'true', line: token.line, column: token.column}
      case 'LBRACK': {
        const items: Value[] = []
        while (peek().type !== 'RBRACK') {
          items.push(value())
          if (peek().type === 'COMMA') next()
          else if (peek().type !== 'RBRACK') fail(peek(), `error parsing list, expected comma or list end, got: ${peek().type}`)
        }
        next()
        return {kind: 'list', items, line: token.line, column: token.column}
      }
      case 'LBRACE': {
        const items = objectItems('RBRACE')
        return {kind: 'object', items, line: token.line, column: token.column}
      }
      default:
        return fail(token, `Unknown token: ${token.type}`)
    }
  }

  const objectItems = (end: 'RBRACE' | 'EOF'): Item[] => {
    const items: Item[] = []
    for (;;) {
      const token = peek()
      if (token.type === end) {
        if (end === 'RBRACE') next()
        return items
      }
      if (token.type === 'EOF') fail(token, 'object expected closing RBRACE got: EOF')
      if (token.type === 'COMMA') {
        next()
        continue
      }
      const keys: string[] = []
      while (peek().type === 'STRING' || peek().type === 'IDENT') keys.push(next().text)
      if (keys.length === 0) fail(peek(), `expected start of object ('{') or assignment ('='), got: ${peek().type}`)
      if (peek().type === 'ASSIGN') {
        next()
        items.push({keys, value: value(), line: token.line})
      } else if (peek().type === 'LBRACE') {
        items.push({keys, value: value(), line: token.line})
      } else {
        fail(peek(), `key '${keys.join(' ')}' expected start of object ('{') or assignment ('=')`)
      }
    }
  }

  const trimmed = source.trimStart()
  if (trimmed.startsWith('{')) {
    // A JSON policy: {"path": {"secret/*": {"capabilities": [...]}}} reads as `path "secret/*" {…}`.
    next()
    return flattenJson(objectItems('RBRACE'))
  }
  return objectItems('EOF')
}

/** JSON nests labels as objects; HCL 1 flattens `"path": {"a": {…}}` into the item `path "a" {…}`. */
function flattenJson(items: Item[]): Item[] {
  return items.flatMap((item) => {
    if (item.value.kind !== 'object' || item.keys[0] !== 'path') return [item]
    return item.value.items.map((inner) => ({keys: [...item.keys, ...inner.keys], value: inner.value, line: inner.line}))
  })
}

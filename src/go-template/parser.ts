/**
 * The text/template parser (text/template/parse/parse.go): same grammar, same three-token lookahead and the same
 * error texts, so that line numbers and messages agree with what Vault Agent logs.
 */
import type {BranchNode, CommandNode, ListNode, Node, PipeNode, Tree, VariableNode} from './ast.js'
import {nodeString} from './ast.js'
import {TemplateSyntaxError} from './errors.js'
import type {Item} from './lexer.js'
import {itemString, Lexer, T} from './lexer.js'
import {parseNumberLiteral} from './numbers.js'
import {goQuote, unquote} from './quote.js'
import {TextPositions} from './positions.js'

export interface ParseOptions {
  /** Template name used in messages; consul-template (and so Vault Agent) uses "". */
  name?: string
  leftDelim?: string
  rightDelim?: string
}

export interface Shared {
  lex: Lexer
  trees: Map<string, Tree>
  parseName: string
  positions: TextPositions
  hasFunction: (name: string) => boolean
}

const NO_ITEM: Item = {type: T.EOF, pos: 0, val: '', line: 0}

const OPERAND_START = new Set([
  T.Bool, T.CharConstant, T.Complex, T.Dot, T.Field, T.Identifier, T.Number, T.Nil, T.RawString, T.String, T.Variable,
  T.LeftParen,
])

export function parseTrees(text: string, hasFunction: (name: string) => boolean, options: ParseOptions = {}) {
  const shared: Shared = {
    lex: new Lexer(text, options.leftDelim || '{{', options.rightDelim || '}}'),
    trees: new Map(),
    parseName: options.name ?? '',
    positions: new TextPositions(text),
    hasFunction,
  }
  const main = new TreeParser(shared, shared.parseName)
  main.add(main.parseTop())
  return {trees: shared.trees, positions: shared.positions}
}

class TreeParser {
  private readonly token: Item[] = [NO_ITEM, NO_ITEM, NO_ITEM]
  private peekCount = 0
  private vars = ['$']
  private actionLine = 0
  private rangeDepth = 0

  constructor(
    private readonly shared: Shared,
    private name: string,
  ) {}

  // --- token stream ---

  private next(): Item {
    if (this.peekCount > 0) this.peekCount--
    else this.token[0] = this.shared.lex.nextItem()
    return this.token[this.peekCount]
  }

  private backup(): void {
    this.peekCount++
  }

  private backup2(t1: Item): void {
    this.token[1] = t1
    this.peekCount = 2
  }

  private backup3(t2: Item, t1: Item): void {
    this.token[1] = t1
    this.token[2] = t2
    this.peekCount = 3
  }

  private peek(): Item {
    if (this.peekCount > 0) return this.token[this.peekCount - 1]
    this.peekCount = 1
    this.token[0] = this.shared.lex.nextItem()
    return this.token[0]
  }

  private nextNonSpace(): Item {
    let token: Item
    do token = this.next()
    while (token.type === T.Space)
    return token
  }

  private peekNonSpace(): Item {
    const token = this.nextNonSpace()
    this.backup()
    return token
  }

  // --- errors ---

  private errorf(message: string): never {
    const {line, pos} = this.token[0]
    const {col} = this.shared.positions.at(pos)
    throw new TemplateSyntaxError(`template: ${this.shared.parseName}:${line}: ${message}`, line, col)
  }

  private expect(expected: T, context: string): Item {
    const token = this.nextNonSpace()
    if (token.type !== expected) this.unexpected(token, context)
    return token
  }

  private unexpected(token: Item, context: string): never {
    if (token.type === T.Error) {
      let extra = ''
      if (this.actionLine !== 0 && this.actionLine !== token.line) {
        extra = ` in action started at ${this.shared.parseName}:${this.actionLine}`
        if (token.val.endsWith(' action')) extra = extra.slice(' in action'.length)
      }
      this.errorf(itemString(token) + extra)
    }
    this.errorf(`unexpected ${itemString(token)} in ${context}`)
  }

  // --- top level ---

  parseTop(): ListNode {
    const root: ListNode = {kind: 'list', pos: this.peek().pos, nodes: []}
    while (this.peek().type !== T.EOF) {
      if (this.peek().type === T.LeftDelim) {
        const delim = this.next()
        if (this.nextNonSpace().type === T.Define) {
          new TreeParser(this.shared, 'definition').parseDefinition()
          continue
        }
        this.backup2(delim)
      }
      const node = this.textOrAction()
      if (node.kind === 'end' || node.kind === 'else') this.errorf(`unexpected ${nodeString(node)}`)
      root.nodes.push(node)
    }
    return root
  }

  add(root: ListNode): void {
    const existing = this.shared.trees.get(this.name)
    if (!existing || isEmptyTree(existing.root)) {
      this.shared.trees.set(this.name, {name: this.name, root})
      return
    }
    if (!isEmptyTree(root)) this.errorf(`template: multiple definition of template ${goQuote(this.name)}`)
  }

  private parseDefinition(): void {
    const context = 'define clause'
    const token = this.nextNonSpace()
    if (token.type !== T.String && token.type !== T.RawString) this.unexpected(token, context)
    this.name = this.unquoted(token.val)
    this.expect(T.RightDelim, context)
    const [root, end] = this.itemList()
    if (end.kind !== 'end') this.errorf(`unexpected ${nodeString(end)} in ${context}`)
    this.add(root)
  }

  private itemList(): [ListNode, Node] {
    const list: ListNode = {kind: 'list', pos: this.peekNonSpace().pos, nodes: []}
    while (this.peekNonSpace().type !== T.EOF) {
      const node = this.textOrAction()
      if (node.kind === 'end' || node.kind === 'else') return [list, node]
      list.nodes.push(node)
    }
    this.errorf('unexpected EOF')
  }

  private textOrAction(): Node {
    const token = this.nextNonSpace()
    switch (token.type) {
      case T.Text:
        return {kind: 'text', pos: token.pos, text: token.val}
      case T.LeftDelim:
        this.actionLine = token.line
        try {
          return this.action()
        } finally {
          this.actionLine = 0
        }
      case T.Comment:
        return {kind: 'comment', pos: token.pos, text: token.val}
      default:
        this.unexpected(token, 'input')
    }
  }

  private action(): Node {
    const token = this.nextNonSpace()
    switch (token.type) {
      case T.Block:
        return this.blockControl()
      case T.Break:
      case T.Continue:
        return this.loopControl(token)
      case T.Else:
        return this.elseControl()
      case T.End:
        return {kind: 'end', pos: this.expect(T.RightDelim, 'end').pos}
      case T.If:
        return this.branch('if')
      case T.Range:
        return this.branch('range')
      case T.Template:
        return this.templateControl()
      case T.With:
        return this.branch('with')
    }
    this.backup()
    const start = this.peek()
    return {kind: 'action', pos: start.pos, line: start.line, pipe: this.pipeline('command', T.RightDelim)}
  }

  private loopControl(keyword: Item): Node {
    const kind = keyword.type === T.Break ? 'break' : 'continue'
    const token = this.nextNonSpace()
    if (token.type !== T.RightDelim) this.unexpected(token, `{{${kind}}}`)
    if (this.rangeDepth === 0) this.errorf(`{{${kind}}} outside {{range}}`)
    return {kind, pos: keyword.pos, line: keyword.line}
  }

  // --- pipelines ---

  private pipeline(context: string, end: T): PipeNode {
    const start = this.peekNonSpace()
    const pipe: PipeNode = {kind: 'pipe', pos: start.pos, line: start.line, isAssign: false, decl: [], cmds: []}
    for (;;) {
      const variable = this.peekNonSpace()
      if (variable.type !== T.Variable) break
      this.next()
      // "$x foo" needs three tokens of lookahead to tell an argument from a declaration.
      const tokenAfterVariable = this.peek()
      const following = this.peekNonSpace()
      if (following.type === T.Assign || following.type === T.Declare) {
        pipe.isAssign = following.type === T.Assign
        this.nextNonSpace()
        pipe.decl.push(this.variableNode(variable.pos, variable.val))
        this.vars.push(variable.val)
        break
      }
      if (following.type === T.Char && following.val === ',') {
        this.nextNonSpace()
        pipe.decl.push(this.variableNode(variable.pos, variable.val))
        this.vars.push(variable.val)
        if (context === 'range' && pipe.decl.length < 2) {
          const afterComma = this.peekNonSpace().type
          if (afterComma === T.Variable || afterComma === T.RightDelim || afterComma === T.RightParen) continue
          this.errorf('range can only initialize variables')
        }
        this.errorf(`too many declarations in ${context}`)
      }
      if (tokenAfterVariable.type === T.Space) this.backup3(variable, tokenAfterVariable)
      else this.backup2(variable)
      break
    }
    for (;;) {
      const token = this.nextNonSpace()
      if (token.type === end) {
        this.checkPipeline(pipe, context)
        return pipe
      }
      if (!OPERAND_START.has(token.type)) this.unexpected(token, context)
      this.backup()
      pipe.cmds.push(this.command())
    }
  }

  private checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`)
    pipe.cmds.slice(1).forEach((cmd, i) => {
      if (['bool', 'dot', 'nil', 'number', 'string'].includes(cmd.args[0].kind)) {
        this.errorf(`non executable command in pipeline stage ${i + 2}`)
      }
    })
  }

  private branch(kind: 'if' | 'range' | 'with'): BranchNode {
    const varCount = this.vars.length
    try {
      const pipe = this.pipeline(kind, T.RightDelim)
      if (kind === 'range') this.rangeDepth++
      const [list, next] = this.itemList()
      if (kind === 'range') this.rangeDepth--
      let elseList: ListNode | null = null
      if (next.kind === 'else') {
        // {{else if x}} and {{else with x}} are read as {{else}}{{if x}}...{{end}}, sharing the outer {{end}}.
        const chained = this.peek().type
        if ((kind === 'if' && chained === T.If) || (kind === 'with' && chained === T.With)) {
          this.next()
          elseList = {kind: 'list', pos: next.pos, nodes: [this.branch(kind)]}
        } else {
          const [list2, end] = this.itemList()
          if (end.kind !== 'end') this.errorf(`expected end; found ${nodeString(end)}`)
          elseList = list2
        }
      }
      return {kind, pos: pipe.pos, line: pipe.line, pipe, list, elseList}
    } finally {
      this.vars.length = varCount
    }
  }

  private elseControl(): Node {
    const peek = this.peekNonSpace()
    if (peek.type === T.If || peek.type === T.With) return {kind: 'else', pos: peek.pos, line: peek.line}
    const token = this.expect(T.RightDelim, 'else')
    return {kind: 'else', pos: token.pos, line: token.line}
  }

  private blockControl(): Node {
    const context = 'block clause'
    const token = this.nextNonSpace()
    const name = this.templateName(token, context)
    const pipe = this.pipeline(context, T.RightDelim)
    const block = new TreeParser(this.shared, name)
    const [root, end] = block.itemList()
    if (end.kind !== 'end') this.errorf(`unexpected ${nodeString(end)} in ${context}`)
    block.add(root)
    return {kind: 'template', pos: token.pos, line: token.line, name, pipe}
  }

  private templateControl(): Node {
    const context = 'template clause'
    const token = this.nextNonSpace()
    const name = this.templateName(token, context)
    let pipe: PipeNode | null = null
    if (this.nextNonSpace().type !== T.RightDelim) {
      this.backup()
      pipe = this.pipeline(context, T.RightDelim)
    }
    return {kind: 'template', pos: token.pos, line: token.line, name, pipe}
  }

  private templateName(token: Item, context: string): string {
    if (token.type !== T.String && token.type !== T.RawString) this.unexpected(token, context)
    return this.unquoted(token.val)
  }

  private command(): CommandNode {
    const cmd: CommandNode = {kind: 'command', pos: this.peekNonSpace().pos, args: []}
    for (;;) {
      this.peekNonSpace()
      const operand = this.operand()
      if (operand) cmd.args.push(operand)
      const token = this.next()
      if (token.type === T.Space) continue
      if (token.type === T.RightDelim || token.type === T.RightParen) this.backup()
      else if (token.type !== T.Pipe) this.unexpected(token, 'operand')
      break
    }
    if (cmd.args.length === 0) this.errorf('empty command')
    return cmd
  }

  /** A term followed by any number of .Field accesses. */
  private operand(): Node | null {
    const node = this.term()
    if (!node || this.peek().type !== T.Field) return node
    const chainPos = this.peek().pos
    const fields: string[] = []
    while (this.peek().type === T.Field) fields.push(this.next().val.slice(1))
    switch (node.kind) {
      case 'field':
        return {kind: 'field', pos: chainPos, start: node.start, ident: [...node.ident, ...fields]}
      case 'variable':
        return {kind: 'variable', pos: chainPos, start: node.start, ident: [...node.ident, ...fields]}
      case 'bool':
      case 'string':
      case 'number':
      case 'nil':
      case 'dot':
        this.errorf(`unexpected . after term ${goQuote(nodeString(node))}`)
    }
    return {kind: 'chain', pos: chainPos, node, field: fields}
  }

  private term(): Node | null {
    const token = this.nextNonSpace()
    switch (token.type) {
      case T.Identifier:
        if (!this.shared.hasFunction(token.val)) this.errorf(`function ${goQuote(token.val)} not defined`)
        return {kind: 'identifier', pos: token.pos, ident: token.val}
      case T.Dot:
        return {kind: 'dot', pos: token.pos}
      case T.Nil:
        return {kind: 'nil', pos: token.pos}
      case T.Variable:
        return this.useVar(token.pos, token.val)
      case T.Field:
        return {kind: 'field', pos: token.pos, start: token.pos, ident: token.val.slice(1).split('.')}
      case T.Bool:
        return {kind: 'bool', pos: token.pos, value: token.val === 'true'}
      case T.CharConstant:
      case T.Complex:
      case T.Number:
        return {kind: 'number', pos: token.pos, number: this.numberLiteral(token)}
      case T.LeftParen:
        return this.pipeline('parenthesized pipeline', T.RightParen)
      case T.String:
      case T.RawString:
        return {kind: 'string', pos: token.pos, quoted: token.val, text: this.unquoted(token.val)}
    }
    this.backup()
    return null
  }

  private numberLiteral(token: Item) {
    const kind = token.type === T.CharConstant ? 'char' : token.type === T.Complex ? 'complex' : 'number'
    try {
      return parseNumberLiteral(token.val, kind)
    } catch (error) {
      this.errorf((error as Error).message)
    }
  }

  private unquoted(literal: string): string {
    try {
      return unquote(literal)
    } catch (error) {
      this.errorf((error as Error).message)
    }
  }

  private variableNode(pos: number, name: string): VariableNode {
    return {kind: 'variable', pos, start: pos, ident: name.split('.')}
  }

  private useVar(pos: number, name: string): VariableNode {
    const variable = this.variableNode(pos, name)
    if (!this.vars.includes(variable.ident[0])) this.errorf(`undefined variable ${goQuote(variable.ident[0])}`)
    return variable
  }
}

/** parse.IsEmptyTree: only whitespace text and comments. */
function isEmptyTree(node: Node): boolean {
  if (node.kind === 'list') return node.nodes.every(isEmptyTree)
  if (node.kind === 'text') return node.text.trim() === ''
  return node.kind === 'comment'
}

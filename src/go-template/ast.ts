/** Parse-tree nodes (text/template/parse/node.go) and their String() forms, which Go quotes in error messages. */
import {goQuote} from './quote.js'

export interface NumberValue {
  text: string
  isInt: boolean
  isUint: boolean
  isFloat: boolean
  isComplex: boolean
  int: bigint
  float: number
  /** The value of a complex constant (`1i`, `1+2i`). */
  complex?: {re: number; im: number}
}

interface Base {
  /** Offset of the node in the template text (UTF-16 units). */
  pos: number
}

export type Node =
  | (Base & {kind: 'list'; nodes: Node[]})
  | (Base & {kind: 'text'; text: string})
  | (Base & {kind: 'comment'; text: string})
  | (Base & {kind: 'action'; line: number; pipe: PipeNode})
  | PipeNode
  | CommandNode
  | (Base & {kind: 'identifier'; ident: string})
  | VariableNode
  | FieldNode
  | ChainNode
  | (Base & {kind: 'dot'})
  | (Base & {kind: 'nil'})
  | (Base & {kind: 'bool'; value: boolean})
  | (Base & {kind: 'number'; number: NumberValue})
  | StringNode
  | (Base & {kind: 'end'})
  | (Base & {kind: 'else'; line: number})
  | BranchNode
  | (Base & {kind: 'template'; line: number; name: string; pipe: PipeNode | null})
  | (Base & {kind: 'break' | 'continue'; line: number})

export type ListNode = Extract<Node, {kind: 'list'}>
export type PipeNode = Base & {kind: 'pipe'; line: number; isAssign: boolean; decl: VariableNode[]; cmds: CommandNode[]}
export type CommandNode = Base & {kind: 'command'; args: Node[]}
/** `start` is where the whole chain begins; Go's `pos` of a chained field points at its last-but-n segment. */
export type VariableNode = Base & {kind: 'variable'; ident: string[]; start: number}
export type FieldNode = Base & {kind: 'field'; ident: string[]; start: number}
export type ChainNode = Base & {kind: 'chain'; node: Node; field: string[]}
export type StringNode = Base & {kind: 'string'; quoted: string; text: string}
export type BranchNode = Base & {
  kind: 'if' | 'range' | 'with'
  line: number
  pipe: PipeNode
  list: ListNode
  elseList: ListNode | null
}

/** A parsed template: the main tree plus every {{define}}/{{block}}, keyed by name. */
export interface Tree {
  name: string
  root: ListNode
}

export function nodeString(node: Node): string {
  switch (node.kind) {
    case 'list':
      return node.nodes.map(nodeString).join('')
    case 'text':
      return node.text
    case 'comment':
      return `{{${node.text}}}`
    case 'action':
      return `{{${nodeString(node.pipe)}}}`
    case 'pipe': {
      const decl = node.decl.length ? node.decl.map(nodeString).join(', ') + (node.isAssign ? ' = ' : ' := ') : ''
      return decl + node.cmds.map(nodeString).join(' | ')
    }
    case 'command':
      return node.args.map((arg) => (arg.kind === 'pipe' ? `(${nodeString(arg)})` : nodeString(arg))).join(' ')
    case 'identifier':
      return node.ident
    case 'variable':
      return node.ident.join('.')
    case 'field':
      return node.ident.map((id) => '.' + id).join('')
    case 'chain': {
      const base = node.node.kind === 'pipe' ? `(${nodeString(node.node)})` : nodeString(node.node)
      return base + node.field.map((id) => '.' + id).join('')
    }
    case 'dot':
      return '.'
    case 'nil':
      return 'nil'
    case 'bool':
      return String(node.value)
    case 'number':
      return node.number.text
    case 'string':
      return node.quoted
    case 'end':
      return '{{end}}'
    case 'else':
      return '{{else}}'
    case 'if':
    case 'range':
    case 'with': {
      const elsePart = node.elseList ? `{{else}}${nodeString(node.elseList)}` : ''
      return `{{${node.kind} ${nodeString(node.pipe)}}}${nodeString(node.list)}${elsePart}{{end}}`
    }
    case 'template': {
      const name = goQuote(node.name)
      return node.pipe ? `{{template ${name} ${nodeString(node.pipe)}}}` : `{{template ${name}}}`
    }
    case 'break':
    case 'continue':
      return `{{${node.kind}}}`
  }
}

/** Visits every node of a tree, depth first, in source order. */
export function walkNodes(node: Node, visit: (node: Node) => void): void {
  visit(node)
  for (const child of childNodes(node)) walkNodes(child, visit)
}

function childNodes(node: Node): Node[] {
  switch (node.kind) {
    case 'list':
      return node.nodes
    case 'action':
      return [node.pipe]
    case 'pipe':
      return [...node.decl, ...node.cmds]
    case 'command':
      return node.args
    case 'chain':
      return [node.node]
    case 'if':
    case 'range':
    case 'with':
      return [node.pipe, node.list, ...(node.elseList ? [node.elseList] : [])]
    case 'template':
      return node.pipe ? [node.pipe] : []
    default:
      return []
  }
}

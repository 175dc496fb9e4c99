/** Static facts about a parsed template that lint and doctor checks need: which secrets it reads, which fields. */
import type {Node, PipeNode} from './ast.js'
import {walkNodes} from './ast.js'
import type {ParsedTemplate} from './template.js'

export interface SecretCall {
  path: string
  /** Literal `key=value` arguments (a write request when present). */
  params: string[]
  /** Position of the path literal, 1-based. */
  line: number
  col: number
}

export interface FieldReference {
  /** The fields as written: `.Data.data.username` gives ['Data', 'data', 'username']. */
  chain: string[]
  line: number
  col: number
  /** Path of the `secret` call whose result is dot here (`with secret "p"`) or the variable used (`$s := secret "p"`). */
  inSecretWith?: string
  /** The chain from the secret's root when known, e.g. ['Data', 'data', 'username'] for `.username` inside `with .Data.data`. */
  secretChain?: string[]
}

/** Where a value comes from: a secret, and the fields taken from it so far. */
interface Origin {
  secret: string
  chain: string[]
}

interface Scope {
  dot?: Origin
  vars: Map<string, Origin>
}

/** Every `secret "literal"` call, in source order. */
export function secretCalls(template: ParsedTemplate): SecretCall[] {
  const calls: SecretCall[] = []
  for (const node of allNodes(template)) {
    if (node.kind !== 'command') continue
    const [head, path, ...rest] = node.args
    if (head?.kind !== 'identifier' || head.ident !== 'secret' || path?.kind !== 'string') continue
    const params = rest.flatMap((arg) => (arg.kind === 'string' ? [arg.text] : []))
    calls.push({path: path.text, params, ...template.positions.at(path.pos)})
  }
  return calls.sort((a, b) => a.line - b.line || a.col - b.col).map(({path, params, line, col}) => ({path, params, line, col}))
}

/** Every field chain read by the template (`.A.B` and `$v.A.B`), with what it is known to read from. */
export function fieldReferences(template: ParsedTemplate): FieldReference[] {
  const refs: FieldReference[] = []
  const record = (chain: string[], pos: number, origin: Origin | undefined): void => {
    const {line, col} = template.positions.at(pos)
    const ref: FieldReference = {chain, line, col}
    if (origin) Object.assign(ref, {inSecretWith: origin.secret, secretChain: [...origin.chain, ...chain]})
    refs.push(ref)
  }

  const visit = (node: Node, scope: Scope): void => {
    switch (node.kind) {
      case 'list':
        for (const child of node.nodes) visit(child, scope)
        return
      case 'action':
        visitPipe(node.pipe, scope)
        return
      case 'if':
      case 'with':
      case 'range': {
        const inner: Scope = {dot: scope.dot, vars: new Map(scope.vars)}
        const value = visitPipe(node.pipe, inner)
        if (node.kind === 'with') inner.dot = value
        if (node.kind === 'range') inner.dot = undefined
        visit(node.list, inner)
        if (node.elseList) visit(node.elseList, {dot: scope.dot, vars: new Map(scope.vars)})
        return
      }
      case 'template':
        if (node.pipe) visitPipe(node.pipe, scope)
        return
      case 'field':
        record(node.ident, node.start, scope.dot)
        return
      case 'variable':
        if (node.ident.length > 1) record(node.ident.slice(1), node.start, scope.vars.get(node.ident[0]))
        return
      case 'pipe':
        visitPipe(node, scope)
        return
      case 'command':
        for (const arg of node.args) visit(arg, scope)
        return
      case 'chain':
        visit(node.node, scope)
        return
    }
  }

  /** Visits a pipeline and returns where its value comes from, binding declared variables to it. */
  const visitPipe = (pipe: PipeNode, scope: Scope): Origin | undefined => {
    for (const cmd of pipe.cmds) visit(cmd, scope)
    const origin = pipe.cmds.length === 1 ? originOf(pipe.cmds[0].args, scope) : undefined
    for (const variable of pipe.decl) {
      if (origin) scope.vars.set(variable.ident[0], origin)
      else scope.vars.delete(variable.ident[0])
    }
    return origin
  }

  for (const tree of template.trees.values()) visit(tree.root, {vars: new Map()})
  return refs.sort((a, b) => a.line - b.line || a.col - b.col)
}

function originOf(args: Node[], scope: Scope): Origin | undefined {
  const [head, path] = args
  if (head.kind === 'identifier' && head.ident === 'secret' && path?.kind === 'string') return {secret: path.text, chain: []}
  if (args.length !== 1) return undefined
  if (head.kind === 'field' && scope.dot) return {secret: scope.dot.secret, chain: [...scope.dot.chain, ...head.ident]}
  if (head.kind === 'variable') {
    const origin = scope.vars.get(head.ident[0])
    if (origin) return {secret: origin.secret, chain: [...origin.chain, ...head.ident.slice(1)]}
  }
  if (head.kind === 'dot') return scope.dot
  return undefined
}

function allNodes(template: ParsedTemplate): Node[] {
  const nodes: Node[] = []
  for (const tree of template.trees.values()) walkNodes(tree.root, (node) => nodes.push(node))
  return nodes
}

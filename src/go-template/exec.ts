/**
 * Template execution (text/template/exec.go): walks the parse tree, evaluates pipelines with Go's conversion and
 * error rules, and writes what Go would write.
 */
import type {BranchNode, ChainNode, CommandNode, FieldNode, Node, PipeNode, Tree, VariableNode} from './ast.js'
import {nodeString} from './ast.js'
import {TemplateExecError} from './errors.js'
import {formatGoValue} from './fmt.js'
import {parseFloat64, parseInt64} from './gostd.js'
import type {CallContext, GoFunc, ParamType} from './functions.js'
import {PARAM_TYPE_NAMES} from './functions.js'
import type {TextPositions} from './positions.js'
import {goQuote} from './quote.js'
import {
  GoChannel,
  GoComplex,
  GoInt,
  GoObject,
  GoStruct,
  goTypeName,
  intValue,
  isGoMap,
  isStringMap,
  isStringSlice,
  isTrue,
  JsonNumber,
  mapEntry,
  NilPointer,
  sortedKeys,
  goMapKey,
  stringSlice,
} from './values.js'

export type MissingKey = 'default' | 'zero' | 'error'

export interface ExecInput {
  trees: Map<string, Tree>
  positions: TextPositions
  name: string
  funcs: {get(name: string): GoFunc | undefined}
  missingKey: MissingKey
  context: Omit<CallContext, 'executeTemplate'>
}

/** No value was piped in (Go's missingVal): distinct from `undefined`, which is a missing map key. */
const MISSING = Symbol('missing')
type Final = unknown

/** Go's limit is 100000 nested {{template}} calls; a JS stack gives out well before that. */
const MAX_EXEC_DEPTH = 1000

class BreakSignal {}
class ContinueSignal {}

interface Variable {
  name: string
  value: unknown
  /** The value's static type is interface{} (it came out of a map or a []interface{}); only error texts care. */
  iface: boolean
}

export function execute(input: ExecInput, data: unknown): string {
  return new Executor(input).run(data)
}

class Executor {
  private out = ''
  private vars: Variable[] = []
  private node: Node | null = null
  private depth = 0
  private templateName: string
  private dotIface = false
  private readonly callContext: CallContext

  constructor(private readonly input: ExecInput) {
    this.templateName = input.name
    this.callContext = {...input.context, executeTemplate: (name, data) => this.executeNested(name, data)}
  }

  run(data: unknown): string {
    const tree = this.input.trees.get(this.input.name)
    if (!tree) this.errorf(`${goQuote(this.input.name)} is an incomplete or empty template`)
    const dot = data === null ? undefined : data
    this.vars = [{name: '$', value: dot, iface: false}]
    this.walk(dot, tree.root, false)
    return this.out
  }

  /** consul-template's executeTemplate: runs a defined template into a string. */
  private executeNested(name: string, data: unknown): string {
    const tree = this.input.trees.get(name)
    if (!tree) throw new Error(`template: no template ${goQuote(name)} associated with template ${goQuote(this.input.name)}`)
    const nested = new Executor({...this.input, name})
    nested.depth = this.depth + 1
    return nested.run(data)
  }

  // --- errors ---

  private at(node: Node): void {
    this.node = node
  }

  private errorf(message: string): never {
    const name = this.templateName
    if (!this.node) throw new TemplateExecError(`template: ${name}: ${message}`, 0, 0)
    const {line, col, goCol} = this.input.positions.at(this.node.pos)
    const location = `${this.input.name}:${line}:${goCol}`
    throw new TemplateExecError(
      `template: ${location}: executing ${goQuote(name)} at <${nodeString(this.node)}>: ${message}`,
      line,
      col,
    )
  }

  // --- variables ---

  private push(name: string, value: unknown, iface = false): void {
    this.vars.push({name, value, iface})
  }

  private variable(name: string): Variable {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i].name === name) return this.vars[i]
    this.errorf(`undefined variable: ${name}`)
  }

  private setVar(name: string, value: unknown, iface = false): void {
    Object.assign(this.variable(name), {value, iface})
  }

  private setTopVar(n: number, value: unknown, iface: boolean): void {
    Object.assign(this.vars[this.vars.length - n], {value, iface})
  }

  // --- walking ---

  private walk(dot: unknown, node: Node, dotIface: boolean): void {
    const outerIface = this.dotIface
    this.dotIface = dotIface
    try {
      this.walkNode(dot, node)
    } finally {
      this.dotIface = outerIface
    }
  }

  private walkNode(dot: unknown, node: Node): void {
    this.at(node)
    switch (node.kind) {
      case 'action': {
        const value = this.evalPipeline(dot, node.pipe)
        if (node.pipe.decl.length === 0) this.printValue(node, value)
        return
      }
      case 'break':
        throw new BreakSignal()
      case 'continue':
        throw new ContinueSignal()
      case 'comment':
        return
      case 'if':
      case 'with':
        return this.walkIfOrWith(dot, node)
      case 'list':
        for (const child of node.nodes) this.walk(dot, child, this.dotIface)
        return
      case 'range':
        return this.walkRange(dot, node)
      case 'template':
        return this.walkTemplate(dot, node)
      case 'text':
        this.out += node.text
        return
      default:
        this.errorf(`unknown node: ${nodeString(node)}`)
    }
  }

  private walkIfOrWith(dot: unknown, node: BranchNode): void {
    const mark = this.vars.length
    try {
      const value = this.evalPipeline(dot, node.pipe)
      if (isTrue(value)) {
        if (node.kind === 'with') this.walk(value, node.list, false)
        else this.walk(dot, node.list, this.dotIface)
      } else if (node.elseList) {
        this.walk(dot, node.elseList, this.dotIface)
      }
    } finally {
      this.vars.length = mark
    }
  }

  private walkRange(dot: unknown, node: BranchNode): void {
    this.at(node)
    const outerMark = this.vars.length
    try {
      const value = this.evalPipeline(dot, node.pipe)
      const mark = this.vars.length
      const {decl, isAssign} = node.pipe
      const oneIteration = (index: unknown, elem: unknown, elemIface: boolean): void => {
        if (decl.length > 0) {
          if (!isAssign) this.setTopVar(1, elem, elemIface)
          else if (decl.length > 1) this.setVar(decl[0].ident[0], index)
          else this.setVar(decl[0].ident[0], elem, elemIface)
        }
        if (decl.length > 1) {
          if (isAssign) this.setVar(decl[1].ident[0], elem, elemIface)
          else this.setTopVar(2, index, false)
        }
        try {
          this.walk(elem, node.list, elemIface)
        } catch (signal) {
          if (!(signal instanceof ContinueSignal)) throw signal
        } finally {
          this.vars.length = mark
        }
      }
      let ran = false
      try {
        ran = this.iterate(value, decl.length, oneIteration)
      } catch (signal) {
        if (signal instanceof BreakSignal) return
        throw signal
      }
      if (!ran && node.elseList) this.walk(dot, node.elseList, this.dotIface)
    } finally {
      this.vars.length = outerMark
    }
  }

  /** Runs one iteration per element; returns whether there was any. */
  private iterate(value: unknown, declCount: number, each: (index: unknown, elem: unknown, iface: boolean) => void) {
    if (value === undefined || value === null) return false
    const count = intValue(value)
    if (count !== undefined) {
      if (declCount > 1) this.errorf(`can't use ${formatGoValue(value)} to iterate over more than one variable`)
      // Ranging over an int64 yields int64s.
      for (let i = 0n; i < count; i++) each(undefined, value instanceof GoInt ? new GoInt(i, value.type) : i, false)
      return count > 0n
    }
    if (value instanceof GoChannel) {
      value.items.forEach((elem, i) => each(BigInt(i), elem, false))
      return value.items.length > 0
    }
    if (Array.isArray(value)) {
      const iface = !isStringSlice(value)
      value.forEach((elem, i) => each(BigInt(i), elem === undefined ? null : elem, iface))
      return value.length > 0
    }
    if (isGoMap(value)) {
      const keys = sortedKeys(value)
      for (const key of keys) each(goMapKey(value, key), mapEntry(value, key).value, true)
      return keys.length > 0
    }
    const shown = value instanceof GoStruct ? formatGoValue(value).slice(1) : formatGoValue(value)
    this.errorf(`range can't iterate over ${shown}`)
  }

  private walkTemplate(dot: unknown, node: Extract<Node, {kind: 'template'}>): void {
    this.at(node)
    const tree = this.input.trees.get(node.name)
    if (!tree) this.errorf(`template ${goQuote(node.name)} not defined`)
    if (this.depth >= MAX_EXEC_DEPTH) this.errorf(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`)
    const newDot = this.evalPipeline(dot, node.pipe)
    const saved = {vars: this.vars, name: this.templateName}
    this.vars = [{name: '$', value: newDot, iface: false}]
    this.templateName = node.name
    this.depth++
    try {
      this.walk(newDot, tree.root, false)
    } finally {
      this.vars = saved.vars
      this.templateName = saved.name
      this.depth--
    }
  }

  /** What {{.}} writes: Go's fmt.Print after dereferencing pointers; `<no value>` for a missing value. */
  private printValue(node: Node, value: unknown): void {
    this.at(node)
    if (typeof value === 'function') this.errorf(`can't print ${nodeString(node)} of type ${goTypeName(value)}`)
    const text = formatGoValue(value)
    this.out += value instanceof GoStruct ? text.slice(1) : text
  }

  // --- evaluation ---

  private evalPipeline(dot: unknown, pipe: PipeNode | null): unknown {
    if (!pipe) return undefined
    this.at(pipe)
    let value: unknown = MISSING
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value)
      // A nil interface{} result is unwrapped to an invalid value, which prints as <no value>.
      if (value === null) value = undefined
    }
    for (const variable of pipe.decl) {
      if (pipe.isAssign) this.setVar(variable.ident[0], value)
      else this.push(variable.ident[0], value)
    }
    return value
  }

  private evalCommand(dot: unknown, cmd: CommandNode, final: Final): unknown {
    const {args} = cmd
    const first = args[0]
    switch (first.kind) {
      case 'field':
        return this.evalFieldNode(dot, first, args, final)
      case 'chain':
        return this.evalChainNode(dot, first, args, final)
      case 'identifier':
        return this.evalFunction(dot, first, cmd, args, final)
      case 'pipe':
        this.notAFunction(args, final)
        return this.evalPipeline(dot, first)
      case 'variable':
        return this.evalVariableNode(dot, first, args, final)
    }
    this.at(first)
    this.notAFunction(args, final)
    switch (first.kind) {
      case 'bool':
        return first.value
      case 'dot':
        return dot
      case 'nil':
        return this.errorf('nil is not a command')
      case 'number':
        return this.idealConstant(first)
      case 'string':
        return first.text
    }
    this.errorf(`can't evaluate command ${goQuote(nodeString(first))}`)
  }

  private notAFunction(args: Node[], final: Final): void {
    if (args.length > 1 || final !== MISSING) this.errorf(`can't give argument to non-function ${nodeString(args[0])}`)
  }

  private idealConstant(node: Extract<Node, {kind: 'number'}>): unknown {
    this.at(node)
    const {number} = node
    const {text} = number
    if (number.complex) return new GoComplex(number.complex.re, number.complex.im)
    const isHexInt = /^0[xX]/.test(text) && !/[pP]/.test(text)
    if (number.isFloat && !isHexInt && !text.startsWith("'") && /[.eEpP]/.test(text)) return number.float
    if (number.isInt) return number.int
    this.errorf(`${text} overflows int`)
  }

  private evalFieldNode(dot: unknown, field: FieldNode, args: Node[] | null, final: Final): unknown {
    this.at(field)
    return this.evalFieldChain(dot, dot, this.dotIface, field, field.ident, args, final)
  }

  private evalChainNode(dot: unknown, chain: ChainNode, args: Node[] | null, final: Final): unknown {
    this.at(chain)
    if (chain.node.kind === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`)
    const receiver = this.evalUntypedArg(dot, chain.node)
    return this.evalFieldChain(dot, receiver, false, chain, chain.field, args, final)
  }

  private evalVariableNode(dot: unknown, node: VariableNode, args: Node[] | null, final: Final): unknown {
    this.at(node)
    const variable = this.variable(node.ident[0])
    if (node.ident.length === 1) {
      this.notAFunction(args ?? [node], final)
      return variable.value
    }
    return this.evalFieldChain(dot, variable.value, variable.iface, node, node.ident.slice(1), args, final)
  }

  private evalFieldChain(
    dot: unknown,
    receiver: unknown,
    iface: boolean,
    node: Node,
    ident: string[],
    args: Node[] | null,
    final: Final,
  ): unknown {
    let current = {value: receiver, iface}
    for (const name of ident.slice(0, -1)) current = this.evalField(dot, name, node, null, MISSING, current)
    return this.evalField(dot, ident[ident.length - 1], node, args, final, current).value
  }

  private evalField(
    dot: unknown,
    fieldName: string,
    node: Node,
    args: Node[] | null,
    final: Final,
    receiver: {value: unknown; iface: boolean},
  ): {value: unknown; iface: boolean} {
    const {value} = receiver
    if (value === undefined) {
      if (this.input.missingKey === 'error') this.errorf(`nil data; no entry for key ${goQuote(fieldName)}`)
      return {value: undefined, iface: false}
    }
    const typ = receiver.iface ? 'interface {}' : goTypeName(value)
    if (value === null) this.errorf(`nil pointer evaluating ${typ}.${fieldName}`)
    if (value instanceof JsonNumber && fieldName in JSON_NUMBER_METHODS) {
      const method = JSON_NUMBER_METHODS[fieldName as keyof typeof JSON_NUMBER_METHODS](value)
      return {value: this.evalCall(dot, method, node, fieldName, args, final), iface: false}
    }
    if ((value instanceof GoObject || value instanceof GoStruct) && Object.hasOwn(value.methods, fieldName)) {
      return {value: this.evalCall(dot, value.methods[fieldName], node, fieldName, args, final), iface: false}
    }
    const hasArgs = (args !== null && args.length > 1) || final !== MISSING
    if (value instanceof GoStruct) {
      const field = value.field(fieldName)
      if (field.found) {
        if (hasArgs) this.errorf(`${fieldName} has arguments but cannot be invoked as function`)
        return {value: field.value, iface: false}
      }
    } else if (value instanceof NilPointer) {
      if (value.fieldNames.includes(fieldName)) this.errorf(`nil pointer evaluating ${value.typeName}.${fieldName}`)
    } else if (isGoMap(value)) {
      if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`)
      const entry = mapEntry(value, fieldName)
      if (entry.found) return {value: entry.value, iface: true}
      if (this.input.missingKey === 'error') this.errorf(`map has no entry for key ${goQuote(fieldName)}`)
      // missingkey=zero gives the element type's zero value: "" in a map[string]string, nil in an interface map.
      if (this.input.missingKey === 'zero') return isStringMap(value) ? {value: '', iface: false} : {value: null, iface: true}
      return {value: undefined, iface: false}
    }
    this.errorf(`can't evaluate field ${fieldName} in type ${typ}`)
  }

  private evalFunction(dot: unknown, node: Extract<Node, {kind: 'identifier'}>, cmd: Node, args: Node[] | null, final: Final) {
    this.at(node)
    const fn = this.input.funcs.get(node.ident)
    if (!fn) this.errorf(`${goQuote(node.ident)} is not a defined function`)
    return this.evalCall(dot, fn, cmd, node.ident, args, final)
  }

  /** Calls a function or method; `args`, when present, starts with the node naming the function. */
  private evalCall(dot: unknown, fn: GoFunc, node: Node, name: string, args: Node[] | null, final: Final): unknown {
    const callArgs = args ? args.slice(1) : []
    const numIn = callArgs.length + (final === MISSING ? 0 : 1)
    const numFixed = fn.variadic ? fn.params.length : callArgs.length
    if (fn.variadic) {
      if (numIn < numFixed) this.errorf(`wrong number of args for ${name}: want at least ${numFixed} got ${callArgs.length}`)
    } else if (numIn !== fn.params.length) {
      this.errorf(`wrong number of args for ${name}: want ${fn.params.length} got ${numIn}`)
    }
    if (fn.shortCircuit) {
      let value: unknown
      for (const arg of callArgs) {
        value = this.evalArg(dot, 'value', arg)
        if (isTrue(value) === (fn.shortCircuit === 'or')) return value
      }
      return final === MISSING ? value : final
    }
    const argv: unknown[] = []
    let i = 0
    for (; i < numFixed && i < callArgs.length; i++) argv.push(this.evalArg(dot, fn.params[i], callArgs[i]))
    for (; i < callArgs.length; i++) argv.push(this.evalArg(dot, fn.variadic!, callArgs[i]))
    if (final !== MISSING) {
      const type = !fn.variadic ? fn.params[fn.params.length - 1] : numIn - 1 < numFixed ? fn.params[numIn - 1] : fn.variadic
      argv.push(this.validateType(final, type))
    }
    try {
      return fn.call(argv, this.callContext)
    } catch (error) {
      if (error instanceof TemplateExecError) throw error
      this.at(node)
      this.errorf(`error calling ${name}: ${(error as Error).message}`)
    }
  }

  /** Checks that a value can be passed as a parameter of the given Go type; converts a missing value to nil. */
  private validateType(value: unknown, type: ParamType): unknown {
    if (value === undefined) {
      if (type === 'value') return undefined
      if (type === 'any') return null
      if (type === '[]string') return stringSlice([])
      if (type === '[]any') return []
      if (type === 'map') return {}
      this.errorf(`invalid value; expected ${PARAM_TYPE_NAMES[type]}`)
    }
    if (type === 'value' || type === 'any' || matchesType(value, type)) return value
    this.errorf(`wrong type for value; expected ${PARAM_TYPE_NAMES[type]}; got ${goTypeName(value)}`)
  }

  private evalArg(dot: unknown, type: ParamType, node: Node): unknown {
    this.at(node)
    switch (node.kind) {
      case 'dot':
      case 'field':
      case 'variable':
      case 'pipe':
      case 'identifier':
      case 'chain':
        return this.validateType(this.evalUntypedArg(dot, node), type)
      case 'nil':
        if (type === 'value' || type === 'any' || type.startsWith('[]') || type === 'map') return this.validateType(undefined, type)
        this.errorf(`cannot assign nil to ${PARAM_TYPE_NAMES[type]}`)
    }
    switch (type) {
      case 'bool':
        if (node.kind === 'bool') return node.value
        return this.errorf(`expected bool; found ${nodeString(node)}`)
      case 'float64':
        if (node.kind === 'number' && node.number.isFloat) return node.number.float
        return this.errorf(`expected float; found ${nodeString(node)}`)
      case 'int':
        if (node.kind === 'number' && node.number.isInt) return node.number.int
        return this.errorf(`expected integer; found ${nodeString(node)}`)
      case 'string':
        if (node.kind === 'string') return node.text
        return this.errorf(`expected string; found ${nodeString(node)}`)
      case 'any':
      case 'value':
        return this.evalEmptyInterface(node)
    }
    this.errorf(`can't handle ${nodeString(node)} for arg of type ${PARAM_TYPE_NAMES[type]}`)
  }

  /** An argument evaluated without a target type (Go's evalArg with a nil type). */
  private evalUntypedArg(dot: unknown, node: Node): unknown {
    switch (node.kind) {
      case 'dot':
        return dot
      case 'field':
        return this.evalFieldNode(dot, node, [node], MISSING)
      case 'variable':
        return this.evalVariableNode(dot, node, null, MISSING)
      case 'pipe':
        return this.evalPipeline(dot, node)
      case 'identifier':
        return this.evalFunction(dot, node, node, null, MISSING)
      case 'chain':
        return this.evalChainNode(dot, node, null, MISSING)
    }
    return this.evalEmptyInterface(node)
  }

  private evalEmptyInterface(node: Node): unknown {
    this.at(node)
    switch (node.kind) {
      case 'bool':
        return node.value
      case 'number':
        return this.idealConstant(node)
      case 'string':
        return node.text
    }
    this.errorf(`can't handle assignment of ${nodeString(node)} to empty interface argument`)
  }
}

function matchesType(value: unknown, type: ParamType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string'
    case 'int':
      return typeof value === 'bigint'
    case 'float64':
      return typeof value === 'number'
    case 'bool':
      return typeof value === 'boolean'
    case '[]string':
      return isStringSlice(value)
    case '[]any':
      return Array.isArray(value) && !isStringSlice(value)
    case 'map':
      return isGoMap(value) && goTypeName(value) === 'map[string]interface {}'
    case 'time':
      return value instanceof GoObject && value.typeName === 'time.Time'
    case 'sprig.certificate':
      return value instanceof GoStruct && value.typeName === 'sprig.certificate'
    default:
      return true
  }
}

/** json.Number's methods, callable as {{ .Data.data.port.Int64 }}. */
const JSON_NUMBER_METHODS = {
  String: (n: JsonNumber): GoFunc => ({params: [], call: () => n.text}),
  Int64: (n: JsonNumber): GoFunc => ({params: [], call: () => new GoInt(parseInt64(n.text))}),
  Float64: (n: JsonNumber): GoFunc => ({params: [], call: () => parseFloat64(n.text)}),
}

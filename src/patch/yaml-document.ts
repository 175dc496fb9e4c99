import type {Document, Node, ToStringOptions} from 'yaml'
import {isCollection, isMap, isScalar, Scalar} from 'yaml'

import {inputError} from '../errors.js'

export type DocumentPath = Array<string | number>

function quoted(value: string, inFlow: boolean): Scalar {
  const scalar = new Scalar(value)
  // A block scalar cannot sit inside a flow collection (`{…}`): there the value is double-quoted.
  scalar.type = value.includes('\n') && !inFlow ? Scalar.BLOCK_LITERAL : Scalar.QUOTE_DOUBLE
  return scalar
}

const isNull = (node: unknown): boolean => node === undefined || node === null || (isScalar(node) && (node.value === null || node.value === undefined))

/**
 * Sets annotations on a document node as a strategic merge patch would: the maps from the object down to
 * `annotations` are created where missing or null (an empty `annotations:` is a null scalar), existing keys are
 * replaced, other keys stay. Inside a flow collection (JSON-like YAML) the keys and values are double-quoted.
 */
export function setAnnotations(doc: Document, objectPath: DocumentPath, relative: readonly string[], annotations: Record<string, string>): void {
  const path = [...objectPath, ...relative]
  let inFlow = false
  for (let depth = objectPath.length + 1; depth <= path.length; depth++) {
    const parent = doc.getIn(path.slice(0, depth - 1), true)
    inFlow ||= isCollection(parent) && Boolean(parent.flow)
    const node = doc.getIn(path.slice(0, depth), true)
    if (isNull(node)) doc.setIn(path.slice(0, depth), doc.createNode({}))
    else if (!isMap(node)) throw inputError(`${path.slice(0, depth).join('.')} is not a map`)
  }
  const map = doc.getIn(path, true) as Node
  if (!isMap(map)) throw inputError(`${path.join('.')} is not a map`)
  // An empty `annotations: {}` in block YAML becomes a block map, so templates can be literal blocks.
  if (map.flow && map.items.length === 0 && !inFlow) map.flow = false
  inFlow ||= Boolean(map.flow)
  for (const [name, value] of Object.entries(annotations)) map.set(inFlow ? quoted(name, true) : name, quoted(value, inFlow))
}

/** A block sequence item and the key line above it: equal indents mean the file does not indent sequences. */
const SEQUENCE_UNDER_KEY = /^( *)[^\s#-][^\n]*:[ \t]*(?:#[^\n]*)?\n(?:[ \t]*(?:#[^\n]*)?\n)*( *)- /m
/** The first flow collection that is not empty: `{app: x}` or `{ app: x }`. */
const FLOW_COLLECTION = /[:-][ \t]+[{[]( ?)[^\s}\]]/

/**
 * The library re-prints a document it changed; these are the choices it cannot take from the parsed nodes, read from
 * the source instead, so a file keeps its own sequence indentation and flow-collection spacing. Lines are never
 * folded (lineWidth 0): folding would change how long values read.
 */
export function formatOptionsOf(source: string): ToStringOptions {
  const sequence = SEQUENCE_UNDER_KEY.exec(source)
  const flow = FLOW_COLLECTION.exec(source)
  return {indentSeq: sequence ? sequence[2].length > sequence[1].length : true, flowCollectionPadding: flow ? flow[1] === ' ' : true, lineWidth: 0}
}

export function reprint(doc: Document, original: string): string {
  return doc.toString(formatOptionsOf(original))
}

import type {Document, Pair, YAMLMap} from 'yaml'
import {isMap, isScalar, Scalar} from 'yaml'

import type {DocumentPath} from './yaml-document.js'
import {annotationLines, doubleQuoted, nestedLines} from '../output/yaml-text.js'

/** Replace source[start, end) with text. */
export interface TextEdit {
  start: number
  end: number
  text: string
}

const lineStart = (source: string, offset: number): number => source.lastIndexOf('\n', offset - 1) + 1
const lineEnd = (source: string, offset: number): number => {
  const end = source.indexOf('\n', offset)
  return end < 0 ? source.length : end
}
const column = (source: string, offset: number): number => offset - lineStart(source, offset)

const startOf = (node: unknown): number | undefined => (node as {range?: [number, number, number]} | null)?.range?.[0]

function pairOf(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((pair) => isScalar(pair.key) && pair.key.value === key)
}

/** A block map whose first key starts its own line: new lines can go right above it. */
function openBlockMap(source: string, node: unknown): YAMLMap | undefined {
  if (!isMap(node) || node.flow || node.items.length === 0) return undefined
  const first = startOf(node.items[0].key)
  return first !== undefined && source.slice(lineStart(source, first), first).trim() === '' ? node : undefined
}

/** `annotations:` with nothing after it (a null scalar with no text). */
const isEmptyValue = (node: unknown): boolean => node === null || (isScalar(node) && node.value === null && node.range?.[0] === node.range?.[1])

/** A value on one line, with nothing but spaces after it: it can be replaced by a new value in place. */
function replaceableValue(source: string, node: unknown): node is Scalar {
  if (!isScalar(node) || !node.range || node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED) return false
  const [start, end] = node.range
  return !source.slice(start, end).includes('\n') && source.slice(end, lineEnd(source, end)).trim() === ''
}

/**
 * The text edits that set annotations on one workload of a document while leaving every other byte of the file as it
 * was: new lines above the first key of the deepest existing map on the path (or under an empty `annotations:`),
 * existing single-line values replaced in place. Undefined when the layout is not one of these simple cases (flow
 * maps, comments after a value, CRLF files…): the caller then re-prints the document with the library.
 */
export function spliceAnnotations(source: string, doc: Document, objectPath: DocumentPath, relative: readonly string[], annotations: Record<string, string>): TextEdit[] | undefined {
  if (source.includes('\r')) return undefined
  let map = openBlockMap(source, doc.getIn(objectPath, true))
  if (!map) return undefined
  const columns = [column(source, startOf(map.items[0].key)!)]
  const unit = () => ' '.repeat(columns.length > 1 ? columns.at(-1)! - columns.at(-2)! : 2)
  for (const [depth, segment] of relative.entries()) {
    const pair = pairOf(map, segment)
    const indent = ' '.repeat(columns.at(-1)!)
    if (!pair) return [{start: lineStart(source, startOf(map.items[0].key)!), end: lineStart(source, startOf(map.items[0].key)!), text: `${nestedLines(relative.slice(depth), annotations, indent, unit()).join('\n')}\n`}]
    if (isEmptyValue(pair.value)) {
      const at = lineEnd(source, startOf(pair.key)!)
      return [{start: at, end: at, text: `\n${nestedLines(relative.slice(depth + 1), annotations, indent + unit(), unit()).join('\n')}`}]
    }
    const next = openBlockMap(source, pair.value)
    if (!next) return undefined
    map = next
    columns.push(column(source, startOf(map.items[0].key)!))
  }
  const indent = ' '.repeat(columns.at(-1)!)
  const edits: TextEdit[] = []
  const added: Record<string, string> = {}
  for (const [name, value] of Object.entries(annotations)) {
    const existing = pairOf(map, name)
    if (!existing) {
      added[name] = value
      continue
    }
    if (!replaceableValue(source, existing.value) || value.includes('\n')) return undefined
    const [start, end] = existing.value.range!
    edits.push({start, end, text: doubleQuoted(value)})
  }
  if (Object.keys(added).length > 0) {
    const at = lineStart(source, startOf(map.items[0].key)!)
    edits.push({start: at, end: at, text: `${annotationLines(added, indent, unit()).join('\n')}\n`})
  }
  return edits
}

/** Applies non-overlapping edits to a text. */
export function applyEdits(source: string, edits: TextEdit[]): string {
  return [...edits].sort((a, b) => b.start - a.start).reduce((text, edit) => text.slice(0, edit.start) + edit.text + text.slice(edit.end), source)
}

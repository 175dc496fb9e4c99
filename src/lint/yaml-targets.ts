/**
 * Finds the pod templates in a YAML file (workloads, Pods, Lists, and kind-less patch documents) and turns their
 * annotations into entries that know their file positions.
 */
import type {Document, LineCounter, Node, Pair} from 'yaml'
import {isAlias, isCollection, isMap, isScalar, isSeq, Scalar} from 'yaml'

import {isListKind, podTemplatePathOf} from '../annotations/workload-kinds.js'
import type {AnnotationEntry, Location, PodSpecShape, PodTarget} from '../annotations/rules/types.js'

type Path = readonly string[]


/** The file a document came from, to turn offsets into positions. */
export interface SourceFile {
  text: string
  lineCounter: LineCounter
}

interface Context extends SourceFile {
  document: Document
}

/** Every pod target in one parsed document. */
export function podTargets(document: Document, source: SourceFile): PodTarget[] {
  return targetsIn(document.contents, {...source, document})
}

function locate(node: Node | null | undefined, source: SourceFile): Location {
  const {line, col} = source.lineCounter.linePos(node?.range?.[0] ?? 0)
  return {line, col}
}

function targetsIn(root: unknown, source: Context): PodTarget[] {
  if (!isMap(root)) return []
  const kind = scalarText(root.get('kind', true))
  const items = root.get('items', true)
  if (isListKind(kind) && isSeq(items)) return items.items.flatMap((item) => targetsIn(item, source))

  const templatePath = templatePathFor(root, kind)
  if (!templatePath) return []
  const template = templatePath.length === 0 ? root : root.getIn(templatePath, true)
  if (!isMap(template)) return []
  const metadata = template.get('metadata', true)
  const annotationsNode = isMap(metadata) ? metadata.get('annotations', true) : undefined
  const workloadMetadata = templatePath.length === 0 ? undefined : root.get('metadata', true)
  const workloadAnnotations = isMap(workloadMetadata) ? entriesOf(workloadMetadata.get('annotations', true), source) : []
  const spec = template.get('spec', true)
  const rootMetadata = root.get('metadata', true)
  const namespace = isMap(rootMetadata) ? scalarText(rootMetadata.get('namespace', true)) : undefined
  return [
    {
      kind,
      annotations: entriesOf(annotationsNode, source),
      anchor: locate(isMap(annotationsNode) ? annotationsNode : isMap(metadata) ? metadata : template, source),
      workloadAnnotations,
      ...(isMap(spec) ? {podSpec: spec.toJSON() as PodSpecShape} : {}),
      ...(namespace === undefined ? {} : {namespace}),
    },
  ]
}

/** A known kind's template path; for other documents, a `spec.template` (or CronJob-style jobTemplate) if present. */
function templatePathFor(root: {getIn: (path: Iterable<unknown>, keep: true) => unknown}, kind: string | undefined): Path | undefined {
  const known = podTemplatePathOf(kind)
  if (known) return known
  for (const path of [podTemplatePathOf('Deployment')!, podTemplatePathOf('CronJob')!]) if (isMap(root.getIn(path, true))) return path
  return undefined
}

function scalarText(node: unknown): string | undefined {
  return isScalar(node) && typeof node.value === 'string' ? node.value : undefined
}

function entriesOf(node: unknown, source: Context): AnnotationEntry[] {
  if (!isMap(node)) return []
  return node.items.flatMap((pair: Pair) => {
    if (!isScalar(pair.key)) return []
    const keyNode = pair.key
    // An alias (*name) stands for the node it names; that node's position is where the value is written.
    const valueNode = (isAlias(pair.value) ? pair.value.resolve(source.document) : pair.value) as Node | null | undefined ?? null
    const keyAt = locate(keyNode, source)
    const valueAt = valueNode ? locate(valueNode, source) : keyAt
    return [
      {
        key: String(keyNode.value),
        ...valueOf(valueNode),
        keyAt,
        valueAt,
        positionInValue: (line: number, col: number) => positionInScalar(valueNode, line, col, source),
      },
    ]
  })
}

function valueOf(node: Node | null): Pick<AnnotationEntry, 'value' | 'nonStringType'> {
  if (node === null || (isScalar(node) && node.value === null)) return {value: ''}
  if (isScalar(node)) {
    if (typeof node.value === 'string') return {value: node.value}
    const type = typeof node.value === 'boolean' ? 'boolean' : typeof node.value === 'number' || typeof node.value === 'bigint' ? 'number' : 'other'
    return {value: node.source ?? String(node.value), nonStringType: type}
  }
  if (isCollection(node)) return {value: node.toString(), nonStringType: isMap(node) ? 'map' : 'sequence'}
  return {value: '', nonStringType: 'other'}
}

/**
 * Maps a position inside a scalar's value to the file. Exact for literal blocks (`|`: one value line per file line)
 * and single-line values without escapes; undefined otherwise (folded or multi-line flow scalars).
 */
function positionInScalar(node: Node | null, line: number, col: number, source: SourceFile): Location | undefined {
  if (!isScalar(node) || !node.range || typeof node.value !== 'string') return undefined
  const start = source.lineCounter.linePos(node.range[0])
  if (node.type === Scalar.BLOCK_LITERAL) {
    const indent = blockIndent(node.range, start.line, source)
    return indent === undefined ? undefined : {line: start.line + line, col: indent + col}
  }
  const quoted = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE
  const raw = source.text.slice(node.range[0], node.range[1])
  // Escapes ("\"", '') make the written text longer than the value, so columns would drift.
  const verbatim = raw.length === node.value.length + (quoted ? 2 : 0)
  if (line !== 1 || node.value.includes('\n') || !verbatim) return undefined
  return {line: start.line, col: start.col + (quoted ? 1 : 0) + col - 1}
}

/** The indentation of a literal block's content: that of its first non-blank line after the `|` header. */
function blockIndent(range: readonly number[], headerLine: number, source: SourceFile): number | undefined {
  const {lineStarts} = source.lineCounter
  for (let index = headerLine; index < lineStarts.length && lineStarts[index]! < range[1]!; index++) {
    const text = source.text.slice(lineStarts[index], lineStarts[index + 1] ?? source.text.length).replace(/\r?\n$/, '')
    if (text.trim() !== '') return text.length - text.trimStart().length
  }
  return undefined
}

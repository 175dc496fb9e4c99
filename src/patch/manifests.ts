import type {Document} from 'yaml'
import {parseAllDocuments} from 'yaml'

import {annotationPatch, annotationPathOf, isListKind, RUN_TO_COMPLETION_KINDS} from '../annotations/workload-kinds.js'
import {inputError} from '../errors.js'
import {key} from './keys.js'
import type {DocumentPath} from './yaml-document.js'
import {reprint, setAnnotations} from './yaml-document.js'
import type {TextEdit} from './yaml-splice.js'
import {applyEdits, spliceAnnotations} from './yaml-splice.js'

export interface ManifestText {
  /** As given on the command line (`-` for stdin); used in messages. */
  path: string
  text: string
  /** How the file's bytes were decoded, so they are written back the same way (UTF-8 unless they were not). */
  encoding?: 'latin1'
}

export interface PatchedWorkload {
  /** `deployment/orgchart`; `job` alone when the manifest names none. */
  ref: string
  /** As the manifest gives it (`apps/v1`), for a patch that targets this object. */
  apiVersion?: string
  kind: string
  name?: string
  namespace?: string
  /** Where the annotations went: `spec.template.metadata.annotations`. */
  annotationPath: string
  /** Every annotation set on this workload (the request's, plus pre-populate-only on Jobs). */
  annotations: Record<string, string>
  /** The strategic merge patch that does the same: `kubectl patch --local --type strategic -p` of it gives this result. */
  patch: object
}

export interface PatchedManifest {
  path: string
  /** The whole file again: other documents, comments and key order as they were. */
  text: string
  encoding?: 'latin1'
  workloads: PatchedWorkload[]
  /** The kind of every object found (for messages about manifests without workloads). */
  kinds: string[]
  notes: string[]
}

type JsonObject = Record<string, unknown>

const PRE_POPULATE_ONLY = key('agent-pre-populate-only')

/** Jobs run to completion: without `agent-pre-populate-only` the agent sidecar would keep every pod running. */
function annotationsFor(kind: string, ref: string, base: Record<string, string>, notes: string[]): Record<string, string> {
  if (!RUN_TO_COMPLETION_KINDS.has(kind)) return base
  const given = base[PRE_POPULATE_ONLY]
  if (given === undefined) {
    notes.push(`${ref}: added ${PRE_POPULATE_ONLY}: "true" (a running agent sidecar would keep the ${kind}'s pods from completing)`)
    return {...base, [PRE_POPULATE_ONLY]: 'true'}
  }
  if (given !== 'true') notes.push(`${ref}: ${PRE_POPULATE_ONLY} is "${given}": the agent sidecar will keep the ${kind}'s pods from completing`)
  return base
}

const isObject = (value: unknown): value is JsonObject => value !== null && typeof value === 'object' && !Array.isArray(value)
const stringField = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined)

/** The objects of one document: itself, or the items of a `List` (or `DeploymentList`…), with their paths. */
function objectsOf(value: unknown, path: DocumentPath = []): Array<{path: DocumentPath; object: JsonObject}> {
  if (!isObject(value)) return []
  if (isListKind(value.kind) && Array.isArray(value.items)) return value.items.flatMap((item, index) => objectsOf(item, [...path, 'items', index]))
  return [{path, object: value}]
}

type SetAnnotations = (objectPath: DocumentPath, relative: readonly string[], annotations: Record<string, string>) => void

/** Finds the workloads in one parsed document and hands each to `set`; returns whether there was any. */
function visitWorkloads(value: unknown, base: Record<string, string>, found: PatchedManifest, set: SetAnnotations): boolean {
  let changed = false
  for (const {path, object} of objectsOf(value)) {
    found.kinds.push(typeof object.kind === 'string' ? object.kind : '(no kind)')
    const relative = annotationPathOf(object.kind)
    if (!relative) continue
    const kind = object.kind as string
    const metadata = isObject(object.metadata) ? object.metadata : {}
    const name = stringField(metadata.name)
    const namespace = stringField(metadata.namespace)
    const apiVersion = stringField(object.apiVersion)
    const ref = name ? `${kind.toLowerCase()}/${name}` : kind.toLowerCase()
    const annotations = annotationsFor(kind, ref, base, found.notes)
    set(path, relative, annotations)
    changed = true
    found.workloads.push({ref, ...(apiVersion ? {apiVersion} : {}), kind, ...(name ? {name} : {}), ...(namespace ? {namespace} : {}), annotationPath: relative.join('.'), annotations, patch: annotationPatch(relative, annotations)})
  }
  return changed
}

/** A JSON manifest stays JSON, in its own indentation: parsed and printed as JSON rather than re-printed as YAML. */
function patchJson(manifest: ManifestText, value: unknown, base: Record<string, string>, found: PatchedManifest): void {
  const set: SetAnnotations = (objectPath, relative, annotations) => {
    const path = [...objectPath, ...relative]
    const target = path.reduce<Record<string | number, unknown>>((parent, segment) => {
      parent[segment] ??= {}
      const child = parent[segment]
      if (typeof child !== 'object') throw inputError(`${manifest.path}: ${path.join('.')} is not an object`)
      return child as Record<string | number, unknown>
    }, value as JsonObject)
    Object.assign(target, annotations)
  }
  if (!visitWorkloads(value, base, found, set)) return
  // The file's own indentation (none for a one-line file).
  const indent = /\n([ \t]+)\S/.exec(manifest.text)?.[1]
  found.text = `${JSON.stringify(value, null, indent)}${manifest.text.endsWith('\n') ? '\n' : ''}`
}

/** The document's value; the library refuses some (e.g. alias bombs), which is the input's fault. */
function toJS(doc: Document, file: string): unknown {
  try {
    return doc.toJS()
  } catch (error) {
    throw inputError(`${file}: ${(error as Error).message.split('\n')[0]}`)
  }
}

function parseJson(text: string): unknown {
  if (!/^\s*[[{]/.test(text)) return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    // Flow-style YAML, or invalid: the YAML parser decides and reports.
    return undefined
  }
}

/**
 * Sets the annotations on every workload of a (multi-document) manifest, as `kubectl patch --local --type strategic`
 * would. The file changes only where the annotations go: other lines, comments and documents stay byte for byte
 * (a document with an unusual layout is re-printed whole by the YAML library instead).
 */
export function patchManifest(manifest: ManifestText, annotations: Record<string, string>): PatchedManifest {
  const found: PatchedManifest = {path: manifest.path, text: manifest.text, ...(manifest.encoding ? {encoding: manifest.encoding} : {}), workloads: [], kinds: [], notes: []}
  const json = parseJson(manifest.text)
  if (json !== undefined) {
    patchJson(manifest, json, annotations, found)
    return found
  }
  // An empty stream is an empty array: nothing is found and the text stays as it was.
  const edits: TextEdit[] = []
  let start = 0
  for (const doc of parseAllDocuments(manifest.text)) {
    const error = doc.errors[0]
    if (error) throw inputError(`${manifest.path}: invalid YAML: ${error.message.split('\n')[0]}`)
    const end = doc.range[2]
    const targets: Array<Parameters<SetAnnotations>> = []
    visitWorkloads(toJS(doc, manifest.path), annotations, found, (...target) => targets.push(target))
    const spliced = targets.map((target) => spliceAnnotations(manifest.text, doc, ...target))
    if (spliced.every((edit) => edit !== undefined)) edits.push(...spliced.flat())
    else {
      // A layout the splice does not handle: the library re-prints this document (comments and order still kept).
      for (const target of targets) setAnnotations(doc, ...target)
      edits.push({start, end, text: reprint(doc, manifest.text.slice(start, end))})
    }
    start = end
  }
  found.text = applyEdits(manifest.text, edits)
  return found
}

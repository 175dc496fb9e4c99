import path from 'node:path'

import {parseAllDocuments} from 'yaml'

import {isListKind, WORKLOAD_KINDS} from '../annotations/workload-kinds.js'
import {inputError, usageError} from '../errors.js'
import type {OutputFormat} from '../gitops/emit.js'
import {asJson} from '../gitops/emit.js'
import type {FileWrite} from '../output/write-outputs.js'
import type {ManifestText, PatchedManifest} from './manifests.js'
import {patchManifest} from './manifests.js'

/** Where `vsi patch -f` puts its result. */
export type BatchTarget = {inPlace: true} | {outDir: string} | {output: string; format: OutputFormat}

export interface WorkloadSummary {
  file: string
  ref: string
  kind: string
  name?: string
  namespace?: string
  annotationPath: string
}

/** Patches every manifest; it is an error when none of them holds a workload. */
export function patchManifests(manifests: ManifestText[], annotations: Record<string, string>): PatchedManifest[] {
  const patched = manifests.map((manifest) => patchManifest(manifest, annotations))
  if (patched.every((file) => file.workloads.length === 0)) {
    const found = [...new Set(patched.flatMap((file) => file.kinds))]
    const names = manifests.map((manifest) => manifest.path).join(', ')
    throw inputError(`no workload in ${names} (looked for ${WORKLOAD_KINDS.join(', ')}${found.length > 0 ? `; found ${found.join(', ')}` : '; found no objects'})`)
  }
  return patched
}

/** Joins files into one stream: a `---` between them unless the next one starts with its own. */
function concatenate(files: PatchedManifest[]): string {
  return files.reduce((all, file) => {
    if (all === '') return file.text
    const firstLine = file.text.split('\n').find((line) => line.trim() !== '' && !line.trimStart().startsWith('#'))
    const separated = firstLine?.startsWith('---') ? '' : '---\n'
    return `${all}${all.endsWith('\n') ? '' : '\n'}${separated}${file.text}`
  }, '')
}

/** Every object of the files, Lists unwrapped, as kubectl reads them. */
function objectsOf(files: PatchedManifest[]): unknown[] {
  // JSON is YAML: one parser reads both (the files were parsed once already, so they parse).
  return files
    .flatMap((file) => parseAllDocuments(file.text).map((doc) => doc.toJS() as unknown))
    .filter((value) => value !== null && typeof value === 'object')
    .flatMap((value) => {
      const object = value as {kind?: unknown; items?: unknown}
      return isListKind(object.kind) && Array.isArray(object.items) ? (object.items as unknown[]) : [value]
    })
}

/** The manifests as one JSON document, as `kubectl patch --local -o json` prints them: one object, or a List. */
function asJsonStream(files: PatchedManifest[]): string {
  const objects = objectsOf(files)
  return asJson(objects.length === 1 ? objects[0] : {apiVersion: 'v1', kind: 'List', items: objects})
}

/**
 * The files to write for a target. In place: only files that changed. To a directory: every file (a complete set to
 * `kubectl apply -f DIR`), by its base name. To one file or stdout (`-`): everything, as one multi-document stream.
 */
export function batchWrites(files: PatchedManifest[], target: BatchTarget): FileWrite[] {
  if ('output' in target) return [{path: target.output, text: target.format === 'json' ? asJsonStream(files) : concatenate(files)}]
  if (files.some((file) => file.path === '-')) throw usageError(`${'inPlace' in target ? '--in-place' : '--out-dir'} cannot write stdin back: use --output-file FILE, or leave it out for stdout`)
  if ('inPlace' in target) return files.filter((file) => file.workloads.length > 0).map((file) => ({path: file.path, text: file.text, ...(file.encoding ? {encoding: file.encoding} : {})}))
  const byName = new Map<string, string>()
  return files.map((file) => {
    const name = path.basename(file.path)
    const clash = byName.get(name)
    if (clash !== undefined) throw usageError(`--out-dir: ${clash} and ${file.path} would both be written to ${path.join(target.outDir, name)}`)
    byName.set(name, file.path)
    return {path: path.join(target.outDir, name), text: file.text, ...(file.encoding ? {encoding: file.encoding} : {})}
  })
}

/** The workloads patched, for the result: where each one is, without repeating the annotations. */
export function workloadSummaries(files: PatchedManifest[]): WorkloadSummary[] {
  return files.flatMap((file) => file.workloads.map(({ref, kind, name, namespace, annotationPath}) => ({file: file.path, ref, kind, ...(name ? {name} : {}), ...(namespace ? {namespace} : {}), annotationPath})))
}

/** Kubernetes objects printed as kubectl prints them (`kubectl get|apply|patch -o yaml|json`). */
import {stringify} from 'yaml'

import {asJson, type OutputFormat} from './emit.js'

/** kubectl prints through Go's encoding/json, which sorts the keys of every map. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]))
}

/** One object alone, several as a `List` (as kubectl prints the objects of several files or names). */
export function printObjects(objects: object[], format: OutputFormat): string {
  const value = sortKeys(objects.length === 1 ? objects[0] : {apiVersion: 'v1', kind: 'List', items: objects, metadata: {resourceVersion: ''}})
  // Sequences at their key's indent and no folding of long values, as sigs.k8s.io/yaml writes them.
  return format === 'json' ? asJson(value) : stringify(value, {indentSeq: false, lineWidth: 0})
}

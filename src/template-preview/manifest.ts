import type {V1ObjectMeta, V1PodSpec} from '@kubernetes/client-node'
import {parseAllDocuments} from 'yaml'

import {inputError} from '../errors.js'
import {annotationPathOf, POD_TEMPLATE_PATH} from '../patch/workloads.js'

/** One pod template found in a manifest or patch file, where the injector would see it. */
export interface ManifestPodTemplate {
  /** `Deployment`, `Pod`, `CronJob`…; undefined for a patch (a document without `kind`). */
  kind?: string
  name?: string
  namespace?: string
  /** The pod's metadata: the template's for controllers, the object's own for a Pod. */
  podMetadata: V1ObjectMeta
  podSpec?: V1PodSpec
  /** The object's own annotations, for controllers (a common mistake is to annotate these instead of the template). */
  objectAnnotations: Record<string, string>
  /** `deployment/orgchart`, or `document 2` for a patch: how messages name it. */
  label: string
}

type Obj = Record<string, unknown>

const asObject = (value: unknown): Obj | undefined => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : undefined)

/** Annotation values as the API server would hold them: YAML's `true` or `5` become text, `null` an empty string. */
function stringMap(value: unknown): Record<string, string> {
  const map: Record<string, string> = {}
  for (const [key, item] of Object.entries(asObject(value) ?? {})) map[key] = item === null || item === undefined ? '' : String(item)
  return map
}

function podMetadataOf(template: Obj | undefined): V1ObjectMeta {
  const metadata = asObject(template?.metadata) ?? {}
  return {...metadata, annotations: stringMap(metadata.annotations), labels: stringMap(metadata.labels)}
}

/** The object at `path` (a key path) inside `root`. */
function at(root: Obj, path: readonly string[]): Obj | undefined {
  return path.reduce<Obj | undefined>((node, key) => asObject(node?.[key]), root)
}

/** The pod template of one object; undefined for objects that make no pods (Services, ConfigMaps…). */
function podTemplateOf(object: Obj, index: number): ManifestPodTemplate | undefined {
  const kind = typeof object.kind === 'string' ? object.kind : undefined
  const metadata = asObject(object.metadata) ?? {}
  const name = typeof metadata.name === 'string' ? metadata.name : undefined
  const base = {
    kind,
    name,
    namespace: typeof metadata.namespace === 'string' ? metadata.namespace : undefined,
    objectAnnotations: kind === 'Pod' ? {} : stringMap(metadata.annotations),
    label: kind && name ? `${kind.toLowerCase()}/${name}` : `document ${index + 1}`,
  }
  // A patch (no kind) is merged onto a controller: its pod template is where a Deployment's is.
  const annotationPath = kind === undefined ? POD_TEMPLATE_PATH : annotationPathOf(kind)
  const template = annotationPath && at(object, annotationPath.slice(0, -2))
  if (!template) return kind === undefined && Object.keys(base.objectAnnotations).length > 0 ? {...base, podMetadata: {annotations: {}}} : undefined
  return {...base, podMetadata: podMetadataOf(template), podSpec: asObject(template.spec) as V1PodSpec | undefined}
}

/** Whether a YAML text is made of Kubernetes objects or patches (rather than, say, a template that parses as a string). */
export function looksLikeManifest(text: string): boolean {
  try {
    return parseAllDocuments(text).some((doc) => {
      const value = asObject(doc.toJS())
      return value !== undefined && ('kind' in value || 'spec' in value || 'metadata' in value || 'items' in value)
    })
  } catch {
    return false
  }
}

/**
 * Every pod template in a manifest or patch file (multi-document YAML or JSON, `List` objects included), as
 * `kubectl apply` or `kubectl patch` would deliver it to the API server.
 */
export function podTemplatesFromManifest(text: string, file: string): ManifestPodTemplate[] {
  const documents = parseAllDocuments(text)
  const found: ManifestPodTemplate[] = []
  documents.forEach((doc, index) => {
    if (doc.errors.length > 0) throw inputError(`${file}: ${doc.errors[0].message.split('\n')[0]}`)
    const value = asObject(doc.toJS())
    if (!value) return
    const items = value.kind === 'List' && Array.isArray(value.items) ? value.items.map(asObject).filter((item) => item !== undefined) : [value]
    for (const item of items) {
      const template = podTemplateOf(item, index)
      if (template) found.push(template)
    }
  })
  return found
}

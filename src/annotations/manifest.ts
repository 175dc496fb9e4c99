import type {V1ObjectMeta, V1PodSpec} from '@kubernetes/client-node'
import {parseAllDocuments} from 'yaml'

import {inputError} from '../errors.js'
import {ANNOTATION_PREFIX} from './catalog.js'
import {annotationPathOf, isListKind, POD_TEMPLATE_PATH} from './workload-kinds.js'

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

/** What the input is: a Kubernetes manifest or patch, or a template (which may well parse as YAML). */
export type InputKind = 'manifest' | 'template'

/** The YAML library warns on stderr (e.g. "Keys with collection values will be stringified"); vsi speaks alone. */
const QUIET = {logLevel: 'silent'} as const

/** Each document's object (undefined for a scalar or list document); throws an input error for bad YAML. */
function documentsOf(text: string, file: string): Array<Obj | undefined> {
  const hint = text.includes('{{') ? 'If it is a template, say so with --as template.' : undefined
  const values: Array<Obj | undefined> = []
  for (const doc of parseAllDocuments(text, QUIET)) {
    if (doc.errors.length > 0) throw inputError(`${file} is not valid YAML: ${doc.errors[0].message.split('\n')[0]}`, hint)
    let value: unknown
    try {
      value = doc.toJS(QUIET)
    } catch (error) {
      // Alias bombs ("Excessive alias count") and the like: refused, never rendered as a template.
      throw inputError(`${file} is not a usable manifest: ${(error as Error).message}`, hint)
    }
    values.push(asObject(value))
  }
  return values
}

/** A Kubernetes object (apiVersion and kind), or a patch that puts vault.hashicorp.com annotations on a pod template. */
function isManifestDocument(value: Obj): boolean {
  if (typeof value.apiVersion === 'string' && typeof value.kind === 'string') return true
  const annotations = asObject(at(value, POD_TEMPLATE_PATH.slice(0, -1)))
  return Object.keys(annotations ?? {}).some((key) => key.startsWith(ANNOTATION_PREFIX))
}

/**
 * Decides what a file is when `--as` does not say: `.ctmpl`, `.tmpl` and `.tpl` are templates, `.yaml`, `.yml`
 * and `.json` manifests; anything else (stdin included) is a manifest only if it parses as YAML into a Kubernetes
 * object or a patch with injector annotations. A `key: {{ … }}` config or a kubeconfig template stays a template.
 */
export function inputKindOf(text: string, file: string): InputKind {
  if (/\.(c?tmpl|tpl)$/i.test(file)) return 'template'
  if (/\.(ya?ml|json)$/i.test(file)) return 'manifest'
  try {
    return documentsOf(text, file).some((value) => value !== undefined && isManifestDocument(value)) ? 'manifest' : 'template'
  } catch {
    return 'template'
  }
}

/**
 * Every pod template in a manifest or patch file (multi-document YAML or JSON, `List` objects included), as
 * `kubectl apply` or `kubectl patch` would deliver it to the API server.
 */
export function podTemplatesFromManifest(text: string, file: string): ManifestPodTemplate[] {
  const found: ManifestPodTemplate[] = []
  documentsOf(text, file).forEach((value, index) => {
    if (!value) return
    const items = isListKind(value.kind) && Array.isArray(value.items) ? value.items.map(asObject).filter((item) => item !== undefined) : [value]
    for (const item of items) {
      const template = podTemplateOf(item, index)
      if (template) found.push(template)
    }
  })
  return found
}

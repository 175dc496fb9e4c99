/**
 * What `vsi patch --emit` writes besides the plain strategic merge patch: a Kustomize patch that names its target,
 * and Helm values for charts that take pod annotations (`podAnnotations`). Both in YAML (the tutorial's layout) or JSON.
 */
import {annotationPatch, annotationPathOf, WORKLOAD_KINDS} from '../annotations/workload-kinds.js'
import {usageError} from '../errors.js'
import {nestedLines} from '../output/yaml-text.js'

export const EMITS = ['patch', 'kustomize', 'helm-values'] as const
export type Emit = (typeof EMITS)[number]

export const OUTPUT_FORMATS = ['yaml', 'json'] as const
export type OutputFormat = (typeof OUTPUT_FORMATS)[number]

/** A workload a Kustomize patch targets: Kustomize matches a patch without `target` by its apiVersion, kind and name. */
export interface KustomizeTarget {
  apiVersion: string
  kind: string
  name: string
  namespace?: string
  /** Every annotation for this workload (Jobs also get agent-pre-populate-only). */
  annotations: Record<string, string>
}

/** The group/version of each kind vsi patches, for a workload named with --workload. */
const API_VERSIONS: Readonly<Record<string, string>> = {
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  ReplicaSet: 'apps/v1',
  ReplicationController: 'v1',
  Job: 'batch/v1',
  CronJob: 'batch/v1',
  Pod: 'v1',
  PodTemplate: 'v1',
}

/** The group/version of a kind vsi patches (`apps/v1` for a Deployment). */
export const apiVersionOf = (kind: string): string => API_VERSIONS[kind]

/** kubectl's short names (`kubectl api-resources`), besides the singular and plural. */
const SHORT_NAMES: Readonly<Record<string, string>> = {deploy: 'Deployment', sts: 'StatefulSet', ds: 'DaemonSet', rs: 'ReplicaSet', rc: 'ReplicationController', cj: 'CronJob', po: 'Pod'}

/** RFC 1123 subdomain: what the API server accepts as an object name. */
const OBJECT_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/

/** `deployment/orgchart` (any kind vsi patches, as kubectl spells it: `deploy/`, `deployments.apps/`, `cronjob/`…). */
export function parseWorkloadFlag(raw: string): {apiVersion: string; kind: string; name: string} {
  const slash = raw.indexOf('/')
  const kindText = raw.slice(0, Math.max(0, slash)).toLowerCase().replace(/\.(apps|batch)$/, '')
  const name = raw.slice(slash + 1)
  const kind = SHORT_NAMES[kindText] ?? WORKLOAD_KINDS.find((candidate) => [candidate.toLowerCase(), `${candidate.toLowerCase()}s`].includes(kindText))
  if (slash < 0 || kind === undefined) throw usageError(`--workload ${JSON.stringify(raw)}: expected KIND/NAME, e.g. deployment/orgchart`, `KIND is one of ${WORKLOAD_KINDS.map((k) => k.toLowerCase()).join(', ')}.`)
  if (!OBJECT_NAME.test(name)) throw usageError(`--workload ${JSON.stringify(raw)}: "${name}" is not a valid Kubernetes object name`)
  return {apiVersion: API_VERSIONS[kind], kind, name}
}

/** A Kustomize patch per workload: `patches: [{path: FILE}]` finds each target by the patch's own kind and name. */
export function kustomizePatch(targets: KustomizeTarget[], format: OutputFormat): string {
  if (format === 'json') {
    const objects = targets.map(({apiVersion, kind, name, namespace, annotations}) => ({apiVersion, kind, metadata: {name, ...(namespace ? {namespace} : {})}, ...annotationPatch(annotationPathOf(kind)!, annotations)}))
    return asJson(objects.length === 1 ? objects[0] : {apiVersion: 'v1', kind: 'List', items: objects})
  }
  return targets
    .map(({apiVersion, kind, name, namespace, annotations}) => {
      const header = [`apiVersion: ${apiVersion}`, `kind: ${kind}`, 'metadata:', `  name: ${name}`, ...(namespace ? [`  namespace: ${namespace}`] : [])]
      return `${[...header, ...nestedLines(annotationPathOf(kind)!, annotations)].join('\n')}\n`
    })
    .join('---\n')
}

/** The key path of the chart's pod annotations value: `podAnnotations`, or nested (`server.podAnnotations`). */
export function valuesKeyPath(raw: string): string[] {
  const path = raw.split('.')
  if (path.some((segment) => !/^[A-Za-z_][\w-]*$/.test(segment))) throw usageError(`--values-key ${JSON.stringify(raw)}: expected a dotted key path such as podAnnotations or app.podAnnotations`)
  return path
}

/** Helm values that set the chart's pod annotations: `podAnnotations: {…}` under the key path. */
export function helmValues(keyPath: readonly string[], annotations: Record<string, string>, format: OutputFormat): string {
  return format === 'json' ? asJson(annotationPatch(keyPath, annotations)) : `${nestedLines(keyPath, annotations).join('\n')}\n`
}

/** JSON as kubectl prints it with -o json: four-space indents, a final newline. */
export function asJson(value: unknown): string {
  return `${JSON.stringify(value, null, 4)}\n`
}

/**
 * The one table of the kinds whose pods the injector mutates, and where each keeps its pod template (a Pod is its own).
 * patch, lint, template render and doctor all read manifests through it, so they accept the same kinds.
 */
const POD_TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
  Pod: [],
  PodTemplate: ['template'],
}

/** Where the injector reads annotations on a controller's pod template; also where a kind-less patch puts them. */
export const POD_TEMPLATE_PATH = ['spec', 'template', 'metadata', 'annotations'] as const

/** Kinds whose pods run to completion: a running agent sidecar would keep them alive. */
export const RUN_TO_COMPLETION_KINDS: ReadonlySet<string> = new Set(['Job', 'CronJob'])

export const WORKLOAD_KINDS = Object.keys(POD_TEMPLATE_PATHS)

/** The path of a kind's pod template inside the object ([] for a Pod), or undefined (Services, ConfigMaps…). */
export function podTemplatePathOf(kind: unknown): readonly string[] | undefined {
  return typeof kind === 'string' && Object.hasOwn(POD_TEMPLATE_PATHS, kind) ? POD_TEMPLATE_PATHS[kind] : undefined
}

/** The annotations path for a kind vsi patches, or undefined (Services, ConfigMaps…). */
export function annotationPathOf(kind: unknown): readonly string[] | undefined {
  const template = podTemplatePathOf(kind)
  return template && [...template, 'metadata', 'annotations']
}

/** `List` and the typed lists (`DeploymentList`…): kubectl reads each of their items as an object of its own. */
export function isListKind(kind: unknown): boolean {
  return typeof kind === 'string' && kind.endsWith('List')
}

/** `{spec: {template: {metadata: {annotations}}}}` for a path: the strategic merge patch that sets them. */
export function annotationPatch(path: readonly string[], annotations: Record<string, string>): object {
  return path.reduceRight<object>((inner, segment) => ({[segment]: inner}), {...annotations})
}

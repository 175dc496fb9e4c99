/** Where the injector reads annotations: the pod template of a controller, or a Pod's own metadata. */
export const POD_TEMPLATE_PATH = ['spec', 'template', 'metadata', 'annotations'] as const

const ANNOTATION_PATHS: Record<string, readonly string[]> = {
  Deployment: POD_TEMPLATE_PATH,
  StatefulSet: POD_TEMPLATE_PATH,
  DaemonSet: POD_TEMPLATE_PATH,
  ReplicaSet: POD_TEMPLATE_PATH,
  Job: POD_TEMPLATE_PATH,
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'metadata', 'annotations'],
  Pod: ['metadata', 'annotations'],
}

/** Kinds whose pods run to completion: a running agent sidecar would keep them alive. */
export const RUN_TO_COMPLETION_KINDS: ReadonlySet<string> = new Set(['Job', 'CronJob'])

export const WORKLOAD_KINDS = Object.keys(ANNOTATION_PATHS)

/** The annotations path for a kind vsi patches, or undefined (Services, ConfigMaps…). */
export function annotationPathOf(kind: unknown): readonly string[] | undefined {
  return typeof kind === 'string' && Object.hasOwn(ANNOTATION_PATHS, kind) ? ANNOTATION_PATHS[kind] : undefined
}

/** `{spec: {template: {metadata: {annotations}}}}` for a path: the strategic merge patch that sets them. */
export function annotationPatch(path: readonly string[], annotations: Record<string, string>): object {
  return path.reduceRight<object>((inner, segment) => ({[segment]: inner}), {...annotations})
}

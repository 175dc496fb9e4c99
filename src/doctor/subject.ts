import type {V1ObjectMeta, V1Pod, V1PodSpec} from '@kubernetes/client-node'
import {existsSync} from 'node:fs'
import {readFile} from 'node:fs/promises'

import {hasInjectorAnnotations} from '../annotations/injection.js'
import {podTemplatesFromManifest} from '../annotations/manifest.js'
import {inputError, usageError} from '../errors.js'
import type {KubeClient} from '../kube/client.js'
import {labelSelectorToString} from '../kube/selector.js'
import {formatRef, parseTargetRef} from '../kube/workload.js'

/** The pod template doctor examines, wherever it came from. */
export interface DoctorSubject {
  /** `deployment/orgchart`, `pod/NAME`, or the manifest file (with the object in it). */
  target: string
  /** `Deployment`, `Pod`, `Job`…; undefined for a patch. */
  kind?: string
  namespace: string
  podMetadata: V1ObjectMeta
  podSpec?: V1PodSpec
  /** A controller's own annotations (the injector never reads them). */
  objectAnnotations: Record<string, string>
  fromFile: boolean
  /** How to find the running pods: the workload's selector, or the pod itself. Undefined for a file. */
  running?: {selector: string} | {pod: V1Pod}
  /** Other annotated objects in the same file, which this run does not examine. */
  ignored: string[]
}

export interface SubjectOptions {
  kube: () => Promise<KubeClient>
  /** -n: wins over the manifest's and the context's namespace. */
  namespace?: string
  offline: boolean
}

async function fromFile(file: string, options: SubjectOptions): Promise<DoctorSubject> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw inputError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
  }
  const templates = podTemplatesFromManifest(text, file)
  const annotated = templates.filter((t) => hasInjectorAnnotations(t.podMetadata.annotations) || hasInjectorAnnotations(t.objectAnnotations))
  const [chosen, ...others] = annotated.length > 0 ? annotated : templates
  if (!chosen) throw inputError(`${file} has no pod, workload or pod-template patch`, 'Give a Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod manifest, or a patch of spec.template.')
  const namespace = options.namespace ?? chosen.namespace ?? (options.offline ? 'default' : (await options.kube()).namespace)
  return {
    target: chosen.kind && chosen.name ? `${file} (${chosen.label})` : file,
    kind: chosen.kind,
    namespace,
    podMetadata: chosen.podMetadata,
    podSpec: chosen.podSpec,
    objectAnnotations: chosen.objectAnnotations,
    fromFile: true,
    ignored: others.map((t) => t.label),
  }
}

/** Reads the target: a manifest or patch file, or `deployment/NAME`, `statefulset/NAME`, `daemonset/NAME`, a pod from the cluster. */
export async function resolveSubject(target: string, options: SubjectOptions): Promise<DoctorSubject> {
  if (existsSync(target)) return fromFile(target, options)
  if (/\.(ya?ml|json)$/i.test(target)) throw usageError(`${target}: no such file`)
  if (options.offline) throw usageError('--offline checks a manifest file: give the path of one', 'Without --offline, doctor reads deployment/NAME, statefulset/NAME, daemonset/NAME or a pod from the cluster.')
  const ref = parseTargetRef(target)
  const kube = await options.kube()
  const namespace = options.namespace ?? kube.namespace
  if (ref.kind === 'Pod') {
    const pod = await kube.getPod(ref.name, namespace)
    return {target: formatRef(ref), kind: 'Pod', namespace, podMetadata: pod.metadata ?? {}, podSpec: pod.spec, objectAnnotations: {}, fromFile: false, running: {pod}, ignored: []}
  }
  const workload = await kube.getWorkload(ref, namespace)
  return {
    target: formatRef(ref),
    kind: ref.kind,
    namespace,
    podMetadata: workload.spec?.template.metadata ?? {},
    podSpec: workload.spec?.template.spec,
    objectAnnotations: workload.metadata?.annotations ?? {},
    fromFile: false,
    running: {selector: labelSelectorToString(workload.spec?.selector)},
    ignored: [],
  }
}

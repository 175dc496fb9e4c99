/**
 * `vsi apply -f vsi.yaml --dry-run`: what each workload of each app would get, as the files GitOps tools take: the
 * workload manifests with the annotations merged, Kustomize patches that name their target, or Helm values
 * (podAnnotations). Vault is never contacted; the cluster is read, never written, and only for the manifests.
 */
import path from 'node:path'

import {VsiError} from '../../errors.js'
import {apiVersionOf, asJson, helmValues, kustomizePatch, type OutputFormat} from '../../gitops/emit.js'
import {printObjects} from '../../gitops/kubectl-print.js'
import type {KubeClient} from '../../kube/client.js'
import {isNotFound} from '../../kube/errors.js'
import {workloadManifest, type Manifest} from '../../kube/manifest.js'
import {formatRef, type WorkloadRef} from '../../kube/workload.js'
import {podAnnotations} from './desired.js'
import type {AppSpec, Spec} from './file.js'
import {workloadPatch} from './plan.js'

export const SPEC_EMITS = ['manifests', 'kustomize', 'helm-values'] as const
export type SpecEmit = (typeof SPEC_EMITS)[number]

export interface DryRunWorkload {
  app: string
  namespace: string
  /** `deployment/orgchart` */
  workload: string
  apiVersion: string
  kind: string
  name: string
  /** The pod-template annotations `vsi apply` sets (vsi's ownership mark included). */
  annotations: Record<string, string>
  /** With the live object read: whether `vsi apply` would patch it. */
  changed?: boolean
}

/** A workload with its live object patched, when the cluster was read. */
interface Emitted extends DryRunWorkload {
  /** The namespace a Kustomize patch names: the file's (or -n); none lets it match the resource in any. */
  declaredNamespace?: string
  manifest?: Manifest
}

export interface DryRunOptions {
  spec: Spec
  apps: AppSpec[]
  /** -n: the namespace of the apps that name none (else the kubeconfig context's, else default). */
  namespace?: string
  /** Read the live workloads: for the manifests, and for the plain dry run's changed / unchanged. */
  live: boolean
  /** The cluster connection, made on first use (only the kubeconfig is read unless `live`). */
  kube: () => Promise<KubeClient>
  warn: (message: string) => void
}

export interface DryRun {
  workloads: Emitted[]
}

/** The kubeconfig context's namespace; without a kubeconfig (a CI job making GitOps files) kubectl's `default`. */
async function defaultNamespace(options: DryRunOptions): Promise<string> {
  if (options.namespace !== undefined) return options.namespace
  try {
    return (await options.kube()).namespace
  } catch (error) {
    if (!options.live && error instanceof VsiError && error.code === 'kube-config-missing') return 'default'
    throw error
  }
}

async function readLive(kube: KubeClient, ref: WorkloadRef, namespace: string): Promise<Manifest | undefined> {
  try {
    return await workloadManifest(await kube.getWorkload(ref, namespace), ref.kind)
  } catch (error) {
    if (isNotFound(error)) return undefined
    throw error
  }
}

/** The live object with the strategic merge patch `vsi apply` sends applied: annotations set, stale ones (null) removed. */
function mergeAnnotations(manifest: Manifest, patch: Record<string, string | null>): Manifest {
  const merged = structuredClone(manifest) as Manifest & {spec: {template: {metadata?: {annotations?: Record<string, string>}}}}
  const metadata = (merged.spec.template.metadata ??= {})
  const annotations = {...metadata.annotations}
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete annotations[key]
    else annotations[key] = value
  }
  metadata.annotations = annotations
  return merged
}

export async function dryRunWorkloads(options: DryRunOptions): Promise<DryRun> {
  const {spec, apps} = options
  const fallback = apps.some((app) => app.namespace === undefined) ? await defaultNamespace(options) : ''
  const kube = options.live ? await options.kube() : undefined
  const missing: string[] = []
  const workloads = await Promise.all(
    apps.flatMap((app) =>
      app.workloads.map(async (ref): Promise<Emitted> => {
        const namespace = app.namespace ?? fallback
        const declaredNamespace = app.namespace ?? options.namespace
        const workload = formatRef(ref)
        const annotations = podAnnotations(spec, app)
        const base: Emitted = {app: app.name, namespace, workload, apiVersion: apiVersionOf(ref.kind), kind: ref.kind, name: ref.name, annotations, ...(declaredNamespace ? {declaredNamespace} : {})}
        if (!kube) return base
        const live = await readLive(kube, ref, namespace)
        if (!live) {
          missing.push(`${workload} in ${namespace} (app ${app.name})`)
          return base
        }
        const template = (live.spec as {template?: {metadata?: {annotations?: Record<string, string>}; spec?: {serviceAccountName?: string}}}).template
        const account = template?.spec?.serviceAccountName ?? 'default'
        if (account !== app.serviceAccount) options.warn(`${workload} in ${namespace}: its pods run as service account ${account}, but the role of app ${app.name} binds ${app.serviceAccount}; vsi apply would not patch it`)
        const {patch, detail} = workloadPatch(template?.metadata?.annotations ?? {}, annotations, app.name)
        const wanted = (patch as {spec: {template: {metadata: {annotations: Record<string, string | null>}}}}).spec.template.metadata.annotations
        return {...base, changed: detail.length > 0, manifest: mergeAnnotations(live, wanted)}
      }),
    ),
  )
  if (missing.length > 0) {
    throw new VsiError(`not found in the cluster: ${missing.join(', ')}`, {
      code: 'kube-not-found',
      hint: 'The manifests are the live workloads with the annotations merged: create the workloads first, or emit --emit kustomize / helm-values, which need no cluster.',
    })
  }
  return {workloads}
}

export interface EmitOptions {
  emit: SpecEmit
  format: OutputFormat
  /** --values-key: where the chart takes pod annotations. */
  valuesKey: readonly string[]
}

const kustomizeTarget = (w: Emitted) => ({apiVersion: w.apiVersion, kind: w.kind, name: w.name, ...(w.declaredNamespace ? {namespace: w.declaredNamespace} : {}), annotations: w.annotations})

function helmDocument(w: Emitted, options: EmitOptions): string {
  return helmValues(options.valuesKey, w.annotations, options.format)
}

/** Everything in one stream (stdout or --output-file): YAML documents, or one JSON document. */
export function emitStream(run: DryRun, options: EmitOptions): string {
  const {workloads} = run
  switch (options.emit) {
    case 'manifests':
      return printObjects(workloads.map((w) => w.manifest!), options.format)
    case 'kustomize':
      return kustomizePatch(workloads.map(kustomizeTarget), options.format)
    case 'helm-values':
      if (options.format === 'json') {
        // One workload: the values file itself; several: by namespace/kind/name, each one chart release's values.
        if (workloads.length === 1) return helmDocument(workloads[0], options)
        return asJson(Object.fromEntries(workloads.map((w) => [`${w.namespace}/${w.workload}`, JSON.parse(helmDocument(w, options)) as unknown])))
      }
      return workloads.map((w) => `# ${w.workload} in ${w.namespace} (app ${w.app})\n${helmDocument(w, options)}`).join('---\n')
  }
}

/** --out-dir: one file per workload, `DIR/NAMESPACE/KIND-NAME.yaml` (or .json). */
export function emitFiles(run: DryRun, options: EmitOptions, dir: string): Array<{path: string; text: string}> {
  return run.workloads.map((w) => ({
    path: path.join(dir, w.namespace, `${w.kind.toLowerCase()}-${w.name}.${options.format}`),
    text: emitStream({workloads: [w]}, options),
  }))
}

import type {V1Pod} from '@kubernetes/client-node'

import {usageError} from '../errors.js'

/** The controllers `vsi patch --apply` and `vsi verify` accept, spelled as kubectl's resource names. */
export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet'

export interface WorkloadRef {
  kind: WorkloadKind
  name: string
}

export interface PodRef {
  kind: 'Pod'
  name: string
}

export type TargetRef = WorkloadRef | PodRef

const KIND_ALIASES: Record<string, TargetRef['kind']> = {
  deployment: 'Deployment',
  deployments: 'Deployment',
  deploy: 'Deployment',
  'deployment.apps': 'Deployment',
  'deployments.apps': 'Deployment',
  statefulset: 'StatefulSet',
  statefulsets: 'StatefulSet',
  sts: 'StatefulSet',
  'statefulset.apps': 'StatefulSet',
  'statefulsets.apps': 'StatefulSet',
  daemonset: 'DaemonSet',
  daemonsets: 'DaemonSet',
  ds: 'DaemonSet',
  'daemonset.apps': 'DaemonSet',
  'daemonsets.apps': 'DaemonSet',
  pod: 'Pod',
  pods: 'Pod',
  po: 'Pod',
}

/** RFC 1123 subdomain: what the API server accepts as an object name. */
const OBJECT_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/

/**
 * Parses `deployment/NAME` (also `deploy/`, `statefulset/`, `sts/`, `daemonset/`, `ds/`, `pod/`) or a bare pod name,
 * as kubectl does.
 */
export function parseTargetRef(raw: string): TargetRef {
  const text = raw.trim()
  const slash = text.indexOf('/')
  const kindText = slash < 0 ? 'pod' : text.slice(0, slash).toLowerCase()
  const name = slash < 0 ? text : text.slice(slash + 1)
  const kind = KIND_ALIASES[kindText]
  if (!kind) {
    throw usageError(
      `${JSON.stringify(raw)}: unknown kind "${kindText}"`,
      'Use deployment/NAME, statefulset/NAME, daemonset/NAME or a pod name.',
    )
  }
  if (!OBJECT_NAME.test(name)) {
    throw usageError(`${JSON.stringify(raw)}: "${name}" is not a valid Kubernetes object name`)
  }
  return {kind, name}
}

/** Like parseTargetRef, but only controllers: a pod cannot be patched into injection (the webhook only sees CREATE). */
export function parseWorkloadRef(raw: string): WorkloadRef {
  const ref = parseTargetRef(raw)
  if (ref.kind === 'Pod') {
    throw usageError(
      `${JSON.stringify(raw)}: expected deployment/NAME, statefulset/NAME or daemonset/NAME`,
      'Injection happens when a pod is created, so patch the controller that creates the pods.',
    )
  }
  return ref
}

/** `deployment/orgchart`: the form kubectl prints and accepts. */
export function formatRef(ref: TargetRef): string {
  return `${ref.kind.toLowerCase()}/${ref.name}`
}

/** The API resource, as RBAC and error messages name it (`deployments.apps`). */
export function resourceOf(kind: TargetRef['kind']): string {
  return kind === 'Pod' ? 'pods' : `${kind.toLowerCase()}s.apps`
}

/** How to get new pods from the pod's controller: what a user runs after fixing the injector. */
export function recreateCommand(pod: V1Pod, namespace: string): string {
  const owner = pod.metadata?.ownerReferences?.find((o) => o.controller)
  const hash = pod.metadata?.labels?.['pod-template-hash']
  if (owner?.kind === 'ReplicaSet' && hash && owner.name.endsWith(`-${hash}`)) {
    return `kubectl rollout restart deployment/${owner.name.slice(0, -hash.length - 1)} -n ${namespace}`
  }
  if (owner?.kind === 'StatefulSet' || owner?.kind === 'DaemonSet') {
    return `kubectl rollout restart ${owner.kind.toLowerCase()}/${owner.name} -n ${namespace}`
  }
  return `kubectl delete pod ${pod.metadata?.name} -n ${namespace} (and create it again)`
}

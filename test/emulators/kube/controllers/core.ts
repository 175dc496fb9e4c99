import type {Cluster} from '../cluster.js'
import type {KubeObject} from '../types.js'

import {RESOURCE_TYPES} from '../resources.js'
import {matchesSelectorObject} from '../selectors.js'
import {randomSuffix} from '../store.js'
import {isPodReady} from './util.js'

const ROOT_CA = 'kube-root-ca.crt'

/** Namespace lifecycle: the `default` ServiceAccount and `kube-root-ca.crt` in each namespace; cascade on delete. */
export function reconcileNamespace(cluster: Cluster, name: string): void {
  const ns = cluster.store.get('namespaces', undefined, name)
  if (!ns) {
    for (const type of RESOURCE_TYPES.filter((t) => t.namespaced)) for (const o of cluster.store.list(type, name)) cluster.store.delete(type, name, o.metadata.name)
    return
  }
  if (!cluster.store.get('serviceaccounts', name, 'default')) {
    cluster.store.create('serviceaccounts', {apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: 'default', namespace: name}})
  }
  if (!cluster.store.get('configmaps', name, ROOT_CA)) {
    cluster.store.create('configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: ROOT_CA,
        namespace: name,
        annotations: {
          'kubernetes.io/description':
            'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.',
        },
      },
      data: {'ca.crt': cluster.options.caPem},
    })
  }
}

/** The token controller: fills `kubernetes.io/service-account-token` Secrets for existing ServiceAccounts. */
export function reconcileTokenSecret(cluster: Cluster, namespace: string, name: string): void {
  const secret = cluster.store.get('secrets', namespace, name)
  if (!secret || secret.type !== 'kubernetes.io/service-account-token' || secret.data?.token) return
  const saName = secret.metadata.annotations?.['kubernetes.io/service-account.name']
  const sa = saName ? cluster.store.get('serviceaccounts', namespace, saName) : undefined
  if (!sa) return
  const b64 = (s: string) => Buffer.from(s).toString('base64')
  cluster.store.update('secrets', {
    ...secret,
    metadata: {...secret.metadata, annotations: {...secret.metadata.annotations, 'kubernetes.io/service-account.uid': sa.metadata.uid!}},
    data: {...secret.data, 'ca.crt': b64(cluster.options.caPem), namespace: b64(namespace), token: b64(cluster.tokens.legacy(namespace, sa, name))},
  })
}

/** The garbage collector (background propagation): dependents go when their controller owner is gone. */
export function collectGarbage(cluster: Cluster, ownerUid: string, namespace: string | undefined): void {
  for (const type of RESOURCE_TYPES) {
    if (namespace && !type.namespaced) continue
    for (const o of cluster.store.list(type, namespace)) {
      if (o.metadata.ownerReferences?.some((r) => r.uid === ownerUid)) cluster.store.delete(type, o.metadata.namespace, o.metadata.name)
    }
  }
}

/** The endpoints and endpointslice controllers for one Service. */
export function reconcileEndpoints(cluster: Cluster, namespace: string, name: string): void {
  const svc = cluster.store.get('services', namespace, name)
  if (!svc) {
    cluster.store.delete('endpoints', namespace, name)
    for (const s of cluster.store.list('endpointslices', namespace)) if (s.metadata.labels?.['kubernetes.io/service-name'] === name) cluster.store.delete('endpointslices', namespace, s.metadata.name)
    return
  }
  if (!svc.spec?.selector) return
  const pods = cluster.store
    .list('pods', namespace)
    .filter((p) => p.status?.podIP && !p.metadata.deletionTimestamp && matchesSelectorObject(p.metadata.labels, {matchLabels: svc.spec.selector}))
  const publish = Boolean(svc.spec.publishNotReadyAddresses)
  const address = (p: KubeObject) => ({ip: p.status.podIP, nodeName: p.spec.nodeName, targetRef: {kind: 'Pod', namespace, name: p.metadata.name, uid: p.metadata.uid}})
  const ready = pods.filter((p) => publish || isPodReady(p))
  const notReady = pods.filter((p) => !ready.includes(p))
  const ports = ((svc.spec.ports ?? []) as Array<{name?: string; port: number; targetPort?: number | string; protocol?: string}>).map((p) => ({
    ...(p.name ? {name: p.name} : {}),
    port: resolvePort(pods[0], p.targetPort ?? p.port),
    protocol: p.protocol ?? 'TCP',
  }))
  const subsets = pods.length ? [{...(ready.length ? {addresses: ready.map(address)} : {}), ...(notReady.length ? {notReadyAddresses: notReady.map(address)} : {}), ports}] : undefined
  const endpoints: KubeObject = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: {name, namespace, labels: {...svc.metadata.labels}},
    ...(subsets ? {subsets} : {}),
  }
  const existing = cluster.store.get('endpoints', namespace, name)
  if (!existing) cluster.store.create('endpoints', endpoints)
  else if (JSON.stringify(existing.subsets) !== JSON.stringify(endpoints.subsets)) cluster.store.update('endpoints', {...existing, subsets: endpoints.subsets})
  const slice = cluster.store.list('endpointslices', namespace).find((s) => s.metadata.labels?.['kubernetes.io/service-name'] === name)
  const sliceBody = {
    addressType: 'IPv4',
    endpoints: pods.map((p) => ({
      addresses: [p.status.podIP],
      conditions: {ready: isPodReady(p), serving: isPodReady(p), terminating: false},
      nodeName: p.spec.nodeName,
      targetRef: {kind: 'Pod', namespace, name: p.metadata.name, uid: p.metadata.uid},
    })),
    ports,
  }
  if (!slice) {
    cluster.store.create('endpointslices', {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: `${name}-${randomSuffix()}`,
        namespace,
        labels: {...svc.metadata.labels, 'kubernetes.io/service-name': name, 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io'},
        ownerReferences: [{apiVersion: 'v1', kind: 'Service', name, uid: svc.metadata.uid!, controller: true, blockOwnerDeletion: true}],
      },
      ...sliceBody,
    })
  } else if (JSON.stringify({e: slice.endpoints, p: slice.ports}) !== JSON.stringify({e: sliceBody.endpoints, p: sliceBody.ports})) {
    cluster.store.update('endpointslices', {...slice, ...sliceBody})
  }
}

function resolvePort(pod: KubeObject | undefined, target: number | string): number {
  if (typeof target === 'number') return target
  const named = ((pod?.spec.containers ?? []) as Array<{ports?: Array<{name?: string; containerPort: number}>}>).flatMap((c) => c.ports ?? []).find((p) => p.name === target)
  return named?.containerPort ?? (Number(target) || 0)
}

import type {Cluster} from '../cluster.js'
import type {StoreEvent} from '../store.js'
import type {KubeObject} from '../types.js'

import {reconcileCronJob} from './cronjob.js'
import {collectGarbage, reconcileEndpoints, reconcileNamespace, reconcileTokenSecret} from './core.js'
import {reconcileDeployment} from './deployment.js'
import {reconcileJob} from './job.js'
import {reconcilePod} from './kubelet.js'
import {reconcileReplicaSet} from './replicaset.js'
import {reconcileDaemonSet, reconcileStatefulSet} from './statefulset.js'
import {controllerOf} from './util.js'

type Reconcile = (cluster: Cluster, namespace: string, name: string) => void
const RECONCILERS: Record<string, Reconcile> = {
  Deployment: reconcileDeployment,
  ReplicaSet: reconcileReplicaSet,
  StatefulSet: reconcileStatefulSet,
  DaemonSet: reconcileDaemonSet,
  Pod: reconcilePod,
  Job: reconcileJob,
  CronJob: reconcileCronJob,
}

/** Makes the CronJob controller look again (after a test moved the cluster's clock). */
export function resyncCronJobs(cluster: Cluster): void {
  for (const cj of cluster.store.list('cronjobs')) {
    const {namespace, name} = cj.metadata
    cluster.queue.enqueue(`CronJob/${namespace}/${name}`, () => reconcileCronJob(cluster, namespace!, name))
  }
}

/** Makes the kubelet look again at some pods (after a test changed what it decides from). */
export function resyncPods(cluster: Cluster, which: (pod: KubeObject) => boolean): void {
  for (const pod of cluster.store.list('pods').filter(which)) {
    const {namespace, name} = pod.metadata
    cluster.queue.enqueue(`Pod/${namespace}/${name}`, () => reconcilePod(cluster, namespace!, name))
  }
}

/** Wires the controllers to store events: each change enqueues the objects whose controller must look again. */
export function startControllers(cluster: Cluster): void {
  const enqueue = (kind: string, namespace: string, name: string) =>
    cluster.queue.enqueue(`${kind}/${namespace}/${name}`, () => RECONCILERS[kind](cluster, namespace, name))
  const enqueueAll = (kind: string, namespace: string) => {
    for (const o of cluster.store.list(kind, namespace)) enqueue(kind, namespace, o.metadata.name)
  }
  const servicesIn = (namespace: string) => {
    for (const s of cluster.store.list('services', namespace)) {
      cluster.queue.enqueue(`endpoints/${namespace}/${s.metadata.name}`, () => reconcileEndpoints(cluster, namespace, s.metadata.name))
    }
  }
  cluster.store.subscribe((event: StoreEvent) => {
    const {object, type} = event
    const {kind} = object
    const ns = object.metadata.namespace ?? ''
    const name = object.metadata.name
    if (type === 'DELETED') cluster.queue.enqueue(`gc/${object.metadata.uid}`, () => collectGarbage(cluster, object.metadata.uid!, object.metadata.namespace))
    if (RECONCILERS[kind] && type !== 'DELETED') enqueue(kind, ns, name)
    const owner = controllerOf(object)
    if (owner && RECONCILERS[owner.kind]) enqueue(owner.kind, ns, owner.name)
    switch (kind) {
      case 'Namespace':
        cluster.queue.enqueue(`namespace/${name}`, () => reconcileNamespace(cluster, name))
        break
      case 'ConfigMap':
      case 'ServiceAccount':
        if (type === 'DELETED' && kind === 'ConfigMap') cluster.queue.enqueue(`namespace/${ns}`, () => reconcileNamespace(cluster, ns))
        if (kind === 'ServiceAccount') {
          for (const s of cluster.store.list('secrets', ns)) cluster.queue.enqueue(`token/${ns}/${s.metadata.name}`, () => reconcileTokenSecret(cluster, ns, s.metadata.name))
          // pods that were refused for want of this account can be created now
          for (const k of ['ReplicaSet', 'StatefulSet', 'DaemonSet']) enqueueAll(k, ns)
        }
        break
      case 'Secret':
        if (type !== 'DELETED') cluster.queue.enqueue(`token/${ns}/${name}`, () => reconcileTokenSecret(cluster, ns, name))
        break
      case 'Service':
        cluster.queue.enqueue(`endpoints/${ns}/${name}`, () => reconcileEndpoints(cluster, ns, name))
        break
      case 'Pod':
        if (type === 'DELETED') cluster.runtimes.delete(object.metadata.uid!)
        servicesIn(ns)
        break
      case 'Endpoints':
      case 'MutatingWebhookConfiguration':
        // the injector watches webhook configurations and installs its CA in the one it is told to (-tls-auto)
        if (kind === 'MutatingWebhookConfiguration' && type !== 'DELETED') resyncPods(cluster, (pod) => pod.metadata.labels?.['app.kubernetes.io/name'] === 'vault-agent-injector')
        // the injector may have become reachable: workloads that failed to create pods retry
        for (const n of cluster.store.list('namespaces')) for (const k of ['ReplicaSet', 'StatefulSet', 'DaemonSet']) enqueueAll(k, n.metadata.name)
        break
    }
  })
}

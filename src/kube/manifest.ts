/**
 * A live workload as a manifest to keep in Git: the object in its wire form (as `kubectl get -o json` prints it),
 * without what the API server and the controllers set. kubectl hides managedFields by default (--show-managed-fields).
 */
import {parse} from 'yaml'

import type {Workload} from './client.js'
import {loadClientNode} from './config.js'
import type {WorkloadKind} from './workload.js'

/** Set by the API server (ObjectMeta's read-only fields), never by the manifest's author. */
const SERVER_METADATA = ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'managedFields', 'selfLink']
/** Written by the Deployment controller and by kubectl apply about an earlier state: stale in a new manifest. */
const SERVER_ANNOTATIONS = ['deployment.kubernetes.io/revision', 'kubectl.kubernetes.io/last-applied-configuration']

export type Manifest = Record<string, unknown> & {metadata: Record<string, unknown>}

export async function workloadManifest(workload: Workload, kind: WorkloadKind): Promise<Manifest> {
  // client-node's own serializer (behind dumpYaml) turns its typed object back into the wire form.
  const {dumpYaml} = await loadClientNode()
  const wire = parse(dumpYaml({...workload, apiVersion: 'apps/v1', kind}, {lineWidth: -1})) as Record<string, unknown>
  const metadata = {...(wire.metadata as Record<string, unknown> | undefined)}
  for (const field of SERVER_METADATA) delete metadata[field]
  const annotations = {...(metadata.annotations as Record<string, string> | undefined)}
  for (const key of SERVER_ANNOTATIONS) delete annotations[key]
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations
  else delete metadata.annotations
  const {status: _status, ...rest} = wire
  return {...rest, apiVersion: 'apps/v1', kind, metadata}
}

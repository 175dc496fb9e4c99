import type {ResourceType} from './resources.js'

import {apiVersionOf} from './resources.js'

const EMPTY_TEMPLATE = {metadata: {creationTimestamp: null}, spec: {containers: null}}

/**
 * The fields a zero-valued object of a kind still prints under encoding/json (those without omitempty, and structs,
 * which omitempty never drops), kubernetes/api v0.32.0 types.go. A BOOKMARK carries such an object with only its
 * resourceVersion set (apiserver pkg/storage/cacher cacheWatcher: newFunc() + versioner.UpdateObject). Kinds not
 * listed print metadata only.
 */
const ZERO_FIELDS: Record<string, Record<string, unknown>> = {
  Pod: {spec: {containers: null}, status: {}},
  Deployment: {spec: {selector: null, template: EMPTY_TEMPLATE, strategy: {}}, status: {}},
  ReplicaSet: {spec: {selector: null, template: EMPTY_TEMPLATE}, status: {replicas: 0}},
  Job: {spec: {template: EMPTY_TEMPLATE}, status: {}},
  Namespace: {spec: {}, status: {}},
  Service: {spec: {}, status: {loadBalancer: {}}},
  Event: {involvedObject: {}, source: {}, firstTimestamp: null, lastTimestamp: null, eventTime: null, reportingComponent: '', reportingInstance: ''},
}

/**
 * A BOOKMARK event's object. With sendInitialEvents the bookmark that ends the initial events is annotated
 * `k8s.io/initial-events-end: "true"` (metav1.InitialEventsAnnotationKey, cacher.go).
 */
export function bookmarkObject(type: ResourceType, resourceVersion: string, initialEventsEnd = false) {
  return {
    kind: type.kind,
    apiVersion: apiVersionOf(type),
    metadata: {resourceVersion, creationTimestamp: null, ...(initialEventsEnd ? {annotations: {'k8s.io/initial-events-end': 'true'}} : {})},
    ...ZERO_FIELDS[type.kind],
  }
}

/**
 * When the next bookmark is due (cacher cache_watcher.go nextBookmarkTime): every minute, and 2 s before the
 * watch's deadline; none once that moment has passed. The cacher's bookmark timer ticks about every second.
 */
export function nextBookmarkDelay(nowMs: number, deadlineMs: number | undefined): number | undefined {
  let at = nowMs + 60_000
  if (deadlineMs !== undefined) at = Math.min(at, deadlineMs - 2000)
  return at < nowMs ? undefined : at - nowMs
}

/** Loose shapes of the Kubernetes objects the emulator handles: it stores plain JSON, as the API server does. */
export type Json = null | boolean | number | string | Json[] | {[key: string]: Json}
export type JsonObject = {[key: string]: Json}

export interface ObjectMeta {
  name: string
  namespace?: string
  generateName?: string
  uid?: string
  resourceVersion?: string
  generation?: number
  creationTimestamp?: string
  deletionTimestamp?: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
  ownerReferences?: OwnerReference[]
  [key: string]: unknown
}

export interface OwnerReference {
  apiVersion: string
  kind: string
  name: string
  uid: string
  controller?: boolean
  blockOwnerDeletion?: boolean
}

export interface KubeObject {
  apiVersion: string
  kind: string
  metadata: ObjectMeta
  // Stored objects are schemaless JSON, as in the API server's storage.
  [key: string]: any
}

export interface Container {
  name: string
  image?: string
  command?: string[]
  args?: string[]
  env?: Array<{name: string; value?: string; valueFrom?: unknown}>
  volumeMounts?: Array<{name: string; mountPath: string; readOnly?: boolean; subPath?: string}>
  [key: string]: unknown
}

export interface Volume {
  name: string
  emptyDir?: {medium?: string}
  projected?: unknown
  [key: string]: unknown
}

export interface PodSpec {
  containers: Container[]
  initContainers?: Container[]
  volumes?: Volume[]
  serviceAccountName?: string
  serviceAccount?: string
  automountServiceAccountToken?: boolean
  nodeName?: string
  [key: string]: unknown
}

export interface PodTemplate {
  metadata?: {labels?: Record<string, string>; annotations?: Record<string, string> | null; [key: string]: unknown}
  spec: PodSpec
}

import type {ResourceType} from './resources.js'

import {KIND_SHAPES, SHARED_SHAPES, type Shape} from './typed/schema.js'

/**
 * components.schemas of the OpenAPI v3 documents (/openapi/v3/apis/<group>/<version>), built from the emulator's
 * model of the Go types: the names, JSON types and nesting kubectl explain walks (k8s.io/kube-openapi builder3: a
 * struct field is `allOf: [{$ref}]`, a map `additionalProperties`, IntOrString `format: int-or-string`). The
 * models carry no descriptions beyond the ones below (api/openapi-spec, io.k8s.api.apps.v1.Deployment), so explain
 * mostly prints the fields and their types.
 */
const CONVENTIONS = 'https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md'
const TOP_FIELDS: Record<string, string> = {
  apiVersion: `APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: ${CONVENTIONS}#resources`,
  kind: `Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: ${CONVENTIONS}#types-kinds`,
  metadata: `Standard object's metadata. More info: ${CONVENTIONS}#metadata`,
}
const KIND_TEXTS: Record<string, {description: string; fields: Record<string, string>}> = {
  Deployment: {
    description: 'Deployment enables declarative updates for Pods and ReplicaSets.',
    fields: {spec: 'Specification of the desired behavior of the Deployment.', status: 'Most recently observed status of the Deployment.'},
  },
}
const {struct, int32, int64, bool, str, any, top, labelSelector, podTemplateSpec} = SHARED_SHAPES

const jobSpec = struct('JobSpec', {
  parallelism: int32,
  completions: int32,
  activeDeadlineSeconds: int64,
  backoffLimit: int32,
  selector: labelSelector,
  manualSelector: bool,
  template: podTemplateSpec,
  ttlSecondsAfterFinished: int32,
  completionMode: str,
  suspend: bool,
  podReplacementPolicy: str,
  podFailurePolicy: any,
  successPolicy: any,
})
const BATCH_SHAPES: Record<string, Shape> = {
  Job: top('Job', {spec: jobSpec, status: any}),
  CronJob: top('CronJob', {
    spec: struct('CronJobSpec', {
      schedule: str,
      timeZone: str,
      startingDeadlineSeconds: int64,
      concurrencyPolicy: str,
      suspend: bool,
      jobTemplate: struct('JobTemplateSpec', {metadata: SHARED_SHAPES.objectMeta, spec: jobSpec}),
      successfulJobsHistoryLimit: int32,
      failedJobsHistoryLimit: int32,
    }),
    status: any,
  }),
}

const META = new Set(['ObjectMeta', 'LabelSelector', 'LabelSelectorRequirement', 'OwnerReference'])
const INTSTR = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString'

function schemaName(name: string, type: ResourceType | undefined): string {
  if (META.has(name)) return `io.k8s.apimachinery.pkg.apis.meta.v1.${name}`
  if (/^(Deployment|ReplicaSet|StatefulSet|DaemonSet|RollingUpdate)/.test(name)) return `io.k8s.api.apps.v1.${name}`
  if (/^(Job|CronJob)/.test(name)) return `io.k8s.api.batch.v1.${name}`
  if (/^(Subject|RoleRef|PolicyRule|Role|ClusterRole)/.test(name)) return `io.k8s.api.rbac.v1.${name}`
  return `io.k8s.api.${type?.group ? type.group.split('.')[0] : 'core'}.v1.${name}`
}

export function componentSchemas(types: ResourceType[]): Record<string, unknown> {
  const schemas: Record<string, unknown> = {}
  const convert = (shape: Shape): Record<string, unknown> => {
    switch (shape.t) {
      case 'string':
        return {type: 'string'}
      case 'bool':
        return {type: 'boolean'}
      case 'int32':
      case 'int64':
        return {type: 'integer', format: shape.t}
      case 'intstr':
        schemas[INTSTR] = {type: 'string', format: 'int-or-string'}
        return {allOf: [{$ref: `#/components/schemas/${INTSTR}`}]}
      case 'any':
        return {type: 'object'}
      case 'map':
        return {type: 'object', additionalProperties: {...convert(shape.of), default: ''}}
      case 'list':
        return {type: 'array', items: {...convert(shape.of), default: shape.of.t === 'struct' ? {} : ''}}
      case 'struct': {
        const name = schemaName(shape.name, undefined)
        define(name, shape)
        return {allOf: [{$ref: `#/components/schemas/${name}`}], default: {}}
      }
    }
  }
  const define = (name: string, shape: Extract<Shape, {t: 'struct'}>, gvk?: ResourceType) => {
    if (schemas[name]) return
    schemas[name] = {type: 'object'}
    const texts = gvk ? {description: KIND_TEXTS[gvk.kind]?.description, fields: {...TOP_FIELDS, ...KIND_TEXTS[gvk.kind]?.fields}} : undefined
    schemas[name] = {
      ...(texts?.description ? {description: texts.description} : {}),
      type: 'object',
      properties: Object.fromEntries(
        Object.entries(shape.fields).map(([k, v]) => {
          const text = texts?.fields[k as keyof typeof texts.fields]
          return [k, {...(text ? {description: text} : {}), ...convert(v)}]
        }),
      ),
      ...(gvk ? {'x-kubernetes-group-version-kind': [{group: gvk.group, kind: gvk.kind, version: gvk.version}]} : {}),
    }
  }
  for (const t of types) {
    const shape = KIND_SHAPES[t.kind] ?? BATCH_SHAPES[t.kind]
    if (shape?.t === 'struct' && !(t.group === 'events.k8s.io')) define(schemaName(t.kind, t), shape, t)
  }
  return schemas
}

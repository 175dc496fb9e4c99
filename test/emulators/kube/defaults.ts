import type {Container, KubeObject, PodSpec, PodTemplate} from './types.js'

import {defaultCronJobSpec, defaultJobSpec} from './batch.js'

/** API-server defaulting (pkg/apis/{core,apps}/v1/defaults.go) for the fields kubectl and vsi read back. */

function defaultContainer(c: Container): void {
  const tag = c.image?.split('/').pop()?.split(':')[1]
  c.imagePullPolicy ??= !tag || tag === 'latest' ? 'Always' : 'IfNotPresent'
  c.resources ??= {}
  c.terminationMessagePath ??= '/dev/termination-log'
  c.terminationMessagePolicy ??= 'File'
  for (const p of (c.ports as Array<Record<string, unknown>> | undefined) ?? []) p.protocol ??= 'TCP'
}

export function defaultPodSpec(spec: PodSpec): void {
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) defaultContainer(c)
  spec.dnsPolicy ??= 'ClusterFirst'
  spec.restartPolicy ??= 'Always'
  spec.schedulerName ??= 'default-scheduler'
  spec.securityContext ??= {}
  spec.terminationGracePeriodSeconds ??= 30
  for (const v of spec.volumes ?? []) {
    if (v.secret) (v.secret as Record<string, unknown>).defaultMode ??= 420
    if (v.configMap) (v.configMap as Record<string, unknown>).defaultMode ??= 420
  }
}

function defaultTemplate(template: PodTemplate | undefined): void {
  if (!template?.spec) return
  template.metadata ??= {}
  template.metadata.creationTimestamp ??= null
  defaultPodSpec(template.spec)
}

export function applyDefaults(obj: KubeObject): void {
  const spec = obj.spec as Record<string, unknown> | undefined
  switch (obj.kind) {
    case 'Pod':
      defaultPodSpec(obj.spec as PodSpec)
      obj.spec.enableServiceLinks ??= true
      obj.spec.preemptionPolicy ??= 'PreemptLowerPriority'
      obj.spec.priority ??= 0
      break
    case 'Deployment':
      spec!.replicas ??= 1
      spec!.revisionHistoryLimit ??= 10
      spec!.progressDeadlineSeconds ??= 600
      spec!.strategy ??= {}
      ;(spec!.strategy as {type?: string}).type ??= 'RollingUpdate'
      if ((spec!.strategy as {type?: string}).type === 'RollingUpdate') {
        ;(spec!.strategy as Record<string, unknown>).rollingUpdate ??= {maxSurge: '25%', maxUnavailable: '25%'}
      }
      defaultTemplate(spec!.template as PodTemplate)
      break
    case 'ReplicaSet':
      spec!.replicas ??= 1
      defaultTemplate(spec!.template as PodTemplate)
      break
    case 'StatefulSet':
      spec!.replicas ??= 1
      spec!.podManagementPolicy ??= 'OrderedReady'
      spec!.revisionHistoryLimit ??= 10
      spec!.updateStrategy ??= {type: 'RollingUpdate', rollingUpdate: {partition: 0}}
      spec!.persistentVolumeClaimRetentionPolicy ??= {whenDeleted: 'Retain', whenScaled: 'Retain'}
      defaultTemplate(spec!.template as PodTemplate)
      break
    case 'Job':
      defaultJobSpec(spec!, obj.metadata)
      defaultTemplate(spec!.template as PodTemplate)
      break
    case 'CronJob': {
      defaultCronJobSpec(spec!)
      const jobTemplate = ((spec!.jobTemplate ??= {}) as {metadata?: Record<string, unknown>; spec?: Record<string, unknown>})
      jobTemplate.metadata ??= {creationTimestamp: null}
      // zz_generated.defaults.go defaults only the pod template inside a job template (SetDefaults_Job is the Job's)
      if (jobTemplate.spec) defaultTemplate(jobTemplate.spec.template as PodTemplate)
      break
    }
    case 'DaemonSet':
      spec!.revisionHistoryLimit ??= 10
      spec!.updateStrategy ??= {type: 'RollingUpdate', rollingUpdate: {maxSurge: 0, maxUnavailable: 1}}
      defaultTemplate(spec!.template as PodTemplate)
      break
    case 'Service':
      spec!.type ??= 'ClusterIP'
      spec!.sessionAffinity ??= 'None'
      spec!.internalTrafficPolicy ??= 'Cluster'
      spec!.ipFamilies ??= ['IPv4']
      spec!.ipFamilyPolicy ??= 'SingleStack'
      for (const p of (spec!.ports as Array<Record<string, unknown>> | undefined) ?? []) {
        p.protocol ??= 'TCP'
        p.targetPort ??= p.port
      }
      break
    case 'Secret':
      obj.type ??= 'Opaque'
      if (obj.stringData) {
        obj.data = {...(obj.data ?? {})}
        for (const [k, v] of Object.entries(obj.stringData as Record<string, string>)) obj.data[k] = Buffer.from(v).toString('base64')
        delete obj.stringData
      }
      break
    case 'Namespace':
      obj.metadata.labels = {...obj.metadata.labels, 'kubernetes.io/metadata.name': obj.metadata.name}
      obj.spec ??= {finalizers: ['kubernetes']}
      obj.status ??= {phase: 'Active'}
      break
    case 'MutatingWebhookConfiguration':
      for (const w of (obj.webhooks as Array<Record<string, unknown>> | undefined) ?? []) {
        w.failurePolicy ??= 'Fail'
        w.matchPolicy ??= 'Equivalent'
        w.namespaceSelector ??= {}
        w.objectSelector ??= {}
        w.reinvocationPolicy ??= 'Never'
        w.timeoutSeconds ??= 10
        const svc = (w.clientConfig as {service?: Record<string, unknown>} | undefined)?.service
        if (svc) svc.port ??= 443
      }
      break
  }
}

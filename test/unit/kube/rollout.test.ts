import type {V1DaemonSet, V1Deployment, V1StatefulSet} from '@kubernetes/client-node'
import {describe, expect, it} from 'vitest'

import {rolloutStatus} from '../../../src/kube/rollout.js'

const deploy = {kind: 'Deployment', name: 'orgchart'} as const
const dep = (generation: number, status: V1Deployment['status'], replicas = 3): V1Deployment => ({
  metadata: {name: 'orgchart', generation},
  spec: {replicas, selector: {}, template: {}},
  status,
})

describe('rolloutStatus (kubectl rollout status rules)', () => {
  it('waits until the new generation is observed', () => {
    expect(rolloutStatus(deploy, dep(2, {observedGeneration: 1, updatedReplicas: 3, replicas: 3, availableReplicas: 3}))).toMatchObject({
      done: false,
      message: 'Waiting for deployment spec update to be observed...',
    })
  })

  it('reports updated, old and available replicas in kubectl words', () => {
    expect(rolloutStatus(deploy, dep(2, {observedGeneration: 2, updatedReplicas: 1, replicas: 3, availableReplicas: 2})).message).toBe(
      'Waiting for deployment "orgchart" rollout to finish: 1 out of 3 new replicas have been updated...',
    )
    expect(rolloutStatus(deploy, dep(2, {observedGeneration: 2, updatedReplicas: 3, replicas: 4, availableReplicas: 3})).message).toMatch(/1 old replicas are pending termination/)
    expect(rolloutStatus(deploy, dep(2, {observedGeneration: 2, updatedReplicas: 3, replicas: 3, availableReplicas: 2}))).toMatchObject({
      done: false,
      ready: 2,
      desired: 3,
    })
    expect(rolloutStatus(deploy, dep(2, {observedGeneration: 2, updatedReplicas: 3, replicas: 3, availableReplicas: 3}))).toMatchObject({
      done: true,
      message: 'deployment "orgchart" successfully rolled out',
    })
  })

  it('fails on an exceeded progress deadline', () => {
    const status = rolloutStatus(deploy, dep(2, {observedGeneration: 2, conditions: [{type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded'}]}))
    expect(status.failure).toBe('deployment "orgchart" exceeded its progress deadline')
  })

  it('judges statefulsets and daemonsets, and refuses OnDelete', () => {
    const sts: V1StatefulSet = {
      metadata: {name: 'vault', generation: 1},
      spec: {replicas: 1, selector: {}, serviceName: 'vault', template: {}, updateStrategy: {type: 'OnDelete'}},
      status: {replicas: 1, observedGeneration: 1},
    }
    expect(rolloutStatus({kind: 'StatefulSet', name: 'vault'}, sts).failure).toMatch(/only available for RollingUpdate/)
    sts.spec!.updateStrategy = {type: 'RollingUpdate'}
    sts.status = {replicas: 1, observedGeneration: 1, readyReplicas: 1, currentRevision: 'r1', updateRevision: 'r1', currentReplicas: 1}
    expect(rolloutStatus({kind: 'StatefulSet', name: 'vault'}, sts).done).toBe(true)
    const ds: V1DaemonSet = {
      metadata: {name: 'agent', generation: 3},
      spec: {selector: {}, template: {}},
      status: {observedGeneration: 3, desiredNumberScheduled: 2, updatedNumberScheduled: 2, numberAvailable: 1, currentNumberScheduled: 2, numberMisscheduled: 0, numberReady: 1},
    }
    expect(rolloutStatus({kind: 'DaemonSet', name: 'agent'}, ds).message).toBe('Waiting for daemon set "agent" rollout to finish: 1 of 2 updated pods are available...')
  })
})

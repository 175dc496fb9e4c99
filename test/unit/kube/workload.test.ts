import {describe, expect, it} from 'vitest'

import {formatRef, parseTargetRef, parseWorkloadRef} from '../../../src/kube/workload.js'

describe('parseTargetRef', () => {
  it.each([
    ['deployment/orgchart', 'Deployment'],
    ['deploy/orgchart', 'Deployment'],
    ['deployments.apps/orgchart', 'Deployment'],
    ['statefulset/vault', 'StatefulSet'],
    ['sts/vault', 'StatefulSet'],
    ['daemonset/agent', 'DaemonSet'],
    ['ds/agent', 'DaemonSet'],
    ['pod/orgchart-abc', 'Pod'],
    ['orgchart-abc', 'Pod'],
    ['Deployment/orgchart', 'Deployment'],
  ])('%s is a %s', (raw, kind) => {
    const ref = parseTargetRef(raw)
    expect(ref.kind).toBe(kind)
    expect(ref.name).toBe(raw.split('/').pop())
  })

  it('rejects unknown kinds and invalid names as usage errors', () => {
    expect(() => parseTargetRef('job/x')).toThrow(/unknown kind "job"/)
    expect(() => parseTargetRef('deployment/Org_Chart')).toThrow(/not a valid Kubernetes object name/)
    expect(() => parseTargetRef('deployment/')).toThrow(expect.objectContaining({exitCode: 2}))
  })

  it('parseWorkloadRef refuses pods: injection only happens at pod creation', () => {
    expect(() => parseWorkloadRef('orgchart-abc')).toThrow(/expected deployment\/NAME/)
    expect(formatRef(parseWorkloadRef('sts/vault'))).toBe('statefulset/vault')
  })
})

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {KubeObject} from './types.js'

import {startKubeEmulator, type KubeEmulator} from './index.js'

const deployment = (name: string, image: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {name, namespace: 'default'},
  spec: {selector: {matchLabels: {app: name}}, template: {metadata: {labels: {app: name}}, spec: {containers: [{name, image}]}}, ...extra},
})

describe('the emulated controllers', () => {
  let kube: KubeEmulator
  const podsOf = (app: string) => kube.store.list('pods', 'default').filter((p) => p.metadata.labels?.app === app)
  const setImage = (kind: string, name: string, image: string) => {
    const o = kube.store.get(kind, 'default', name)!
    o.spec.template.spec.containers[0].image = image
    kube.store.put(o)
  }

  beforeAll(async () => {
    kube = await startKubeEmulator({preset: 'empty', tls: false})
  })
  afterAll(() => kube?.stop())

  it('keeps the old pod while the new one never becomes ready, then reports the progress deadline', async () => {
    kube.store.create(deployment('web', 'nginx:1.27', {progressDeadlineSeconds: 1}))
    await kube.settle()
    setImage('Deployment', 'web', 'nginx:never-ready')
    await kube.settle()
    const pods = podsOf('web')
    expect(pods.map((p) => p.status.containerStatuses[0].ready).sort()).toEqual([false, true])
    const stuck = kube.store.get('deployments', 'default', 'web')!
    expect(stuck.status).toMatchObject({observedGeneration: 2, replicas: 2, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1, unavailableReplicas: 1})
    expect(stuck.status.conditions[1]).toMatchObject({type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated'})
    // the deadline is a real one-second timer in the controller; wait for its status write
    const exceeded = await kube.waitFor('deployments', 'default', 'web', (d) => d.status.conditions[1].reason === 'ProgressDeadlineExceeded')
    expect(exceeded.status.conditions[1]).toMatchObject({status: 'False', message: expect.stringMatching(/^ReplicaSet "web-[a-z0-9]+" has timed out progressing\.$/)})
  })

  it('records FailedCreate while the pod service account is missing and recovers once it exists', async () => {
    const d = deployment('app', 'app:1')
    d.spec.template.spec.serviceAccountName = 'later'
    kube.store.create(d)
    await kube.settle()
    expect(podsOf('app')).toHaveLength(0)
    const rs = kube.store.list('replicasets', 'default').find((r) => r.metadata.name.startsWith('app-'))!
    expect(rs.status.conditions[0]).toMatchObject({type: 'ReplicaFailure', reason: 'FailedCreate'})
    const event = kube.store.list('events', 'default').find((e) => e.reason === 'FailedCreate')!
    expect(event.message).toBe(`Error creating: pods "${rs.metadata.name}-" is forbidden: error looking up service account default/later: serviceaccount "later" not found`)
    kube.store.create({apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: 'later', namespace: 'default'}})
    await kube.settle()
    expect(podsOf('app').map((p) => p.status.phase)).toEqual(['Running'])
  })

  it('shows ImagePullBackOff for an image that cannot be pulled', async () => {
    kube.store.create(deployment('broken', 'registry.example/no-such-image:1'))
    await kube.settle()
    expect(podsOf('broken')[0].status.containerStatuses[0].state).toEqual({waiting: {reason: 'ImagePullBackOff', message: 'Back-off pulling image "registry.example/no-such-image:1"'}})
  })

  it('replaces StatefulSet pods from the highest ordinal under RollingUpdate, and not under OnDelete', async () => {
    const sts = (name: string, updateStrategy?: unknown): KubeObject => ({
      ...deployment(name, 'db:1'),
      kind: 'StatefulSet',
      spec: {...deployment(name, 'db:1').spec, replicas: 2, serviceName: name, ...(updateStrategy ? {updateStrategy} : {})},
    })
    kube.store.create(sts('db'))
    kube.store.create(sts('frozen', {type: 'OnDelete'}))
    await kube.settle()
    expect(podsOf('db').map((p) => p.metadata.name)).toEqual(['db-0', 'db-1'])
    setImage('StatefulSet', 'db', 'db:2')
    setImage('StatefulSet', 'frozen', 'db:2')
    await kube.settle()
    expect(podsOf('db').map((p) => p.spec.containers[0].image)).toEqual(['db:2', 'db:2'])
    const status = kube.store.get('statefulsets', 'default', 'db')!.status
    expect(status.currentRevision).toBe(status.updateRevision)
    expect(podsOf('frozen').map((p) => p.spec.containers[0].image)).toEqual(['db:1', 'db:1'])
  })

  it('gives new namespaces their default account and root CA, and fills token secrets', async () => {
    kube.store.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'team'}})
    await kube.settle()
    expect(kube.store.get('serviceaccounts', 'team', 'default')).toBeDefined()
    expect(kube.store.get('configmaps', 'team', 'kube-root-ca.crt')!.data['ca.crt']).toBe(kube.caPem)
    kube.store.create({apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/service-account-token', metadata: {name: 'tok', namespace: 'team', annotations: {'kubernetes.io/service-account.name': 'default'}}})
    await kube.settle()
    const secret = kube.store.get('secrets', 'team', 'tok')!
    expect(Object.keys(secret.data).sort()).toEqual(['ca.crt', 'namespace', 'token'])
    expect(Buffer.from(secret.data.namespace, 'base64').toString()).toBe('team')
  })

  it('deletes dependents with their owner', async () => {
    kube.store.delete('deployments', 'default', 'app')
    await kube.settle()
    expect(podsOf('app')).toHaveLength(0)
    expect(kube.store.list('replicasets', 'default').filter((r) => r.metadata.name.startsWith('app-'))).toHaveLength(0)
  })
})

import {afterEach, describe, expect, it, vi} from 'vitest'

import {startKubeEmulator, type KubeEmulator} from './index.js'

describe('event names', () => {
  let kube: KubeEmulator | undefined
  afterEach(async () => {
    vi.restoreAllMocks()
    await kube?.stop()
  })

  it('the kubelet\'s events about one pod in one millisecond get names of their own, and the pod runs', async () => {
    kube = await startKubeEmulator({preset: 'empty'})
    // Every event below is made in the same millisecond, and any random part of a name comes out the same.
    vi.spyOn(Date, 'now').mockReturnValue(Date.now())
    vi.spyOn(Math, 'random').mockReturnValue(0.5)
    kube.store.create({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'web', namespace: 'default'}, spec: {containers: [{name: 'web', image: 'nginx:1.27'}]}})
    await kube.settle()
    expect(kube.store.get('Pod', 'default', 'web')!.status.phase).toBe('Running')
    const events = kube.store.list('events', 'default').filter((e) => e.involvedObject.name === 'web')
    expect(events.map((e) => e.reason)).toEqual(['Scheduled', 'Pulled', 'Created', 'Started'])
    // client-go tools/record/event.go makeEvent: "<object name>.<UnixNano in hex>".
    for (const event of events) expect(event.metadata.name).toMatch(/^web\.[0-9a-f]{16}$/)
    expect(new Set(events.map((e) => e.metadata.name)).size).toBe(4)
  })
})

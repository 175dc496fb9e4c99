import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startKubeEmulator, type KubeEmulator} from './index.js'
import {hasKubectl, kubectlFor} from './test-support.js'

describe.skipIf(!hasKubectl)('events as the kubelet and the API server record them', () => {
  let kube: KubeEmulator
  let kubectl: ReturnType<typeof kubectlFor>

  beforeAll(async () => {
    kube = await startKubeEmulator({preset: 'tutorial'})
    kubectl = kubectlFor(kube)
  })
  afterAll(async () => {
    await kube?.stop()
  })

  it('names the container of kubelet events in involvedObject.fieldPath, selectable like any event field', async () => {
    const {stdout} = await kubectl(['get', 'events', '--field-selector', 'involvedObject.name=vault-0,involvedObject.fieldPath=spec.containers{vault}', '-o', 'jsonpath={range .items[*]}{.reason}/{.source.component}/{.source.host} {end}'])
    expect(stdout.trim().split(' ').sort()).toEqual(['Created/kubelet/minikube', 'Pulled/kubelet/minikube', 'Started/kubelet/minikube'])
  })

  it('serves the same events through events.k8s.io/v1 (regarding, note, deprecated fields)', async () => {
    const [core, v1] = await Promise.all([
      kubectl(['get', 'events.v1.', '--field-selector', 'involvedObject.name=vault-0', '-o', 'json']),
      kubectl(['get', 'events.v1.events.k8s.io', '--field-selector', 'involvedObject.name=vault-0', '-o', 'json']),
    ])
    const coreItems = JSON.parse(core.stdout).items
    const v1Items = JSON.parse(v1.stdout).items
    expect(v1Items.map((e: {metadata: {uid: string}}) => e.metadata.uid)).toEqual(coreItems.map((e: {metadata: {uid: string}}) => e.metadata.uid))
    const started = v1Items.find((e: {reason: string}) => e.reason === 'Started')
    expect(started).toMatchObject({
      apiVersion: 'events.k8s.io/v1',
      regarding: {kind: 'Pod', name: 'vault-0', fieldPath: 'spec.containers{vault}'},
      note: 'Started container vault',
      type: 'Normal',
      deprecatedSource: {component: 'kubelet', host: 'minikube'},
      deprecatedCount: 1,
    })
    expect(started).not.toHaveProperty('message')
  })

  it('prints events.k8s.io events in the events table', async () => {
    const {stdout} = await kubectl(['get', 'events.events.k8s.io', '--field-selector', 'involvedObject.name=vault-0,reason=Started'])
    expect(stdout).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE\n\S+\s+Normal\s+Started\s+pod\/vault-0\s+Started container vault\n$/)
  })
})

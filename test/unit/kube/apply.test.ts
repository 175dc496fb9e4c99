import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {KubeClient} from '../../../src/kube/client.js'
import {connectKube} from '../../../src/kube/client.js'
import {applyWorkloadPatch} from '../../../src/kube/apply.js'
import type {KubeEmulator} from '../../emulators/kube/index.js'
import {startKubeEmulator} from '../../emulators/kube/index.js'

const patch = {
  spec: {
    template: {
      metadata: {
        annotations: {
          'vault.hashicorp.com/agent-inject': 'true',
          'vault.hashicorp.com/role': 'internal-app',
          'vault.hashicorp.com/agent-inject-secret-database-config.txt': 'internal/data/database/config',
        },
      },
    },
  },
}
const orgchart = {kind: 'Deployment', name: 'orgchart'} as const

let emulator: KubeEmulator
let kube: KubeClient

beforeAll(async () => {
  emulator = await startKubeEmulator({preset: 'tutorial'})
  const kubeconfig = path.join(mkdtempSync(path.join(tmpdir(), 'vsi-apply-')), 'config')
  emulator.writeKubeconfig(kubeconfig)
  kube = await connectKube({kubeconfig})
})

afterAll(async () => {
  await emulator?.stop()
})

const patches = () => emulator.requests.filter((r) => r.method === 'PATCH')

describe('applyWorkloadPatch', () => {
  it('warns about a missing service account, and a rollout that cannot create pods says why', async () => {
    const warnings: string[] = []
    const started = Date.now()
    const error = await applyWorkloadPatch(kube, orgchart, patch, {timeoutMs: 2000, wait: true, warn: (m) => warnings.push(m)}).catch((e: unknown) => e)
    expect(Date.now() - started).toBeLessThan(2000 + 1000)
    expect(warnings).toEqual([expect.stringMatching(/^service account "internal-app" does not exist in namespace "default": the new pods cannot be created/)])
    expect(error).toMatchObject({code: 'rollout-timeout', hint: expect.stringMatching(/^Pods cannot be created: Error creating: .*serviceaccount.*internal-app/i)})
    expect(patches()).toHaveLength(1)
    expect(patches()[0]).toMatchObject({path: '/apis/apps/v1/namespaces/default/deployments/orgchart', contentType: 'application/strategic-merge-patch+json'})
  })

  it('writes nothing when the workload already has the patch, and waits for the rollout as kubectl judges it', async () => {
    emulator.store.create({apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: 'internal-app', namespace: 'default'}})
    // The ReplicaSet controller retries failed creations on its own schedule; a change to the template starts afresh.
    const restart = {spec: {template: {metadata: {annotations: {'kubectl.kubernetes.io/restartedAt': '2024-01-01T00:00:00Z'}}}}}
    const progress: string[] = []
    const result = await applyWorkloadPatch(kube, orgchart, restart, {timeoutMs: 20_000, wait: true, warn: () => {}, onProgress: (s) => progress.push(`${s.ready}/${s.desired}`)})
    expect(result).toMatchObject({changed: true, serviceAccount: 'internal-app', rollout: {done: true, ready: 1, desired: 1, message: 'deployment "orgchart" successfully rolled out'}})
    expect(progress.at(-1)).toBe('1/1')
    const pods = emulator.store.list('pods', 'default').filter((p) => p.metadata.labels?.app === 'orgchart' && !p.metadata.deletionTimestamp)
    expect(pods.map((p) => p.metadata.annotations?.['vault.hashicorp.com/agent-inject-status'])).toEqual(['injected'])

    const before = patches().length
    const again = await applyWorkloadPatch(kube, orgchart, patch, {timeoutMs: 10_000, wait: true, warn: () => {}})
    expect(again).toMatchObject({changed: false, rollout: {done: true}})
    expect(patches()).toHaveLength(before)
  })

  it('warns when the injector is not ready, and returns at once with wait: false', async () => {
    emulator.setInjectorReady(false)
    try {
      const warnings: string[] = []
      const changed = {spec: {template: {metadata: {annotations: {'vault.hashicorp.com/agent-inject-secret-other.txt': 'internal/data/other'}}}}}
      const result = await applyWorkloadPatch(kube, orgchart, changed, {timeoutMs: 10_000, wait: false, warn: (m) => warnings.push(m)})
      expect(result).toMatchObject({changed: true, rollout: null})
      expect(warnings.join('\n')).toMatch(/the injector service default\/vault-agent-injector-svc has no ready endpoints: pods created now will start WITHOUT secrets/)
    } finally {
      emulator.setInjectorReady(true)
    }
  })

  it('gives up at the timeout on a rollout that never completes, naming the stuck pod', async () => {
    const stuck = {spec: {template: {spec: {containers: [{name: 'orgchart', image: 'jweissig/app:never-ready'}]}}}}
    const started = Date.now()
    const error = await applyWorkloadPatch(kube, orgchart, stuck, {timeoutMs: 2000, wait: true, warn: () => {}}).catch((e: unknown) => e)
    expect(Date.now() - started).toBeLessThan(2000 + 1000)
    expect(error).toMatchObject({code: 'rollout-timeout', exitCode: 1, result: {changed: true, rollout: {done: false}}})
    expect((error as Error).message).toMatch(/^timed out waiting for the rollout of deployment\/orgchart after 2s: Waiting for deployment "orgchart" rollout to finish/)
    expect((error as {hint: string}).hint).toMatch(/^Pod orgchart-\S+: container orgchart is not ready/)
  })

  it('maps API errors for unknown workloads', async () => {
    await expect(applyWorkloadPatch(kube, {kind: 'StatefulSet', name: 'nope'}, patch, {timeoutMs: 5000, wait: false, warn: () => {}})).rejects.toMatchObject({
      code: 'kube-not-found',
      message: 'statefulset "nope" not found in namespace "default"',
    })
  })
})

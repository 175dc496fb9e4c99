import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startKubeEmulator, type KubeEmulator} from './index.js'
import {hasKubectl, kubectlFor} from './test-support.js'

describe.skipIf(!hasKubectl)('rollouts as the deployment controller records them', () => {
  let kube: KubeEmulator
  let kubectl: ReturnType<typeof kubectlFor>
  const replicaSets = () =>
    kube.store
      .list('replicasets', 'default')
      .filter((rs) => rs.metadata.name.startsWith('web-'))
      .map((rs) => rs.metadata.annotations ?? {})

  beforeAll(async () => {
    kube = await startKubeEmulator({preset: 'tutorial'})
    kubectl = kubectlFor(kube)
    // kubectl create deployment sends a protobuf body
    expect((await kubectl(['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=4'])).stdout).toBe('deployment.apps/web created\n')
    expect(kube.requests.find((r) => r.method === 'POST' && r.path.endsWith('/deployments'))?.contentType).toBe('application/vnd.kubernetes.protobuf')
    expect((await kubectl(['annotate', 'deployment', 'web', 'kubernetes.io/change-cause=first release'])).code).toBe(0)
    expect((await kubectl(['rollout', 'status', 'deployment/web', '--timeout=20s'])).code).toBe(0)
    expect((await kubectl(['set', 'image', 'deployment/web', 'nginx=nginx:1.28'])).code).toBe(0)
    expect((await kubectl(['annotate', 'deployment', 'web', '--overwrite', 'kubernetes.io/change-cause=nginx 1.28'])).code).toBe(0)
    expect((await kubectl(['rollout', 'status', 'deployment/web', '--timeout=20s'])).code).toBe(0)
    await kube.settle()
  })
  afterAll(async () => {
    await kube?.stop()
  })

  it('copies kubernetes.io/change-cause to the ReplicaSets, so rollout history shows it', async () => {
    const {stdout} = await kubectl(['rollout', 'history', 'deployment/web'])
    expect(stdout).toMatch(/^REVISION\s+CHANGE-CAUSE\n1\s+first release\n2\s+nginx 1\.28\n/m)
  })

  it('sets max-replicas from maxSurge (25% of 4 rounds up to 1)', () => {
    for (const a of replicaSets()) expect(a).toMatchObject({'deployment.kubernetes.io/desired-replicas': '4', 'deployment.kubernetes.io/max-replicas': '5'})
  })

  it('records the revision a rollback replaced in revision-history', async () => {
    expect((await kubectl(['rollout', 'undo', 'deployment/web', '--to-revision=1'])).stdout).toBe('deployment.apps/web rolled back\n')
    expect((await kubectl(['rollout', 'status', 'deployment/web', '--timeout=20s'])).code).toBe(0)
    await kube.settle()
    const back = replicaSets().find((a) => a['deployment.kubernetes.io/revision'] === '3')
    expect(back).toMatchObject({'deployment.kubernetes.io/revision-history': '1', 'kubernetes.io/change-cause': 'first release'})
    const {stdout} = await kubectl(['rollout', 'history', 'deployment/web'])
    expect(stdout).toMatch(/^2\s+nginx 1\.28\n3\s+first release\n/m)
  })
})

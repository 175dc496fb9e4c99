import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startKubeEmulator, type KubeEmulator} from './index.js'
import {hasKubectl, kubectlFor} from './test-support.js'

describe.skipIf(!hasKubectl)('kubectl explain over the OpenAPI v3 documents', () => {
  let kube: KubeEmulator
  let kubectl: ReturnType<typeof kubectlFor>

  beforeAll(async () => {
    kube = await startKubeEmulator({preset: 'empty'})
    kubectl = kubectlFor(kube)
  })
  afterAll(() => kube?.stop())

  it('finds the kinds by their x-kubernetes-group-version-kind and lists their fields with types', async () => {
    const deployment = await kubectl(['explain', 'deployments'])
    expect(deployment.code).toBe(0)
    expect(deployment.stdout).toMatch(/^GROUP: {6}apps\nKIND: {7}Deployment\nVERSION: {4}v1\n/)
    expect(deployment.stdout).toContain('DESCRIPTION:\n    Deployment enables declarative updates for Pods and ReplicaSets.\n')
    expect(deployment.stdout).toContain('  spec\t<DeploymentSpec>\n    Specification of the desired behavior of the Deployment.\n')
    expect(deployment.stdout).toContain('  metadata\t<ObjectMeta>\n')
    const replicas = await kubectl(['explain', 'deployment.spec.replicas'])
    expect(replicas.stdout).toContain('FIELD: replicas <integer>\n')
    const sa = await kubectl(['explain', 'serviceaccounts'])
    expect(sa.stdout).toContain('  automountServiceAccountToken\t<boolean>\n')
    const pod = await kubectl(['explain', 'pods.spec.containers'])
    expect(pod.stdout).toMatch(/FIELD: containers <\[\]Container>/)
    expect(pod.stdout).toContain('  image\t<string>\n')
  })

  it('explains Jobs and CronJobs down to the pod template', async () => {
    const image = await kubectl(['explain', 'jobs.spec.template.spec.containers.image'])
    expect(image).toMatchObject({code: 0})
    expect(image.stdout).toMatch(/^GROUP: {6}batch\nKIND: {7}Job\nVERSION: {4}v1\n\nFIELD: image <string>\n/)
    const cronjob = await kubectl(['explain', 'cronjobs.spec'])
    expect(cronjob.stdout).toContain('  schedule\t<string>\n')
    expect(cronjob.stdout).toContain('  jobTemplate\t<JobTemplateSpec>\n')
    const index = kube.requests.find((r) => r.path === '/openapi/v3/apis/batch/v1')
    expect(index?.status).toBe(200)
  })

  it('reports a field that does not exist as kubectl does', async () => {
    const missing = await kubectl(['explain', 'pods.spec.nosuch'])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('field "nosuch" does not exist')
  })
})

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startKubeEmulator, type KubeEmulator} from './index.js'
import {hasKubectl, kubectlFor} from './test-support.js'

const deployment = (name: string, opts: {replicas?: number; image?: string} = {}) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels: {app: ${name}}
spec:
${opts.replicas ? `  replicas: ${opts.replicas}\n` : ''}  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
      - name: nginx
        image: ${opts.image ?? 'nginx:1.27'}
`

type Entry = {manager: string; operation: string; apiVersion: string; fieldsV1: Record<string, any>}

describe.skipIf(!hasKubectl)('server-side apply and managedFields, driven by the real kubectl', () => {
  let kube: KubeEmulator
  let kubectl: ReturnType<typeof kubectlFor>
  const managed = async (name: string): Promise<Entry[]> =>
    JSON.parse((await kubectl(['get', 'deploy', name, '-o', 'json', '--show-managed-fields'])).stdout).metadata.managedFields

  beforeAll(async () => {
    kube = await startKubeEmulator({preset: 'empty'})
    kubectl = kubectlFor(kube)
  })
  afterAll(() => kube?.stop())

  it('records the creating manager\'s fields as an Update (kubectl create deployment → kubectl-create)', async () => {
    expect((await kubectl(['create', 'deployment', 'made', '--image=nginx:1.27'])).code).toBe(0)
    const [entry] = await managed('made')
    expect(entry).toMatchObject({manager: 'kubectl-create', operation: 'Update', apiVersion: 'apps/v1', fieldsType: 'FieldsV1'})
    // a map the update added is owned as a whole (`.`); value structs such as spec.strategy are not
    expect(entry.fieldsV1['f:metadata']).toEqual({'f:labels': {'.': {}, 'f:app': {}}})
    expect(entry.fieldsV1['f:spec']['f:strategy']).toEqual({'f:rollingUpdate': {'.': {}, 'f:maxSurge': {}, 'f:maxUnavailable': {}}, 'f:type': {}})
    expect(entry.fieldsV1['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"nginx"}']).toMatchObject({'.': {}, 'f:image': {}, 'f:name': {}, 'f:imagePullPolicy': {}})
    expect(entry.fieldsV1['f:spec']['f:replicas']).toEqual({})
    expect(entry.fieldsV1['f:status']).toBeUndefined()
  })

  it('creates with apply --server-side: the apply manager owns exactly the fields of its configuration', async () => {
    const applied = await kubectl(['apply', '--server-side', '-f', '-'], deployment('applied', {replicas: 2}))
    expect(applied).toMatchObject({code: 0, stdout: 'deployment.apps/applied serverside-applied\n'})
    const request = kube.requests.find((r) => r.method === 'PATCH' && r.path.endsWith('/deployments/applied'))!
    expect(request.contentType).toBe('application/apply-patch+yaml')
    expect(request.query).toContain('fieldManager=kubectl')
    expect(request.status).toBe(201)
    const entries = await managed('applied')
    expect(entries).toHaveLength(1)
    expect(entries[0]).toMatchObject({manager: 'kubectl', operation: 'Apply'})
    expect(entries[0].fieldsV1).toEqual({
      'f:metadata': {'f:labels': {'f:app': {}}},
      'f:spec': {
        'f:replicas': {},
        'f:selector': {},
        'f:template': {'f:metadata': {'f:labels': {'f:app': {}}}, 'f:spec': {'f:containers': {'k:{"name":"nginx"}': {'.': {}, 'f:image': {}, 'f:name': {}}}}},
      },
    })
  })

  it('refuses to take a field another manager set to another value: 409 naming the manager and the field', async () => {
    const conflicted = await kubectl(['apply', '--server-side', '-f', '-'], deployment('made', {replicas: 3}))
    expect(conflicted.code).toBe(1)
    expect(conflicted.stderr).toMatch(/^error: Apply failed with 1 conflict: conflict with "kubectl-create" using apps\/v1: \.spec\.replicas\nPlease review the fields above/)
    const status = kube.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith('/deployments/made')).at(-1)!
    expect(status.status).toBe(409)
    expect(kube.store.get('deployments', 'default', 'made')!.spec.replicas).toBe(1)
  })

  it('names every conflict, grouped by manager, when several fields conflict', async () => {
    const conflicted = await kubectl(['apply', '--server-side', '-f', '-'], deployment('made', {replicas: 4, image: 'nginx:1.28'}))
    expect(conflicted.stderr).toContain(
      'error: Apply failed with 2 conflicts: conflicts with "kubectl-create" using apps/v1:\n- .spec.replicas\n- .spec.template.spec.containers[name="nginx"].image\n',
    )
  })

  it('takes the fields over with --force-conflicts, and drops a field once its only applier stops applying it', async () => {
    expect((await kubectl(['apply', '--server-side', '--force-conflicts', '-f', '-'], deployment('made', {replicas: 3}))).code).toBe(0)
    const entries = await managed('made')
    const byManager = Object.fromEntries(entries.map((e) => [e.manager, e]))
    expect(byManager.kubectl.fieldsV1['f:spec']['f:replicas']).toEqual({})
    expect(byManager['kubectl-create'].fieldsV1['f:spec']['f:replicas']).toBeUndefined()
    expect(kube.store.get('deployments', 'default', 'made')!.spec.replicas).toBe(3)
    // the same value applied by another manager is shared, not a conflict
    expect((await kubectl(['apply', '--server-side', '--field-manager=ci', '-f', '-'], deployment('made', {replicas: 3}))).code).toBe(0)
    // kubectl no longer applies replicas but ci still does: the field stays
    expect((await kubectl(['apply', '--server-side', '-f', '-'], deployment('made'))).code).toBe(0)
    expect(kube.store.get('deployments', 'default', 'made')!.spec.replicas).toBe(3)
    // once ci drops it too, nobody owns it: removed, then defaulted back to 1
    expect((await kubectl(['apply', '--server-side', '--field-manager=ci', '-f', '-'], deployment('made'))).code).toBe(0)
    expect(kube.store.get('deployments', 'default', 'made')!.spec.replicas).toBe(1)
  })

  it('serves kubectl diff --server-side through a dry-run apply that stores nothing', async () => {
    const diff = await kubectl(['diff', '--server-side', '-f', '-'], deployment('applied', {replicas: 5}))
    expect(diff.code).toBe(1)
    expect(diff.stdout).toMatch(/\n- {2}replicas: 2\n\+ {2}replicas: 5\n/)
    expect(kube.store.get('deployments', 'default', 'applied')!.spec.replicas).toBe(2)
  })

  it('requires a field manager for an apply patch, as ValidatePatchOptions does', async () => {
    const {request} = await import('node:https')
    const body = JSON.stringify({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'applied'}})
    const answer = await new Promise<{status: number; body: string}>((resolve, reject) => {
      const req = request(`${kube.url}/apis/apps/v1/namespaces/default/deployments/applied`, {
        method: 'PATCH',
        ca: kube.caPem,
        headers: {Authorization: `Bearer ${kube.adminToken}`, 'Content-Type': 'application/apply-patch+yaml'},
      })
      req.on('response', (res) => {
        let text = ''
        res.on('data', (c) => (text += c))
        res.on('end', () => resolve({status: res.statusCode!, body: text}))
      })
      req.on('error', reject)
      req.end(body)
    })
    expect(answer.status).toBe(422)
    expect(JSON.parse(answer.body)).toMatchObject({reason: 'Invalid', message: 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch'})
  })
})

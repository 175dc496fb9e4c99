import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {startVaultEmulator, type VaultEmulator} from '../vault/index.js'
import {startKubeEmulator, type KubeEmulator} from './index.js'
import {execCapture} from './test-support.js'

/** The whole tutorial against both emulators, wired as launch.ts wires them: real login, real TokenReview. */
describe('the tutorial end to end on the kube and Vault emulators', () => {
  let kube: KubeEmulator
  let vault: VaultEmulator
  const V = async (method: string, path: string, body: unknown) => {
    const res = await fetch(`${vault.url}/v1/${path}`, {method, headers: {'X-Vault-Token': vault.rootToken}, body: JSON.stringify(body)})
    expect(res.status, `${method} ${path}`).toBeLessThan(300)
  }

  beforeAll(async () => {
    kube = await startKubeEmulator({preset: 'tutorial'})
    vault = await startVaultEmulator({kube: {url: kube.url, caPem: kube.caPem, serviceAccountToken: kube.issueServiceAccountToken('default', 'vault')}})
    kube.setVault({url: vault.url})
  })
  afterAll(async () => {
    await kube?.stop()
    await vault?.stop()
  })

  it('renders /vault/secrets/database-config.txt in the patched orgchart pod', async () => {
    await V('POST', 'sys/mounts/internal', {type: 'kv', options: {version: '2'}})
    await V('POST', 'internal/data/database/config', {data: {username: 'db-readonly-username', password: 'db-secret-password'}})
    await V('POST', 'sys/auth/kubernetes', {type: 'kubernetes'})
    await V('POST', 'auth/kubernetes/config', {kubernetes_host: 'https://kubernetes.default.svc'})
    await V('PUT', 'sys/policies/acl/internal-app', {policy: 'path "internal/data/database/config" {\n  capabilities = ["read"]\n}'})
    await V('POST', 'auth/kubernetes/role/internal-app', {bound_service_account_names: 'internal-app', bound_service_account_namespaces: 'default', policies: 'internal-app', ttl: '24h'})
    kube.store.create({apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: 'internal-app', namespace: 'default'}})
    const patch = parse(readFileSync(new URL('../../fixtures/tutorial/patch-inject-secrets.yaml', import.meta.url), 'utf8'))
    const d = kube.store.get('deployments', 'default', 'orgchart')!
    d.spec.template.metadata.annotations = patch.spec.template.metadata.annotations
    kube.store.put(d)
    await kube.settle()

    const pods = kube.store.list('pods', 'default').filter((p) => p.metadata.labels?.app === 'orgchart')
    expect(pods).toHaveLength(1)
    const kubeconfig = join(mkdtempSync(join(tmpdir(), 'tutorial-')), 'config')
    kube.writeKubeconfig(kubeconfig)
    const {stdout} = await execCapture(kubeconfig, 'default', pods[0].metadata.name, 'orgchart', ['cat', '/vault/secrets/database-config.txt'])
    expect(stdout).toMatch(/^data: map\[password:db-secret-password username:db-readonly-username\]\nmetadata: map\[created_time:\S+ custom_metadata:<nil> deletion_time: destroyed:false version:1\]\n$/)
    expect(kube.requests.filter((r) => r.path === '/apis/authentication.k8s.io/v1/tokenreviews').map((r) => r.status)).toEqual([201, 201])
  })
})

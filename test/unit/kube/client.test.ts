import {mkdtempSync} from 'node:fs'
import {createServer} from 'node:http'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {KubeClient} from '../../../src/kube/client.js'
import {connectKube} from '../../../src/kube/client.js'
import {isAlreadyExists} from '../../../src/kube/errors.js'
import {checkInjector} from '../../../src/kube/injector-webhook.js'
import type {KubeEmulator} from '../../emulators/kube/index.js'
import {startKubeEmulator} from '../../emulators/kube/index.js'

let emulator: KubeEmulator
let kube: KubeClient
const vault = createServer((req, res) => res.end(`vault says hi to ${req.url}`))

beforeAll(async () => {
  await new Promise<void>((resolve) => vault.listen(0, '127.0.0.1', resolve))
  const {port} = vault.address() as AddressInfo
  emulator = await startKubeEmulator({preset: 'tutorial', portForwardTargets: {'default/vault-0:8200': {host: '127.0.0.1', port}}})
  const kubeconfig = path.join(mkdtempSync(path.join(tmpdir(), 'vsi-client-')), 'config')
  emulator.writeKubeconfig(kubeconfig)
  kube = await connectKube({kubeconfig})
})

afterAll(async () => {
  await emulator?.stop()
  vault.close()
})

describe('KubeClient against the emulator', () => {
  it('creates and finds service accounts, secrets and cluster role bindings', async () => {
    expect(await kube.findServiceAccount('internal-app')).toBeUndefined()
    const created = await kube.createServiceAccount('internal-app')
    expect(created.metadata?.name).toBe('internal-app')
    expect((await kube.findServiceAccount('internal-app'))?.metadata?.uid).toBe(created.metadata?.uid)
    const again = await kube.createServiceAccount('internal-app').catch((e: unknown) => e)
    expect(isAlreadyExists(again)).toBe(true)

    await kube.createSecret({metadata: {name: 'reviewer'}, type: 'Opaque', stringData: {a: 'b'}})
    expect((await kube.findSecret('reviewer'))?.data?.a).toBe(Buffer.from('b').toString('base64'))

    expect(await kube.findClusterRoleBinding('vault-server-binding')).toMatchObject({roleRef: {name: 'system:auth-delegator'}})
    await kube.createClusterRoleBinding({
      metadata: {name: 'internal-app-tokenreview'},
      roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator'},
      subjects: [{kind: 'ServiceAccount', name: 'internal-app', namespace: 'default'}],
    })
    expect((await kube.findClusterRoleBinding('internal-app-tokenreview'))?.subjects?.[0].name).toBe('internal-app')
  })

  it('requests service account tokens and reads the root CA', async () => {
    const {token, expiresAt} = await kube.requestServiceAccountToken('vault', {audiences: ['vault'], expirationSeconds: 600})
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString())
    expect(claims).toMatchObject({sub: 'system:serviceaccount:default:vault', aud: ['vault']})
    expect(expiresAt).toBeInstanceOf(Date)
    expect((await kube.findConfigMap('kube-root-ca.crt'))?.data?.['ca.crt']).toContain('BEGIN CERTIFICATE')
  })

  it('finds the injector webhook and its readiness', async () => {
    expect(await checkInjector(kube)).toMatchObject({configuration: 'vault-agent-injector-cfg', ready: true, problems: []})
    emulator.setInjectorReady(false)
    try {
      expect(await checkInjector(kube)).toMatchObject({ready: false, problems: ['the injector service default/vault-agent-injector-svc has no ready endpoints']})
    } finally {
      emulator.setInjectorReady(true)
    }
  })

  it('lists pods by selector, reads logs and events, and runs commands', async () => {
    const [vault0] = await kube.listPods({labelSelector: 'app.kubernetes.io/name=vault,component=server'})
    expect(vault0.metadata?.name).toBe('vault-0')
    expect((await kube.listPods({allNamespaces: true, labelSelector: 'app.kubernetes.io/name=vault-agent-injector'})).length).toBe(1)
    emulator.appendLog('default', 'vault-0', 'vault', 'hello from vault\n')
    expect(await kube.podLogs('vault-0', {container: 'vault', tailLines: 5})).toContain('hello from vault')
    expect(Array.isArray(await kube.listEvents({fieldSelector: 'involvedObject.kind=Pod'}))).toBe(true)
    const result = await kube.exec('vault-0', ['cat', '/etc/hostname'], {container: 'vault', timeoutMs: 5000})
    expect(result).toMatchObject({exitCode: 0})
    expect(result.stdout.toString()).toBe('vault-0\n')
    await expect(kube.getPod('nope')).rejects.toMatchObject({code: 'kube-not-found', message: 'pod "nope" not found in namespace "default"'})
  })

  it('port-forwards to the pod behind a Service, as kubectl port-forward svc/vault does', async () => {
    const forward = await kube.portForwardService('vault', 8200)
    try {
      const [first, second] = await Promise.all([fetch(`${forward.url}/v1/sys/health`), fetch(`${forward.url}/v1/sys/seal-status`)])
      expect(await first.text()).toBe('vault says hi to /v1/sys/health')
      expect(await second.text()).toBe('vault says hi to /v1/sys/seal-status')
    } finally {
      await forward.close()
    }
    await expect(kube.portForwardService('nope', 8200)).rejects.toMatchObject({code: 'kube-not-found', message: 'service "nope" not found in namespace "default"'})
  })
})

import {mkdtempSync} from 'node:fs'
import {connect, createServer, type Server} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {
  ApiException,
  AppsV1Api,
  AuthenticationV1Api,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  PortForward,
  setHeaderOptions,
} from '@kubernetes/client-node'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {WebSocket} from 'ws'

import {startKubeEmulator, type KubeEmulator} from './index.js'
import {execCapture} from './test-support.js'

describe('the kube emulator through @kubernetes/client-node', () => {
  let kube: KubeEmulator
  let kc: KubeConfig
  let kubeconfig: string
  let echo: Server

  beforeAll(async () => {
    echo = createServer((s) => s.on('data', (d) => s.end(`echo:${d}`)))
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve))
    kube = await startKubeEmulator({preset: 'tutorial', portForwardTargets: {'default/vault-0:8200': {host: '127.0.0.1', port: (echo.address() as {port: number}).port}}})
    kubeconfig = join(mkdtempSync(join(tmpdir(), 'client-node-')), 'config')
    kube.writeKubeconfig(kubeconfig)
    kc = new KubeConfig()
    kc.loadFromFile(kubeconfig)
  })
  afterAll(async () => {
    await kube?.stop()
    echo?.close()
  })

  it('patches a deployment with a strategic merge patch and rolls it out', async () => {
    const apps = kc.makeApiClient(AppsV1Api)
    const core = kc.makeApiClient(CoreV1Api)
    await core.createNamespacedServiceAccount({namespace: 'default', body: {metadata: {name: 'internal-app'}}})
    const patched = await apps.patchNamespacedDeployment(
      {name: 'orgchart', namespace: 'default', body: {spec: {template: {metadata: {annotations: {'vault.hashicorp.com/agent-inject': 'true', 'vault.hashicorp.com/role': 'internal-app'}}}}}},
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    )
    expect(patched.metadata?.generation).toBe(2)
    expect(patched.status?.observedGeneration).toBe(1)
    await kube.settle()
    const d = await apps.readNamespacedDeployment({name: 'orgchart', namespace: 'default'})
    expect(d.status).toMatchObject({observedGeneration: 2, replicas: 1, updatedReplicas: 1, availableReplicas: 1})
    const pods = await core.listNamespacedPod({namespace: 'default', labelSelector: 'app=orgchart'})
    expect(pods.items.map((p) => p.spec?.containers.map((c) => c.name))).toEqual([['orgchart', 'vault-agent']])
    expect(kube.requests.find((r) => r.method === 'PATCH')).toMatchObject({contentType: 'application/strategic-merge-patch+json', status: 200})
  })

  it('answers errors with the API server Status, and 415 for a patch without a patch content type', async () => {
    const apps = kc.makeApiClient(AppsV1Api)
    const error = await apps.readNamespacedDeployment({name: 'nope', namespace: 'default'}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiException)
    expect(JSON.parse((error as ApiException<string>).body)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'deployments.apps "nope" not found',
      reason: 'NotFound',
      details: {name: 'nope', group: 'apps', kind: 'deployments'},
      code: 404,
    })
    const jsonPatch = await apps.patchNamespacedDeployment({name: 'orgchart', namespace: 'default', body: {spec: {replicas: 2}}}).catch((e: ApiException<string>) => e)
    expect((jsonPatch as ApiException<string>).code).toBe(400)
    const stale = await apps.readNamespacedDeployment({name: 'orgchart', namespace: 'default'})
    await apps.patchNamespacedDeployment({name: 'orgchart', namespace: 'default', body: {metadata: {labels: {touched: 'yes'}}}}, setHeaderOptions('Content-Type', PatchStrategy.MergePatch))
    const conflict = await apps.replaceNamespacedDeployment({name: 'orgchart', namespace: 'default', body: stale}).catch((e: ApiException<string>) => e)
    expect(JSON.parse((conflict as ApiException<string>).body)).toMatchObject({
      reason: 'Conflict',
      code: 409,
      message: 'Operation cannot be fulfilled on deployments.apps "orgchart": the object has been modified; please apply your changes to the latest version and try again',
    })
    kube.failNext({pathPrefix: '/apis/apps/v1/namespaces/default/deployments/orgchart', status: 500})
    const fault = await apps.readNamespacedDeployment({name: 'orgchart', namespace: 'default'}).catch((e: ApiException<string>) => e)
    expect(JSON.parse((fault as ApiException<string>).body)).toMatchObject({reason: 'InternalError', code: 500})
  })

  it('issues TokenRequest tokens that TokenReview accepts until the account is deleted', async () => {
    const core = kc.makeApiClient(CoreV1Api)
    const authn = kc.makeApiClient(AuthenticationV1Api)
    const tr = await core.createNamespacedServiceAccountToken({name: 'internal-app', namespace: 'default', body: {spec: {audiences: ['vault'], expirationSeconds: 600}}})
    const token = tr.status!.token
    const review = async (audiences?: string[]) => (await authn.createTokenReview({body: {spec: {token, audiences}}})).status
    expect(await review(['vault'])).toMatchObject({authenticated: true, audiences: ['vault'], user: {username: 'system:serviceaccount:default:internal-app'}})
    expect((await review())?.error).toMatch(/^\[invalid bearer token, token audiences \["vault"\] is invalid for the target audiences/)
    await core.deleteNamespacedServiceAccount({name: 'internal-app', namespace: 'default'})
    expect((await review(['vault']))?.error).toBe('[invalid bearer token, serviceaccount "internal-app" not found]')
  })

  it('reports exec exit status on channel 3, and can drop the stream or omit the status', async () => {
    const ok = await execCapture(kubeconfig, 'default', 'vault-0', 'vault', ['sh', '-c', 'echo hi; cat /nope || echo fallback'])
    expect(ok).toEqual({status: {metadata: {}, status: 'Success'}, stdout: 'hi\nfallback\n', stderr: "cat: can't open '/nope': No such file or directory\n"})
    const failed = await execCapture(kubeconfig, 'default', 'vault-0', 'vault', ['test', '-s', '/vault/secrets/x'])
    expect(failed.status).toMatchObject({status: 'Failure', reason: 'NonZeroExitCode', details: {causes: [{reason: 'ExitCode', message: '1'}]}})
    kube.failNextExec({mode: 'no-status'})
    expect((await execCapture(kubeconfig, 'default', 'vault-0', 'vault', ['cat', '/etc/hostname'])).status).toBe('closed without status')
    kube.failNextExec({mode: 'drop'})
    expect((await execCapture(kubeconfig, 'default', 'vault-0', 'vault', ['cat', '/etc/hostname'])).status).toBe('closed without status')
    await expect(execCapture(kubeconfig, 'default', 'vault-0', 'nope', ['ls'])).rejects.toThrow('Unexpected server response: 400')
    kube.store.create({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'pulling', namespace: 'default'}, spec: {containers: [{name: 'app', image: 'no-such-image:1'}]}})
    await kube.settle()
    expect((await execCapture(kubeconfig, 'default', 'pulling', 'app', ['ls'])).status).toEqual({
      metadata: {},
      status: 'Failure',
      message: 'Internal error occurred: unable to upgrade connection: container not found ("app")',
      reason: 'InternalError',
      details: {causes: [{message: 'unable to upgrade connection: container not found ("app")'}]},
      code: 500,
    })
    kube.deny({verb: 'create', resource: 'pods/exec', namespace: 'default'})
    await expect(execCapture(kubeconfig, 'default', 'vault-0', 'vault', ['ls'])).rejects.toThrow('Unexpected server response: 403')
    expect(kube.requests.at(-1)).toMatchObject({path: '/api/v1/namespaces/default/pods/vault-0/exec', status: 403})
  })

  it('port-forwards over v4.channel.k8s.io to the configured target', async () => {
    const local = createServer((socket) => {
      void new PortForward(kc).portForward('default', 'vault-0', [8200], socket, null, socket).then((ws) => (ws as WebSocket).on('close', () => socket.destroy()))
    })
    await new Promise<void>((resolve) => local.listen(0, '127.0.0.1', resolve))
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect((local.address() as {port: number}).port, '127.0.0.1', () => socket.write('ping'))
      let data = ''
      socket.on('data', (d) => (data += d))
      socket.on('close', () => resolve(data))
      socket.on('error', reject)
    })
    local.close()
    expect(reply).toBe('echo:ping')
  })
})

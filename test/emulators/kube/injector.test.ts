import {request as httpsRequest} from 'node:https'
import {createServer, type IncomingMessage, type Server} from 'node:http'
import {readFileSync} from 'node:fs'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import type {KubeObject} from './types.js'

import {startKubeEmulator, type KubeEmulator} from './index.js'
import {execCapture} from './test-support.js'

const seed = (name: string) => parse(readFileSync(new URL(`../../fixtures/tutorial/${name}`, import.meta.url), 'utf8'))

/**
 * Just enough of Vault for the agent: Kubernetes login that asks the emulator's TokenReview (as the vault SA, which
 * holds system:auth-delegator), the role `internal-app` bound to that account, and one KV v2 secret.
 */
function fakeVault(kube: () => KubeEmulator): Server {
  const tokenReview = (jwt: string) =>
    new Promise<{status: {authenticated?: boolean; user?: {username: string}}}>((resolve, reject) => {
      const req = httpsRequest(`${kube().url}/apis/authentication.k8s.io/v1/tokenreviews`, {
        method: 'POST',
        ca: kube().caPem,
        headers: {'Content-Type': 'application/json', Authorization: `Bearer ${kube().issueServiceAccountToken('default', 'vault')}`},
      })
      req.on('response', (res: IncomingMessage) => {
        let body = ''
        res.on('data', (c) => (body += c))
        res.on('end', () => resolve(JSON.parse(body)))
      })
      req.on('error', reject)
      req.end(JSON.stringify({apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: {token: jwt}}))
    })
  return createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', async () => {
      const reply = (code: number, payload: unknown) => res.writeHead(code, {'Content-Type': 'application/json'}).end(JSON.stringify(payload))
      if (req.method === 'PUT' && req.url === '/v1/auth/kubernetes/login') {
        const {jwt, role} = JSON.parse(body)
        const review = await tokenReview(jwt)
        if (role !== 'internal-app' || review.status.user?.username !== 'system:serviceaccount:default:internal-app') return reply(403, {errors: ['permission denied']})
        return reply(200, {auth: {client_token: 'hvs.emulated'}})
      }
      if (req.headers['x-vault-token'] !== 'hvs.emulated') return reply(403, {errors: ['permission denied']})
      if (req.url === '/v1/sys/internal/ui/mounts/internal/data/database/config') return reply(200, {data: {path: 'internal/', type: 'kv', options: {version: '2'}}})
      if (req.url === '/v1/internal/data/database/config') {
        return reply(200, {
          request_id: 'r1',
          lease_id: '',
          lease_duration: 0,
          renewable: false,
          data: {
            data: {password: 'db-secret-password', username: 'db-readonly-username'},
            metadata: {created_time: '2026-01-01T00:00:00.000000Z', custom_metadata: null, deletion_time: '', destroyed: false, version: 1},
          },
          warnings: null,
        })
      }
      reply(404, {errors: []})
    })
  })
}

const renderOptions: Array<{leftDelim: string; rightDelim: string; errorOnMissingKey: boolean}> = []

/** A stand-in for the project's Go-template engine: handles the tutorial's template only. */
function tutorialRender(template: string, secret: (path: string) => unknown, options: (typeof renderOptions)[number]): string {
  renderOptions.push(options)
  const s = secret('internal/data/database/config') as {Data: {data: {username: string; password: string}}}
  expect(template).toContain('{{- with secret "internal/data/database/config" -}}')
  return `postgresql://${s.Data.data.username}:${s.Data.data.password}@postgres:5432/wizard`
}

describe('the injector and the emulated Vault Agent', () => {
  let kube: KubeEmulator
  let vault: Server
  let kubeconfig: string
  const orgchartPods = () => kube.store.list('pods', 'default').filter((p) => p.metadata.labels?.app === 'orgchart')
  const patchOrgchart = (patch: {spec: {template: KubeObject['spec']['template']}}) => {
    const d = kube.store.get('deployments', 'default', 'orgchart')!
    const annotations = {...d.spec.template.metadata.annotations, ...patch.spec.template.metadata.annotations}
    kube.store.put({...d, spec: {...d.spec, template: {...d.spec.template, metadata: {...d.spec.template.metadata, annotations}}}})
  }

  beforeAll(async () => {
    vault = fakeVault(() => kube)
    await new Promise<void>((resolve) => vault.listen(0, '127.0.0.1', resolve))
    kube = await startKubeEmulator({preset: 'tutorial', vault: {url: `http://127.0.0.1:${(vault.address() as {port: number}).port}`}, render: tutorialRender})
    kubeconfig = join(mkdtempSync(join(tmpdir(), 'injector-')), 'config')
    kube.writeKubeconfig(kubeconfig)
  })
  afterAll(async () => {
    await kube?.stop()
    vault?.close()
  })

  it('leaves a pod whose login is refused in Init with the agent error in vault-agent-init logs', async () => {
    patchOrgchart(seed('patch-inject-secrets.yaml'))
    kube.store.create({apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: 'internal-app', namespace: 'default'}})
    // the role is bound to internal-app, so run the pods as `default` first
    const d = kube.store.get('deployments', 'default', 'orgchart')!
    kube.store.put({...d, spec: {...d.spec, template: {...d.spec.template, spec: {...d.spec.template.spec, serviceAccountName: 'default'}}}})
    await kube.settle()
    const stuck = orgchartPods().find((p) => p.spec.serviceAccountName === 'default')!
    expect(stuck.status.phase).toBe('Pending')
    expect(stuck.status.initContainerStatuses[0]).toMatchObject({name: 'vault-agent-init', ready: false, state: {running: {}}})
    const log = await fetchLog(kube, stuck.metadata.name, 'vault-agent-init')
    expect(log).toMatch(
      /\[ERROR\] agent\.auth\.handler: error authenticating:\n {2}error=\n {2}\| Error making API request\.\n {2}\| \n {2}\| URL: PUT http:\/\/vault\.default\.svc:8200\/v1\/auth\/kubernetes\/login\n {2}\| Code: 403\. Errors:\n {2}\| \n {2}\| \* permission denied\n {3}backoff=1s\n/,
    )
    expect(kube.store.get('deployments', 'default', 'orgchart')!.status.updatedReplicas).toBe(1)
    expect(kube.store.get('deployments', 'default', 'orgchart')!.status.conditions[1].reason).toBe('ReplicaSetUpdated')
  })

  it('renders the default template for a KV v2 secret after a real login', async () => {
    const d = kube.store.get('deployments', 'default', 'orgchart')!
    kube.store.put({...d, spec: {...d.spec, template: {...d.spec.template, spec: {...d.spec.template.spec, serviceAccountName: 'internal-app'}}}})
    await kube.settle()
    const pods = orgchartPods()
    expect(pods).toHaveLength(1)
    expect(pods[0].status.containerStatuses.map((c: {name: string; ready: boolean}) => `${c.name}:${c.ready}`)).toEqual(['orgchart:true', 'vault-agent:true'])
    const {stdout, status} = await execCapture(kubeconfig, 'default', pods[0].metadata.name, 'orgchart', ['cat', '/vault/secrets/database-config.txt'])
    expect(status).toEqual({metadata: {}, status: 'Success'})
    expect(stdout).toBe(
      'data: map[password:db-secret-password username:db-readonly-username]\nmetadata: map[created_time:2026-01-01T00:00:00.000000Z custom_metadata:<nil> deletion_time: destroyed:false version:1]\n',
    )
    const config = JSON.parse(Buffer.from(pods[0].spec.initContainers[0].env.find((e: {name: string}) => e.name === 'VAULT_CONFIG').value, 'base64').toString())
    expect(config.auto_auth.method).toEqual({type: 'kubernetes', mount_path: 'auth/kubernetes', config: {role: 'internal-app', token_path: '/var/run/secrets/kubernetes.io/serviceaccount/token'}})
  })

  it('renders an agent-inject-template through the injected renderer', async () => {
    patchOrgchart(seed('patch-inject-secrets-as-template.yaml'))
    await kube.settle()
    const [pod] = orgchartPods()
    const {stdout} = await execCapture(kubeconfig, 'default', pod.metadata.name, 'orgchart', ['cat', '/vault/secrets/database-config.txt'])
    expect(stdout).toBe('postgresql://db-readonly-username:db-secret-password@postgres:5432/wizard')
    expect(pod.metadata.annotations?.['vault.hashicorp.com/agent-inject-status']).toBe('injected')
    expect(kube.store.get('deployments', 'default', 'orgchart')!.spec.template.metadata.annotations['vault.hashicorp.com/agent-inject-status']).toBe('update')
  })

  it("hands the renderer each template stanza's delimiters and error_on_missing_key (consul-template's options)", async () => {
    expect(renderOptions.at(-1)).toEqual({leftDelim: '{{', rightDelim: '}}', errorOnMissingKey: false})
    const file = 'database-config.txt'
    patchOrgchart({
      spec: {
        template: {
          metadata: {
            annotations: {
              [`vault.hashicorp.com/agent-template-left-delim-${file}`]: '[[',
              [`vault.hashicorp.com/agent-template-right-delim-${file}`]: ']]',
              [`vault.hashicorp.com/error-on-missing-key-${file}`]: 'true',
            },
          },
        },
      },
    } as never)
    await kube.settle()
    expect(renderOptions.at(-1)).toEqual({leftDelim: '[[', rightDelim: ']]', errorOnMissingKey: true})
  })

  it('admits pods without injection while the injector is not ready (failurePolicy: Ignore)', async () => {
    kube.setInjectorReady(false)
    await kube.settle()
    kube.store.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {name: 'payroll', namespace: 'default', annotations: {'vault.hashicorp.com/agent-inject': 'true', 'vault.hashicorp.com/role': 'internal-app'}},
      spec: {serviceAccountName: 'internal-app', containers: [{name: 'payroll', image: 'jweissig/app:0.0.1'}]},
    })
    kube.setInjectorReady(true)
    await kube.settle()
    const pod = kube.store.get('pods', 'default', 'payroll')!
    expect(pod.spec.containers.map((c: {name: string}) => c.name)).toEqual(['payroll'])
    expect(pod.metadata.annotations?.['vault.hashicorp.com/agent-inject-status']).toBeUndefined()
    expect(pod.status.phase).toBe('Running')
  })

  it('skips pods already marked injected', async () => {
    kube.store.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {name: 'copied', namespace: 'default', annotations: {'vault.hashicorp.com/agent-inject': 'true', 'vault.hashicorp.com/role': 'internal-app', 'vault.hashicorp.com/agent-inject-status': 'injected'}},
      spec: {serviceAccountName: 'internal-app', containers: [{name: 'copied', image: 'jweissig/app:0.0.1'}]},
    })
    await kube.settle()
    expect(kube.store.get('pods', 'default', 'copied')!.spec.containers.map((c: {name: string}) => c.name)).toEqual(['copied'])
  })

  it('denies annotated pods in kube-system and pods without a role, as the webhook does', () => {
    const pod = (namespace: string, annotations: Record<string, string>): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {name: 'x', namespace, annotations: {'vault.hashicorp.com/agent-inject': 'true', ...annotations}},
      spec: {containers: [{name: 'x', image: 'x:1'}]},
    })
    expect(() => kube.store.create(pod('kube-system', {'vault.hashicorp.com/role': 'r'}))).toThrow(
      'admission webhook "vault.hashicorp.com" denied the request: error with request namespace: cannot inject into system namespaces: kube-system',
    )
    expect(() => kube.store.create(pod('default', {}))).toThrow('admission webhook "vault.hashicorp.com" denied the request: error validating agent configuration: no Vault role found')
  })
})

function fetchLog(kube: KubeEmulator, pod: string, container: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(`${kube.url}/api/v1/namespaces/default/pods/${pod}/log?container=${container}`, {ca: kube.caPem, headers: {Authorization: `Bearer ${kube.adminToken}`}})
    req.on('response', (res: IncomingMessage) => {
      let body = ''
      res.on('data', (c) => (body += c))
      res.on('end', () => resolve(body))
    })
    req.on('error', reject)
    req.end()
  })
}

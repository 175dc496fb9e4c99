import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {renderTemplate} from '../../src/go-template/index.js'
import type {KubeEmulator, KubeObject} from '../emulators/kube/index.js'
import {startKubeEmulator} from '../emulators/kube/index.js'
import type {VaultEmulator} from '../emulators/vault/index.js'
import {startVaultEmulator} from '../emulators/vault/index.js'
import {runVsi} from '../helpers/cli.js'

const P = 'vault.hashicorp.com/'
const dir = mkdtempSync(path.join(tmpdir(), 'vsi-doctor-'))
const kubeconfig = path.join(dir, 'config')
const TEMPLATE = `{{- with secret "internal/data/database/config" -}}
postgresql://{{ .Data.data.username }}:{{ .Data.data.password }}@postgres:5432/wizard
{{- end -}}`

let kube: KubeEmulator
let vault: VaultEmulator
let env: Record<string, string>

const doctor = (...args: string[]) => runVsi(['doctor', ...args, '--kubeconfig', kubeconfig, '--json'], {env})

/** Vault's HTTP API as root, for the state the scenarios need beyond `vsi setup`. */
async function vaultWrite(apiPath: string, body: object): Promise<void> {
  const response = await fetch(`${vault.url}/v1/${apiPath}`, {method: 'POST', headers: {'X-Vault-Token': vault.rootToken}, body: JSON.stringify(body)})
  if (!response.ok) throw new Error(`POST ${apiPath}: ${response.status} ${await response.text()}`)
}

/** A copy of the tutorial's orgchart Deployment with these pod-template annotations (and overrides). */
function deployment(name: string, annotations: Record<string, string>, change: (d: KubeObject) => void = () => {}): KubeObject {
  const d: KubeObject = structuredClone(kube.store.get('Deployment', 'default', 'orgchart')!)
  d.metadata = {name, namespace: 'default', labels: {app: name}}
  d.spec.selector = {matchLabels: {app: name}}
  d.spec.template.metadata = {labels: {app: name}, annotations: {[`${P}agent-inject`]: 'true', [`${P}role`]: 'internal-app', ...annotations}}
  delete d.status
  change(d)
  return d
}

const checksOf = (result: any): Record<string, any> => Object.fromEntries(result.json.result.checks.map((c: any) => [`${c.check}${c.subject ? `:${c.subject}` : ''}`, c]))

/** Each failure the brief names, in its own workload, role or mount so that they do not interfere. */
async function createScenarios(): Promise<void> {
  const reviewerJwt = Buffer.from(kube.store.get('Secret', 'default', 'vault-auth-token')!.data.token, 'base64').toString()
  const config = {kubernetes_host: kube.url, kubernetes_ca_cert: kube.caPem}
  const role = (boundAccounts: string, boundNamespaces: string, policies = 'internal-app') => ({
    bound_service_account_names: boundAccounts,
    bound_service_account_namespaces: boundNamespaces,
    token_policies: policies,
    token_ttl: '1h',
  })
  await Promise.all([
    vaultWrite('auth/kubernetes/role/billing', role('billing', 'default')),
    vaultWrite('auth/kubernetes/role/apps-only', role('internal-app', 'apps')),
    vaultWrite('sys/policies/acl/v1-style', {policy: 'path "internal/database/config" {\n  capabilities = ["read"]\n}\n'}),
    vaultWrite('auth/kubernetes/role/v1-style', role('internal-app', 'default', 'v1-style')),
    // Reads anything under internal/: a missing secret is then a 404, not a 403.
    vaultWrite('sys/policies/acl/internal-all', {policy: 'path "internal/data/*" {\n  capabilities = ["read"]\n}\n'}),
    vaultWrite('auth/kubernetes/role/wide', role('internal-app', 'default', 'internal-all')),
    (async () => {
      await vaultWrite('sys/auth/expired', {type: 'kubernetes'})
      const expired = kube.issueServiceAccountToken('default', 'vault-auth', {expirationSeconds: -60})
      await vaultWrite('auth/expired/config', {...config, token_reviewer_jwt: expired})
      await vaultWrite('auth/expired/role/internal-app', role('internal-app', 'default'))
    })(),
    (async () => {
      await vaultWrite('sys/auth/k8s-other', {type: 'kubernetes'})
      await vaultWrite('auth/k8s-other/config', {...config, token_reviewer_jwt: reviewerJwt})
      await vaultWrite('auth/k8s-other/role/other-mount', role('internal-app', 'default'))
    })(),
  ])

  // Created while the injector is down: the webhook's failurePolicy Ignore lets the pod start without an agent.
  kube.setInjectorReady(false)
  await kube.settle()
  kube.store.create(deployment('late', {[`${P}agent-inject-secret-db`]: 'internal/data/database/config'}))
  await kube.settle()
  kube.setInjectorReady(true)
  await kube.settle()

  const secret = {[`${P}agent-inject-secret-db`]: 'internal/data/database/config'}
  for (const d of [
    deployment('wrong-sa', {...secret, [`${P}role`]: 'billing'}),
    deployment('wrong-ns', {...secret, [`${P}role`]: 'apps-only'}),
    deployment('v1-policy', {...secret, [`${P}role`]: 'v1-style'}),
    deployment('missing-secret', {[`${P}agent-inject-secret-db`]: 'internal/data/does-not-exist', [`${P}role`]: 'wide'}),
    deployment('key-typo', {[`${P}agent-inject-template-db`]: TEMPLATE.replace('.Data.data.username', '.Data.data.usernme')}),
    deployment('expired-jwt', {...secret, [`${P}auth-path`]: 'auth/expired'}),
    deployment('other-mount', {...secret, [`${P}role`]: 'other-mount'}),
    deployment('on-deployment', {}, (d) => {
      d.metadata.annotations = d.spec.template.metadata.annotations
      d.spec.template.metadata.annotations = {}
    }),
  ]) {
    kube.store.create(d)
  }
  await kube.settle()
}

beforeAll(async () => {
  // Each emulator needs the other's address: the kube emulator reads `vault.url` only when an agent runs.
  const vaultRef = {url: ''}
  kube = await startKubeEmulator({preset: 'tutorial', vault: vaultRef, render: (template, secret) => renderTemplate(template, {secret})})
  // The scenarios configure Vault with the kubeconfig's API address (127.0.0.1) and a reviewer JWT, as for a Vault
  // outside the cluster: this Vault shares the host's network so that address reaches the API server.
  vault = await startVaultEmulator({kube: {url: kube.url, caPem: kube.caPem, network: 'host'}})
  vaultRef.url = vault.url
  // The Helm chart's vault-0 pod, as `vsi doctor` finds it when VAULT_ADDR is not set.
  kube.portForwardTargets['default/vault-0:8200'] = {host: '127.0.0.1', port: Number(new URL(vault.url).port)}
  kube.writeKubeconfig(kubeconfig)
  env = {VAULT_ADDR: vault.url, VAULT_TOKEN: vault.rootToken}
  writeFileSync(path.join(dir, 'password'), 'db-secret-password')
  const setup = await runVsi(
    // The same Vault is also what vault-0 forwards to, so vsi would detect it as in the cluster: say it is outside.
    ['setup', '--secret', 'internal/database/config', 'username=db-readonly-username', `password=@${path.join(dir, 'password')}`, '--app', 'internal-app', '--vault-location', 'external', '--kubeconfig', kubeconfig],
    {env},
  )
  if (setup.exitCode !== 0) throw new Error(`vsi setup failed: ${setup.stderr}`)
  const orgchart = kube.store.get('Deployment', 'default', 'orgchart')!
  orgchart.spec.template.metadata.annotations = {
    [`${P}agent-inject`]: 'true',
    [`${P}role`]: 'internal-app',
    [`${P}agent-inject-secret-database-config.txt`]: 'internal/data/database/config',
    [`${P}agent-inject-template-database-config.txt`]: TEMPLATE,
  }
  kube.store.put(orgchart)
  await createScenarios()
}, 60_000)

afterAll(async () => {
  await kube?.stop()
  await vault?.stop()
})

/** Every scenario's doctor run, started together: they only read. */
let runs: Record<string, Promise<any>>
beforeAll(() => {
  const targets = ['wrong-sa', 'wrong-ns', 'v1-policy', 'missing-secret', 'key-typo', 'late', 'on-deployment', 'expired-jwt', 'other-mount']
  runs = Object.fromEntries(targets.map((name) => [name, doctor(`deployment/${name}`)]))
  // The tutorial's way: no VAULT_ADDR, Vault found in the cluster (dev mode: its root token from the pod spec).
  runs.orgchart = runVsi(['doctor', 'deployment/orgchart', '--kubeconfig', kubeconfig, '--json'])
})

/** The check's failure, after asserting the run failed with exit code 1. */
async function failure(target: string, check: string): Promise<any> {
  const result = await runs[target]
  expect(result.exitCode, result.stderr).toBe(1)
  expect(result.json).toMatchObject({apiVersion: 'vsi/v1', command: 'doctor', ok: false, exitCode: 1, error: {code: 'doctor-failed'}})
  const found = checksOf(result)[check]
  expect(found, `${check} in ${JSON.stringify(Object.keys(checksOf(result)))}`).toBeDefined()
  expect(found.status).toBe('fail')
  return found.failure
}

const podCheck = async (target: string, check: string) => {
  const result = await runs[target]
  return result.json.result.checks.find((c: any) => c.check === check)
}

describe('vsi doctor after the tutorial setup', () => {
  it('finds every link holding and exits 0 (Vault found in the cluster)', async () => {
    const result = await runs.orgchart
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.json).toMatchObject({apiVersion: 'vsi/v1', command: 'doctor', ok: true, exitCode: 0, warnings: []})
    expect(result.json.result).toMatchObject({target: 'deployment/orgchart', namespace: 'default', serviceAccount: 'internal-app', role: 'internal-app', passed: true})
    expect(result.json.result.checks.filter((c: any) => c.status !== 'pass')).toEqual([])
    expect(result.json.result.checks.map((c: any) => c.check)).toEqual(
      expect.arrayContaining(['annotations-inject', 'annotations-lint', 'injector-webhook', 'service-account-exists', 'auth-mount', 'role-binding', 'policy-read', 'secret', 'template-keys', 'login', 'login-capabilities', 'pod-injected', 'pod-agent']),
    )
    expect(JSON.stringify(result.json)).not.toContain('db-secret-password')
  }, 120_000) // the first test awaits every doctor run the file started at once (beforeAll): on 2 busy cores that takes past 30 s
})

describe('vsi doctor names each broken link', () => {
  it('a role bound to another service account', async () => {
    expect(await failure('wrong-sa', 'role-binding')).toMatchObject({class: 'role-binding', reason: expect.stringContaining('binds service accounts billing, not internal-app')})
    expect(await failure('wrong-sa', 'login')).toMatchObject({class: 'role-binding', reason: expect.stringContaining('service account name not authorized')})
    expect((await podCheck('wrong-sa', 'pod-agent')).failure).toMatchObject({class: 'role-binding'})
  })

  it('a role bound to another namespace', async () => {
    expect(await failure('wrong-ns', 'role-binding')).toMatchObject({class: 'role-binding', reason: expect.stringContaining('binds namespaces apps, not default')})
    expect(await failure('wrong-ns', 'login')).toMatchObject({class: 'role-binding', reason: expect.stringContaining('namespace not authorized')})
  })

  it('a policy on the KV v1 path of a KV v2 mount', async () => {
    const policy = await failure('v1-policy', 'policy-read:internal/data/database/config')
    expect(policy).toMatchObject({class: 'policy-denied', reason: expect.stringContaining('policy v1-style grants read on internal/database/config, the KV v1 form of the path')})
    expect(policy.hint).toContain('path "internal/data/database/config" { capabilities = ["read"] }')
    const capabilities = await failure('v1-policy', 'login-capabilities:internal/data/database/config')
    expect(capabilities).toMatchObject({class: 'policy-denied', reason: expect.stringContaining('lacks read on internal/data/database/config')})
    expect((await podCheck('v1-policy', 'pod-agent')).failure).toMatchObject({class: 'policy-denied'})
  })

  it('a missing secret', async () => {
    expect(await failure('missing-secret', 'secret:internal/data/does-not-exist')).toMatchObject({
      class: 'secret-missing',
      reason: expect.stringContaining('no secret exists at internal/data/does-not-exist'),
    })
    expect((await podCheck('missing-secret', 'pod-agent')).failure).toMatchObject({class: 'secret-missing'})
  })

  it('a key typo in a template', async () => {
    const typo = await failure('key-typo', 'template-keys:db')
    expect(typo).toMatchObject({class: 'missing-key', reason: expect.stringContaining('.Data.data.usernme')})
    expect(typo.reason).toContain('did you mean username?')
    expect(typo.hint).toContain(`${P}error-on-missing-key-db: "true"`)
  })

  it('a pod created while the injector was not ready', async () => {
    const failed = await failure('late', `pod-injected:${(await podCheck('late', 'pod-injected')).subject}`)
    expect(failed).toMatchObject({class: 'not-injected', reason: expect.stringMatching(/annotated but has no vault-agent: .*injector/)})
    expect(failed.hint).toContain('kubectl rollout restart deployment/late -n default')
  })

  it('annotations on the Deployment instead of its pod template', async () => {
    const misplaced = await failure('on-deployment', 'annotations-lint:annotations-on-workload')
    expect(misplaced).toMatchObject({class: 'annotations-misplaced', reason: expect.stringContaining("is on the Deployment's own metadata"), hint: 'move it to spec.template.metadata.annotations'})
    expect(misplaced.reason).toContain('(and 1 more like it)')
    expect((await podCheck('on-deployment', 'pod-injected')).failure).toMatchObject({class: 'not-injected', reason: expect.stringContaining('its pod template is not annotated')})
  })

  it('an expired reviewer JWT', async () => {
    expect(await failure('expired-jwt', 'reviewer-jwt')).toMatchObject({class: 'reviewer-jwt'})
    expect(await failure('expired-jwt', 'login')).toMatchObject({class: 'reviewer-jwt', reason: expect.stringContaining('permission denied')})
    expect((await podCheck('expired-jwt', 'pod-agent')).failure).toMatchObject({class: 'reviewer-jwt'})
  })

  it('a role on an auth mount of another name', async () => {
    const role = await failure('other-mount', 'role')
    expect(role).toMatchObject({class: 'role-missing', reason: 'role other-mount does not exist on auth/kubernetes'})
    expect(role.hint).toContain(`${P}auth-path: "auth/k8s-other"`)
    expect(await failure('other-mount', 'login')).toMatchObject({class: 'role-missing', reason: expect.stringContaining('invalid role name')})
  })
})

describe('vsi doctor --offline on a manifest', () => {
  const job = (annotations: Record<string, string>) => `apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  template:
    metadata:
      annotations:
${Object.entries({[`${P}agent-inject`]: 'true', [`${P}role`]: 'internal-app', ...annotations})
  .map(([key, value]) => `        ${key}: "${value}"`)
  .join('\n')}
    spec:
      serviceAccountName: internal-app
      restartPolicy: Never
      containers:
        - name: migrate
          image: busybox
`

  it('fails a Job without agent-pre-populate-only, and passes it with, skipping (never passing) what needs a cluster', async () => {
    writeFileSync(path.join(dir, 'job.yaml'), job({}))
    writeFileSync(path.join(dir, 'job-ok.yaml'), job({[`${P}agent-pre-populate-only`]: 'true'}))
    const [bad, good, human, usage] = await Promise.all([
      runVsi(['doctor', path.join(dir, 'job.yaml'), '--offline', '--json']),
      runVsi(['doctor', path.join(dir, 'job-ok.yaml'), '--offline', '--json']),
      runVsi(['doctor', path.join(dir, 'job.yaml'), '--offline']),
      runVsi(['doctor', 'deployment/orgchart', '--offline']),
    ])
    expect(bad.exitCode).toBe(1)
    expect(checksOf(bad)['annotations-lint:job-needs-pre-populate-only'].failure).toMatchObject({class: 'annotation-invalid', hint: expect.stringContaining('agent-pre-populate-only: "true"')})
    expect(good.exitCode, good.stderr).toBe(0)
    expect(good.json.result).toMatchObject({target: `${path.join(dir, 'job-ok.yaml')} (job/migrate)`, offline: true, passed: true})
    const statuses = Object.fromEntries(good.json.result.checks.map((c: any) => [c.check, c.status]))
    expect(statuses).toMatchObject({'annotations-inject': 'pass', 'annotations-lint': 'pass', 'injector-namespace': 'pass', 'service-account-token': 'pass'})
    for (const link of ['injector', 'service-account-exists', 'vault', 'secrets', 'login', 'pods']) expect(statuses[link]).toBe('skip')
    expect(human.stdout).toMatch(/FAIL {2}annotations-lint +a Job with the vault-agent sidecar never completes/)
    expect(human.stdout).toMatch(/fix: add vault\.hashicorp\.com\/agent-pre-populate-only: "true"/)
    expect(human.stdout).toMatch(/\d+ checks: \d+ ok, 0 warnings, 1 failed, \d+ skipped/)
    expect(usage.exitCode).toBe(2)
    expect(usage.stderr).toContain('--offline checks a manifest file')
  })
})

describe('vsi template render on a live workload', () => {
  it('renders the templates of the pod template against Vault, masked', async () => {
    const [orgchart, typo] = await Promise.all(
      ['orgchart', 'key-typo'].map((name) => runVsi(['template', 'render', `deployment/${name}`, '--kubeconfig', kubeconfig, '--json'], {env})),
    )
    expect(orgchart.exitCode, orgchart.stderr).toBe(0)
    expect(orgchart.json.result).toMatchObject({source: 'deployment/orgchart', secrets: 'vault', masked: true, passed: true})
    expect(orgchart.json.result.templates[0].output).toBe('postgresql://[redacted:username]:[redacted:password]@postgres:5432/wizard')
    expect(typo.exitCode).toBe(1)
    expect(typo.json.result.templates[0].missingKeys[0]).toMatchObject({key: 'usernme', available: ['password', 'username']})
  })
})

describe('vsi verify reads the agent as doctor does', () => {
  it('explains a failed vault-agent-init by the cause behind its last error', async () => {
    const result = await runVsi(['verify', 'deployment/wrong-sa', '--kubeconfig', kubeconfig, '--timeout', '10s', '--json'])
    expect(result.exitCode, result.stderr).toBe(1)
    const init = result.json.result.pods[0].checks.find((c: any) => c.check === 'agent-init')
    expect(init.status).toBe('fail')
    expect(init.failure.reason).toMatch(
      /^vault-agent-init has not completed \(.+\): .*service account name not authorized.* → role billing does not bind service account internal-app \(service account name not authorized\)$/,
    )
    expect(init.failure.hint).toMatch(/^Add it to the role: vault write auth\/kubernetes\/role\/billing bound_service_account_names=internal-app .* Then recreate the pod \(kubectl .+\)\.$/)
  }, 90_000)
})

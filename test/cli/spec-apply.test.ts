import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {KubeObject} from '../emulators/kube/index.js'
import {runVsi} from '../helpers/cli.js'
import {specFolder, tutorialSpec} from '../helpers/spec-files.js'
import {leakedSecrets, startVaultWorld, type VaultWorld} from '../helpers/vault-world.js'

const {write} = specFolder('vsi-spec-')
const DB_PASSWORD = 'spec-db-password-7f3a'
const API_KEY = 'spec-api-key-19bd'
write('api-key.txt', API_KEY)

const SPEC = tutorialSpec(
  `        data:
          username: {value: db-readonly-username}
          password: {fromEnv: DB_PASSWORD}
      - file: api.json
        path: internal/api/key
        format: json
        keys: [key]
        data:
          key: {fromFile: ./api-key.txt}
  - name: billing
    namespace: team-b
    workloads: [deployment/billing]
    secrets:
      - file: billing.env
        path: internal/billing/db
        format: env
        keys: [user, pass]
        data:
          user: {value: billing-user}
          pass: {fromEnv: DB_PASSWORD}
      - file: shared.txt
        path: internal/shared/config
  - name: reports
    namespace: team-b
    serviceAccount: reports-sa
    ttl: 1h
    secrets:
      - file: reports.txt
        path: internal/reports/db
        data:
          user: {value: reports-reader}
      - file: shared.txt
        path: internal/shared/config
  - name: batch
    namespace: team-b
    secrets:
      - file: job.txt
        path: internal/batch/job
        data:
          token: {fromEnv: DB_PASSWORD}
`,
  '# yaml-language-server: $schema=../docs/vsi.schema.json\n',
)
const specFile = write('vsi.yaml', SPEC)

const env = (world: VaultWorld) => ({...world.env(), DB_PASSWORD})
const writes = (requests: Array<{method: string; path: string}>) => requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD')

let world: VaultWorld

/** A Deployment like the tutorial's orgchart, in NAMESPACE, whose pods run as SERVICE_ACCOUNT. */
async function deployment(name: string, namespace: string, serviceAccount: string): Promise<void> {
  const copy: KubeObject = structuredClone(world.kube.store.get('Deployment', 'default', 'orgchart')!)
  copy.metadata = {name, namespace, labels: {app: name}}
  copy.spec.selector = {matchLabels: {app: name}}
  copy.spec.template.metadata = {labels: {app: name}}
  copy.spec.template.spec.serviceAccountName = serviceAccount
  delete copy.status
  world.kube.store.create(copy)
  await world.kube.settle()
}

beforeAll(async () => {
  world = await startVaultWorld()
  world.kube.store.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'team-b'}})
  await deployment('billing', 'team-b', 'billing')
  // Written by someone else before vsi: apply reads it and never marks it as vsi's.
  await world.vaultRequest('POST', 'sys/mounts/internal', {type: 'kv', options: {version: '2'}})
  // A new kv v2 mount answers "Upgrading from non-versioned to versioned data" for a moment, as Vault does; the vault
  // CLI retries then, and so does vaultRequest (it moves the emulated Vault's clock past the upgrade, no sleep).
  const shared = await world.vaultRequest('POST', 'internal/data/shared/config', {data: {region: 'eu'}})
  if (shared.status !== 200) throw new Error(`writing internal/data/shared/config: ${shared.status} ${JSON.stringify(shared.body)}`)
  world.kube.store.create({apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: 'reports-sa', namespace: 'team-b'}})
  await world.vaultRequest('POST', 'sys/auth/kubernetes', {type: 'kubernetes'})
  await world.vaultRequest('POST', 'sys/policies/acl/reports', {policy: 'path "internal/data/reports/db" {\n  capabilities = ["read"]\n}\n'})
  await world.vaultRequest('POST', 'auth/kubernetes/role/reports', {
    bound_service_account_names: ['reports-sa'],
    bound_service_account_namespaces: ['team-b'],
    token_policies: ['reports'],
    token_ttl: 3600,
  })
})
afterAll(() => world.stop())

describe('vsi plan / apply / destroy -f vsi.yaml (4 apps in 2 namespaces, some objects made before vsi)', () => {
  it('plans every app without writing, exits 3 with --detailed-exitcode, and never prints a secret', async () => {
    const mark = world.mark()
    const plan = await runVsi(['plan', '-f', specFile, '--detailed-exitcode'], {env: env(world)})
    expect(plan.exitCode, plan.stderr).toBe(3)
    expect(plan.stdout).toMatch(/^app internal-app \(namespace default\)$/m)
    expect(plan.stdout).toMatch(/^app billing \(namespace team-b\)$/m)
    expect(plan.stdout).toMatch(/^ {2}create +policy billing$/m)
    expect(plan.stdout).toMatch(/^ {2}unchanged +secret internal\/shared\/config$/m)
    expect(plan.stdout).toMatch(/^ {2}unchanged +service account team-b\/reports-sa$/m)
    expect(plan.stdout).toMatch(/^ {2}change +deployment\/billing in team-b \(annotations, rollout\): \+agent-inject .* \+vsi\.dev\/app$/m)
    expect(plan.stdout).toMatch(/^Plan: 15 to create, 3 to change, 0 to delete, 6 unchanged\.$/m)
    expect(writes(mark.vault())).toEqual([])
    expect(writes(mark.kube())).toEqual([])
    expect(leakedSecrets(plan, [DB_PASSWORD, API_KEY])).toEqual([])
  })

  it('plans as JSON, one group per app in file order', async () => {
    const json = await runVsi(['plan', '-f', specFile, '--json'], {env: env(world)})
    expect(json.exitCode, json.stderr).toBe(0)
    expect(json.json.result.changes).toBe(true)
    expect(json.json.result.apps.map((app: {name: string; namespace: string}) => `${app.namespace}/${app.name}`)).toEqual(['default/internal-app', 'team-b/billing', 'team-b/reports', 'team-b/batch'])
    expect(json.json.result.apps[0].actions.map((a: {step: string; status: string}) => `${a.step}:${a.status}`)).toEqual([
      'secret:internal/database/config:create',
      'secret:internal/api/key:create',
      'internal-app/policy:create',
      'internal-app/role:create',
      'internal-app/service-account:create',
      'internal-app/deployment/orgchart:change',
      'internal-app/login:check',
    ])
  })

  it('with --json and --detailed-exitcode, the envelope says the exit code the process exits with (3: changes pending)', async () => {
    const json = await runVsi(['plan', '-f', specFile, '--json', '--detailed-exitcode'], {env: env(world)})
    expect(json.exitCode, json.stderr).toBe(3)
    expect(json.json).toMatchObject({ok: true, exitCode: 3, result: {changes: true}})
  })

  it('applies everything, proves each app by login', async () => {
    const run = await runVsi(['apply', '-f', specFile], {env: env(world)})
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0)
    expect(run.stdout).toMatch(/^ {2}verified +login as default\/internal-app and read 2 secrets: token policies: default, internal-app$/m)
    expect(run.stdout).toMatch(/^ {2}verified +login as team-b\/reports-sa and read 2 secrets/m)
    expect(run.stdout).toMatch(/^Applied: 15 created, 3 changed, 6 unchanged; 4 apps proven by login\.$/m)
    expect(leakedSecrets(run, [DB_PASSWORD, API_KEY])).toEqual([])

    const {state} = world.vault
    expect(state.policies()['billing']).toBe(
      '# managed-by: vsi\n# app: billing\n# created: auth/kubernetes/role/billing\npath "internal/data/billing/db" {\n  capabilities = ["read"]\n}\n\npath "internal/data/shared/config" {\n  capabilities = ["read"]\n}\n',
    )
    const kv = state.kv('internal')!
    expect(kv.version === 2 && kv.keys['api/key'].versions[1].data).toEqual({key: API_KEY})
    const template = world.kube.store.get('Deployment', 'team-b', 'billing')!.spec.template.metadata.annotations
    expect(template).toMatchObject({
      'vault.hashicorp.com/agent-inject': 'true',
      'vault.hashicorp.com/role': 'billing',
      'vault.hashicorp.com/agent-inject-secret-billing.env': 'internal/data/billing/db',
      'vault.hashicorp.com/agent-inject-secret-shared.txt': 'internal/data/shared/config',
      'vsi.dev/app': 'billing',
    })
    expect(template['vault.hashicorp.com/agent-inject-template-billing.env']).toContain('export PASS="{{ .Data.data.pass }}"')
    expect(world.kube.store.get('ServiceAccount', 'team-b', 'billing')!.metadata.labels).toEqual({'app.kubernetes.io/managed-by': 'vsi'})
  }, 60_000)

  it('re-applies with 0 writes and says so; plan then reports no changes', async () => {
    const mark = world.mark()
    const again = await runVsi(['apply', '-f', specFile], {env: env(world)})
    expect(again.exitCode, again.stderr).toBe(0)
    expect(again.stdout).toMatch(/^Nothing to change: Vault and the cluster already match the file \(no writes made\)\.$/m)
    expect(again.stdout).not.toMatch(/^ {2}(created|changed|verified) /m)
    expect(writes(mark.vault())).toEqual([])
    expect(writes(mark.kube())).toEqual([])
    const plan = await runVsi(['plan', '-f', specFile, '--detailed-exitcode'], {env: env(world)})
    expect(plan.exitCode, plan.stderr).toBe(0)
    expect(plan.stdout).toMatch(/^No changes: Vault and the cluster match the file\.$/m)
    const json = await runVsi(['plan', '-f', specFile, '--json', '--detailed-exitcode'], {env: env(world)})
    expect(json.exitCode, json.stderr).toBe(0)
    expect(json.json).toMatchObject({ok: true, exitCode: 0, result: {changes: false}})
  }, 60_000)

  it('destroy plans first and, without a terminal, needs --yes', async () => {
    const mark = world.mark()
    const result = await runVsi(['destroy', '-f', specFile], {env: env(world)})
    expect(result.exitCode).toBe(2)
    expect(result.stdout).toMatch(/^ {2}delete +policy billing$/m)
    expect(result.stdout).toMatch(/^Destroy: \d+ to delete\.$/m)
    expect(result.stderr).toContain('confirm with --yes (stdin is not a terminal')
    expect(writes(mark.vault())).toEqual([])
    expect(writes(mark.kube())).toEqual([])
  })

  it('destroy --yes removes only what vsi created, and keeps what existed before', async () => {
    const result = await runVsi(['destroy', '-f', specFile, '--yes', '--purge-secrets', '--purge-engines'], {env: env(world)})
    expect(result.exitCode, `${result.stdout}\n${result.stderr}`).toBe(0)
    expect(result.stdout).toMatch(/^ {2}unchanged +role reports \(auth\/kubernetes\): kept: vsi did not create it$/m)
    expect(result.stdout).toMatch(/^ {2}unchanged +service account default\/internal-app: kept: deployment\/orgchart runs as it$/m)
    expect(result.stdout).toMatch(/^ {2}unchanged +secrets engine internal\/ .*: kept: vsi did not enable it$/m)

    const {state} = world.vault
    expect(Object.keys(state.policies()).filter((name) => ['internal-app', 'billing', 'reports', 'batch'].includes(name))).toEqual(['reports'])
    expect(state.policies()['reports']).toContain('path "internal/data/shared/config"')
    expect(Object.keys(state.kubernetes()!.roles)).toEqual(['reports'])
    const kv = state.kv('internal')!
    expect(kv.version === 2 && Object.keys(kv.keys)).toEqual(['shared/config'])
    expect(state.mounts()['internal/']).toBeDefined()
    expect(state.authMounts()['kubernetes/']).toBeDefined()

    const accounts = (namespace: string) => world.kube.store.list('ServiceAccount', namespace).map((sa) => sa.metadata.name)
    expect(accounts('team-b')).toEqual(expect.arrayContaining(['billing', 'reports-sa']))
    expect(accounts('team-b')).not.toContain('batch')
    expect(accounts('default')).toContain('internal-app')
    for (const [namespace, name] of [['default', 'orgchart'], ['team-b', 'billing']]) {
      const annotations = world.kube.store.get('Deployment', namespace, name)!.spec.template.metadata.annotations ?? {}
      expect(Object.keys(annotations).filter((key) => key.startsWith('vault.hashicorp.com/') || key.startsWith('vsi.dev/'))).toEqual([])
    }

    const again = await runVsi(['destroy', '-f', specFile, '--yes', '--purge-secrets', '--purge-engines'], {env: env(world)})
    expect(again.exitCode, again.stderr).toBe(0)
    expect(again.stdout).toMatch(/^Nothing to destroy: nothing the file declares was created by vsi\.$/m)
  }, 90_000)
})

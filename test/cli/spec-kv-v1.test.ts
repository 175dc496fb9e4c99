/**
 * vsi.yaml with `vault.kv.version: 1`: a KV v1 engine. Policies and annotations use the paths as written (no data/),
 * secrets are written as v1 takes them, and what v1 cannot mark (no metadata) is never purged.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {renderTemplate} from '../../src/go-template/index.js'
import {runVsi} from '../helpers/cli.js'
import {specFolder} from '../helpers/spec-files.js'
import {leakedSecrets, startVaultWorld, type VaultWorld} from '../helpers/vault-world.js'

const {write} = specFolder('vsi-spec-kv1-')
const PASSWORD = 'kv1-password-8e0b'
const spec = (version: number, mount = 'legacy') => `apiVersion: vsi/v1
kind: Injection
vault:
  kv: {path: ${mount}, version: ${version}}
apps:
  - name: internal-app
    workloads: [deployment/orgchart]
    secrets:
      - file: database-config.txt
        path: ${mount}/database/config
        format: json
        keys: [username, password]
        data:
          username: {value: db-readonly-username}
          password: {fromEnv: DB_PASSWORD}
`
const v1File = write('vsi.yaml', spec(1))

let world: VaultWorld
const env = () => ({...world.env(), DB_PASSWORD: PASSWORD})
const writes = (requests: Array<{method: string; path: string}>) => requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD')

beforeAll(async () => {
  world = await startVaultWorld({render: (template, secret) => renderTemplate(template, {secret})})
  // The emulated agents log in to this Vault and render for real.
  world.kube.setVault({url: world.vault.url})
})
afterAll(() => world.stop())

describe('vsi.yaml on a KV v1 engine (vault.kv.version: 1)', () => {
  it('apply enables kv v1, grants read on the path itself, annotates it without data/, and proves the login', async () => {
    const run = await runVsi(['apply', '-f', v1File, '--timeout', '15s'], {env: env()})
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0)
    expect(run.stdout).toMatch(/^ {2}created +secrets engine legacy\/ \(kv v1\)$/m)
    expect(run.stdout).toMatch(/^ {2}verified +login as default\/internal-app and read legacy\/database\/config/m)
    expect(leakedSecrets(run, [PASSWORD])).toEqual([])
    const {state} = world.vault
    expect(state.mounts()['legacy/']).toMatchObject({type: 'kv', options: {version: '1'}})
    expect(state.policies()['internal-app']).toBe('# managed-by: vsi\n# app: internal-app\n# created: auth/kubernetes/role/internal-app\npath "legacy/database/config" {\n  capabilities = ["read"]\n}\n')
    const kv = state.kv('legacy')!
    expect(kv.version === 1 && kv.data['database/config']).toEqual({username: 'db-readonly-username', password: PASSWORD})
    const annotations = world.kube.store.get('Deployment', 'default', 'orgchart')!.spec.template.metadata.annotations
    expect(annotations['vault.hashicorp.com/agent-inject-secret-database-config.txt']).toBe('legacy/database/config')
    expect(annotations['vault.hashicorp.com/agent-inject-template-database-config.txt']).toContain('with secret "legacy/database/config"')
    expect(annotations['vault.hashicorp.com/agent-inject-template-database-config.txt']).toContain('.Data.password')
    expect(annotations['vault.hashicorp.com/agent-inject-template-database-config.txt']).not.toContain('.Data.data')
  }, 90_000)

  it('verify -f finds the file rendered by the agent with the keys listed', async () => {
    const verify = await runVsi(['verify', '-f', v1File], {env: env()})
    expect(verify.exitCode, `${verify.stdout}\n${verify.stderr}`).toBe(0)
    expect(verify.stdout).toMatch(/keys username,password +ok/)
    expect(leakedSecrets(verify, [PASSWORD])).toEqual([])
  }, 60_000)

  it('re-applies with 0 writes', async () => {
    const mark = world.mark()
    const again = await runVsi(['apply', '-f', v1File], {env: env()})
    expect(again.exitCode, again.stderr).toBe(0)
    expect(again.stdout).toMatch(/^Nothing to change: .*\(no writes made\)\.$/m)
    expect(writes(mark.vault())).toEqual([])
    expect(writes(mark.kube())).toEqual([])
  }, 60_000)

  it('a file that says version 2 for the v1 engine stops before writing, naming both versions', async () => {
    const mark = world.mark()
    const plan = await runVsi(['plan', '-f', write('v2.yaml', spec(2)), '--json'], {env: env()})
    expect(plan.exitCode).toBe(1)
    expect(plan.json.error).toMatchObject({code: 'kv-mount-wrong-type', message: 'legacy/ is a kv v1 secrets engine; vsi.yaml needs kv v2 there'})
    expect(plan.json.error.hint).toContain('vault kv enable-versioning legacy/')
    expect(writes(mark.vault())).toEqual([])
  })

  it('a version other than 1 or 2 is a schema error at its place (exit 2, nothing contacted)', async () => {
    const mark = world.mark()
    const bad = await runVsi(['plan', '-f', write('v3.yaml', spec(3))], {env: env()})
    expect(bad.exitCode).toBe(2)
    expect(bad.stderr).toMatch(/v3\.yaml:4:31: vault\.kv\.version: must be one of 1, 2$/m)
    expect(mark.vault()).toEqual([])
    expect(mark.kube()).toEqual([])
  })

  it('destroy --purge-secrets keeps the v1 secret: it carries no mark of vsi', async () => {
    const run = await runVsi(['destroy', '-f', v1File, '--yes', '--purge-secrets'], {env: env()})
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0)
    expect(run.stdout).toMatch(/^ {2}unchanged +secret legacy\/database\/config: kept: a KV v1 secret carries no metadata, so vsi cannot tell that it wrote it$/m)
    expect(run.stdout).toMatch(/^ {2}deleted +policy internal-app$/m)
    const kv = world.vault.state.kv('legacy')!
    expect(kv.version === 1 && Object.keys(kv.data)).toEqual(['database/config'])
  }, 60_000)
})

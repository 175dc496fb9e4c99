import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runVsi} from '../helpers/cli.js'
import {leakedSecrets, startVaultWorld, type VaultWorld} from '../helpers/vault-world.js'

const PASSWORD = 'db-secret-password'
const USERNAME = 'db-readonly-username'
const dir = mkdtempSync(path.join(tmpdir(), 'vsi-setup-'))
const passwordFile = path.join(dir, 'password.txt')
writeFileSync(passwordFile, PASSWORD)

const tutorial = ['setup', '--secret', 'internal/database/config', `username=${USERNAME}`, `password=@${passwordFile}`, '--app', 'internal-app']
const writes = (requests: Array<{method: string}>) => requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD')

describe('vsi setup with Vault found in the cluster (the tutorial on minikube)', () => {
  let world: VaultWorld
  beforeAll(async () => {
    world = await startVaultWorld()
  })
  afterAll(() => world.stop())

  it('plans on a fresh Vault without writing, sets everything up, proves it, and then has nothing to do', async () => {
    const mark = world.mark()
    const dry = await runVsi([...tutorial, '--dry-run', '--json'], {env: world.env()})
    expect(dry.exitCode, dry.stderr).toBe(0)
    expect(dry.json.result.actions.map((a: {step: string; status: string}) => `${a.step}:${a.status}`)).toEqual([
      'kv-mount:create',
      'secret:create',
      'auth-method:create',
      'vault-auth-delegator:unchanged',
      'auth-config:create',
      'policy:create',
      'role:create',
      'service-account:create',
      'verify:check',
    ])
    expect(writes(mark.vault())).toEqual([])
    expect(writes(mark.kube())).toEqual([])

    const run = await runVsi(tutorial, {env: world.env()})
    expect(run.exitCode, run.stderr).toBe(0)
    expect(run.stdout).toMatch(/^created +secrets engine internal\/ \(kv v2\)$/m)
    expect(run.stdout).toMatch(/^verified +login as default\/internal-app and read internal\/database\/config/m)
    expect(run.stdout).toMatch(/^Done: 7 created, 0 changed, 1 unchanged\.$/m)
    expect(run.stderr).toContain('Vault: pod default/vault-0 through a port-forward')
    expect(run.stderr).toContain('dev mode: using the token in its VAULT_DEV_ROOT_TOKEN_ID')
    expect(run.stderr).toContain('Warning: the value of "username" was given on the command line')

    const {state} = world.vault
    expect(state.mounts()['internal/']).toMatchObject({type: 'kv', options: {version: '2'}})
    expect(state.authMounts()['kubernetes/']).toMatchObject({type: 'kubernetes'})
    expect(state.kubernetes()?.config).toMatchObject({kubernetes_host: 'https://kubernetes.default.svc:443'})
    expect(state.policies()['internal-app']).toBe('path "internal/data/database/config" {\n  capabilities = ["read"]\n}\n')
    const kv = state.kv('internal')
    expect(kv?.version === 2 && kv.keys['database/config'].versions[1].data).toEqual({username: USERNAME, password: PASSWORD})
    expect(world.kube.store.get('ServiceAccount', 'default', 'internal-app')).toBeDefined()
    // The verification login's token was revoked afterwards.
    expect(state.tokens().filter((t) => t.path.startsWith('auth/kubernetes/login'))).toEqual([])

    const rerunMark = world.mark()
    const rerun = await runVsi([...tutorial, '--json'], {env: world.env()})
    expect(rerun.exitCode, rerun.stderr).toBe(0)
    expect(rerun.json.result.writes).toBe(0)
    expect(rerun.json.result.actions.every((a: {status: string}) => a.status === 'unchanged')).toBe(true)
    expect(writes(rerunMark.vault())).toEqual([])
    expect(writes(rerunMark.kube())).toEqual([])
    expect(state.kv('internal')?.version === 2 && state.kv('internal')).toMatchObject({keys: {'database/config': {currentVersion: 1}}})

    // The dev token is "root": every occurrence of that word is masked once it is known to be the token.
    for (const output of [dry, run, rerun]) expect(leakedSecrets(output, [PASSWORD, world.vault.rootToken])).toEqual([])
  })
})

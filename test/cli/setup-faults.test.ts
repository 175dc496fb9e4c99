import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runVsi} from '../helpers/cli.js'
import {leakedSecrets, startVaultWorld, type VaultWorld} from '../helpers/vault-world.js'

const SECRET = 'fault-secret-value'
const tutorial = ['setup', '--secret', 'internal/database/config', 'password=-', '--app', 'internal-app', '--json']
const statuses = (json: any) => Object.fromEntries(json.result.actions.map((a: {step: string; status: string}) => [a.step, a.status]))

describe('vsi setup: wrong input fails before anything is touched (exit 2)', () => {
  it('names the missing or malformed input', async () => {
    const env = {KUBECONFIG: '/nonexistent/kubeconfig', VAULT_ADDR: 'http://127.0.0.1:1', VAULT_TOKEN: 'hvs.unused-token-for-input-tests'}
    const [app, ttl, data, kvPath, addr] = await Promise.all([
      runVsi(['setup', '--app', 'internal-app'], {env}),
      runVsi(['setup', '--secret', 'internal/a', '--app', 'a', '--ttl', 'forever'], {env}),
      runVsi(['setup', 'password=x'], {env}),
      runVsi(['setup', '--secret', 'other/a'], {env}),
      runVsi(['setup', '--json'], {env: {...env, VAULT_ADDR: '127.0.0.1:8200'}}),
    ])
    expect([app.exitCode, ttl.exitCode, data.exitCode, kvPath.exitCode, addr.exitCode]).toEqual([2, 2, 2, 2, 2])
    expect(app.stderr).toContain('--app needs --secret')
    expect(ttl.stderr).toContain('--ttl "forever" is not a duration')
    expect(data.stderr).toContain('key=value arguments need --secret PATH')
    expect(kvPath.stderr).toContain('--secret other/a is not under --kv-path internal/')
    expect(addr.json.error).toMatchObject({code: 'vault-addr-invalid', message: 'VAULT_ADDR "127.0.0.1:8200" is not a valid Vault address'})
  })
})

describe('vsi setup against a Vault in a bad state', () => {
  let world: VaultWorld
  beforeAll(async () => {
    world = await startVaultWorld()
    await world.vaultRequest('POST', 'sys/mounts/legacy', {type: 'kv', options: {version: '1'}})
    await world.vaultRequest('POST', 'sys/auth/userpass-k8s', {type: 'userpass'})
  })
  afterAll(() => world.stop())

  it('stops on an engine of the wrong type and never replaces it', async () => {
    const mark = world.mark()
    const [kv, auth] = await Promise.all([
      runVsi(['setup', '--kv-path', 'legacy', '--json'], {env: world.env()}),
      runVsi(['setup', '--auth-path', 'userpass-k8s', '--json'], {env: world.env()}),
    ])
    expect(kv.exitCode).toBe(1)
    expect(kv.json.error).toMatchObject({code: 'kv-mount-wrong-type', message: 'legacy/ is a kv v1 secrets engine; vsi setup needs kv v2 there'})
    expect(kv.json.error.hint).toContain('never disables or re-creates')
    expect(auth.exitCode).toBe(1)
    expect(auth.json.error).toMatchObject({code: 'auth-mount-wrong-type', message: 'auth/userpass-k8s/ is a userpass auth method, not kubernetes'})
    expect(mark.vault().filter((r) => r.method !== 'GET')).toEqual([])
  })

  it('says Vault is sealed, and asks for values it cannot prompt for', async () => {
    world.vault.faults.seal()
    const sealed = await runVsi(['setup', '--json'], {env: world.env()})
    world.vault.faults.unseal()
    expect(sealed.exitCode).toBe(1)
    expect(sealed.json.error).toMatchObject({code: 'vault-sealed', hint: 'Unseal it (vault operator unseal) and run the command again.'})
    expect(sealed.json.error.message).toMatch(/^Vault at pod default\/vault-0 \(port-forward http:\/\/127\.0\.0\.1:\d+\) is sealed$/)

    const noValues = await runVsi(['setup', '--secret', 'internal/database/config', '--dry-run'], {env: world.env()})
    expect(noValues.exitCode).toBe(2)
    expect(noValues.stderr).toContain('the secret internal/database/config does not exist and no values were given')
    expect(noValues.stderr).toContain('Add key=value arguments after --secret internal/database/config')
  })

  it('fails a missing system:auth-delegator binding of the Vault pod, and finishes everything else', async () => {
    const binding = world.kube.store.get('ClusterRoleBinding', undefined, 'vault-server-binding')!
    world.kube.store.delete('ClusterRoleBinding', undefined, 'vault-server-binding')
    try {
      const run = await runVsi(['setup', '--kv-path', 'delegator', '--secret', 'delegator/db', 'password=-', '--app', 'delegator-app', '--json'], {env: world.env(), input: SECRET})
      expect(run.exitCode).toBe(1)
      expect(run.json.error.code).toBe('missing-prerequisite')
      expect(run.json.error.message).toContain("system:auth-delegator for Vault's service account default/vault")
      expect(statuses(run.json)).toMatchObject({'vault-auth-delegator': 'failed', policy: 'created', role: 'created', verify: 'skipped'})
    } finally {
      world.kube.store.put(binding)
    }
  })
})

describe('vsi setup interrupted halfway by injected faults', () => {
  let world: VaultWorld
  beforeAll(async () => {
    world = await startVaultWorld()
  })
  afterAll(() => world.stop())

  it('reports the failure (exit 1), and a re-run finishes the job with nothing lost or duplicated', async () => {
    // Enabling an engine is not idempotent, so it is not retried: one dropped connection and one 500 stop those steps.
    world.vault.faults.dropNext(1, 'sys/mounts/internal')
    world.vault.faults.failNext(1, 500, 'sys/auth/kubernetes')
    const first = await runVsi(tutorial, {env: world.env(), input: SECRET})
    expect(first.exitCode).toBe(1)
    expect(first.json.ok).toBe(false)
    expect(first.json.error.message).toMatch(/^setup stopped: secrets engine internal\/ \(kv v2\): Cannot reach Vault at pod default\/vault-0 .*: connection reset$/)
    expect(statuses(first.json)).toEqual({
      'kv-mount': 'failed',
      secret: 'skipped',
      'auth-method': 'failed',
      'vault-auth-delegator': 'unchanged',
      'auth-config': 'skipped',
      policy: 'created',
      role: 'skipped',
      'service-account': 'created',
      verify: 'skipped',
    })
    expect(first.json.result.actions.find((a: {step: string}) => a.step === 'auth-method').detail).toContain('HTTP 500')

    const second = await runVsi(tutorial, {env: world.env(), input: SECRET})
    expect(second.exitCode, second.stdout).toBe(0)
    expect(statuses(second.json)).toEqual({
      'kv-mount': 'created',
      secret: 'created',
      'auth-method': 'created',
      'vault-auth-delegator': 'unchanged',
      'auth-config': 'created',
      policy: 'unchanged',
      role: 'created',
      'service-account': 'unchanged',
      verify: 'verified',
    })
    const kv = world.vault.state.kv('internal')
    expect(kv?.version === 2 && kv.keys['database/config'].currentVersion).toBe(1)
    expect(Object.keys(world.vault.state.kubernetes()?.roles ?? {})).toEqual(['internal-app'])
    expect(world.kube.store.list('ServiceAccount', 'default').filter((sa) => sa.metadata.name === 'internal-app')).toHaveLength(1)
    for (const output of [first, second]) expect(leakedSecrets(output, [SECRET, world.vault.rootToken])).toEqual([])
  })
})

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runVsi} from '../helpers/cli.js'
import {leakedSecrets, startVaultWorld, type VaultWorld} from '../helpers/vault-world.js'

const SECRET = 'outside-secret-value'
const tutorial = ['setup', '--secret', 'internal/database/config', 'username=-', '--app', 'internal-app']
const writes = (requests: Array<{method: string}>) => requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD')

describe('vsi setup with Vault outside the cluster (VAULT_ADDR set)', () => {
  let world: VaultWorld
  beforeAll(async () => {
    // A new kv-v2 engine answers 400 "Upgrading from non-versioned to versioned data" for a moment, as Vault does.
    // VAULT_ADDR is a second Vault, not the one running as vault-0: vsi must tell them apart by cluster_id.
    world = await startVaultWorld({vault: {kvV2UpgradeMs: 150}, outside: true})
  })
  afterAll(() => world.stop())

  it('with --vault-in-cluster, plans the in-cluster configuration instead', async () => {
    const dry = await runVsi([...tutorial, '--vault-in-cluster', '--dry-run', '--json'], {env: world.env({direct: true}), input: SECRET})
    expect(dry.exitCode, dry.stdout).toBe(0)
    const steps = dry.json.result.actions.map((a: {step: string}) => a.step)
    expect(steps).toContain('vault-auth-delegator')
    expect(steps).not.toContain('reviewer-service-account')
    expect(dry.json.result.vault).toMatchObject({address: world.vault.url, tokenSource: 'VAULT_TOKEN', inCluster: true})
  })

  it('creates a token reviewer account for Vault, configures the auth method from the kubeconfig, proves it, then writes nothing', async () => {
    const run = await runVsi([...tutorial, '--json'], {env: world.env({direct: true}), input: SECRET})
    expect(run.exitCode, run.stdout).toBe(0)
    expect(run.json.result.actions.map((a: {step: string; status: string}) => `${a.step}:${a.status}`)).toEqual([
      'kv-mount:created',
      'secret:created',
      'auth-method:created',
      'reviewer-service-account:created',
      'reviewer-binding:created',
      'reviewer-token:created',
      'auth-config:created',
      'policy:created',
      'role:created',
      'service-account:created',
      'verify:verified',
    ])
    // The secret write met the fresh engine's upgrade window and was sent again.
    expect(world.vault.requests.filter((r) => r.path === '/v1/internal/data/database/config' && r.method === 'POST').map((r) => r.status).at(-1)).toBe(200)
    expect(world.vault.requests.some((r) => r.path === '/v1/internal/data/database/config' && r.status === 400)).toBe(true)
    const binding = world.kube.store.get('ClusterRoleBinding', undefined, 'vault-auth-delegator-default')
    expect(binding).toMatchObject({roleRef: {name: 'system:auth-delegator'}, subjects: [{kind: 'ServiceAccount', name: 'vault-auth', namespace: 'default'}]})
    const tokenSecret = world.kube.store.get('Secret', 'default', 'vault-auth-token')
    const reviewerJwt = Buffer.from(tokenSecret?.data.token, 'base64').toString('utf8')
    expect(world.vault.state.kubernetes()?.config).toMatchObject({kubernetes_host: world.kube.url, kubernetes_ca_cert: world.kube.caPem, token_reviewer_jwt: reviewerJwt})
    const kv = world.vault.state.kv('internal')
    expect(kv?.version === 2 && kv.keys['database/config'].versions[1].data).toEqual({username: SECRET})
    expect(leakedSecrets(run, [SECRET, reviewerJwt, world.vault.rootToken])).toEqual([])

    const mark = world.mark()
    const rerun = await runVsi([...tutorial, '--json'], {env: world.env({direct: true}), input: SECRET})
    expect(rerun.exitCode, rerun.stdout).toBe(0)
    expect(rerun.json.result.writes).toBe(0)
    expect(writes(mark.vault())).toEqual([])
    expect(writes(mark.kube())).toEqual([])
  })
})

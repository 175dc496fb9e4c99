import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runVsi} from '../helpers/cli.js'
import {startVaultWorld, type VaultWorld} from '../helpers/vault-world.js'

/** "KV v2 was assumed" is said only when vsi assumed it: with --apply it asks Vault first. */
let world: VaultWorld

const SECRET_KEY = 'vault.hashicorp.com/agent-inject-secret-database-config.txt'
const patchApply = (path: string, env: Record<string, string>) =>
  runVsi(['patch', '--role', 'internal-app', '--secret', `database-config.txt=${path}`, '--apply', 'deployment/orgchart', '--no-wait', '--json'], {env})

beforeAll(async () => {
  world = await startVaultWorld()
  await world.vaultRequest('POST', 'sys/mounts/internal', {type: 'kv', options: {version: '2'}})
  await world.vaultRequest('POST', 'sys/mounts/legacy', {type: 'kv', options: {version: '1'}})
  world.kube.store.create({apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: 'internal-app', namespace: 'default'}})
})

afterAll(async () => {
  await world?.stop()
})

const annotations = () => world.kube.store.get('Deployment', 'default', 'orgchart')!.spec.template.metadata.annotations

describe('patch --apply learns the KV version from Vault', () => {
  it('a KV v2 mount: the data/ path, and no note that v2 was assumed', async () => {
    const requests = world.mark()
    const run = await patchApply('internal/database/config', world.env({direct: true}))
    expect(run.exitCode, run.stderr).toBe(0)
    expect(run.json.result.notes).toEqual(['database-config.txt: internal/database/config → internal/data/database/config (the API path the agent reads on KV v2)'])
    expect(annotations()[SECRET_KEY]).toBe('internal/data/database/config')
    expect(requests.vault().some((r) => r.path.startsWith('/v1/sys/internal/ui/mounts/internal') || r.path === '/v1/sys/mounts')).toBe(true)
  })

  it('a KV v1 mount: the path as given, where v2 would have been assumed without Vault', async () => {
    const run = await patchApply('legacy/database/config', world.env({direct: true}))
    expect(run.exitCode, run.stderr).toBe(0)
    expect(run.json.result.notes).toEqual([])
    expect(annotations()[SECRET_KEY]).toBe('legacy/database/config')
  })

  it('Vault found in the cluster (no VAULT_ADDR) is asked too', async () => {
    const run = await patchApply('legacy/other', world.env())
    expect(run.exitCode, run.stderr).toBe(0)
    expect(run.json.result.notes).toEqual([])
    expect(annotations()[SECRET_KEY]).toBe('legacy/other')
  })

  it('Vault unreachable: v2 is assumed, and the note says so and why', async () => {
    const requests = world.mark()
    const run = await patchApply('legacy/database/config', {...world.env(), VAULT_ADDR: 'http://127.0.0.1:9', VAULT_TOKEN: 'root'})
    expect(run.exitCode, run.stderr).toBe(0)
    expect(run.json.result.notes).toEqual([
      'database-config.txt: legacy/database/config → legacy/data/database/config (the API path the agent reads on KV v2)',
      expect.stringMatching(/^KV v2 was assumed \(as in the tutorial; Vault could not be asked: .*127\.0\.0\.1:9.*\); for a KV v1 engine give --kv-version 1$/),
    ])
    expect(requests.vault()).toEqual([])
  })

  it('--kv-version given: Vault is not asked, nothing is said to be assumed', async () => {
    const requests = world.mark()
    const run = await runVsi(['patch', '--role', 'internal-app', '--secret', 'database-config.txt=legacy/database/config', '--kv-version', '2', '--apply', 'deployment/orgchart', '--no-wait', '--json'], {env: world.env({direct: true})})
    expect(run.exitCode, run.stderr).toBe(0)
    expect(run.json.result.notes).toEqual(['database-config.txt: legacy/database/config → legacy/data/database/config (the API path the agent reads on KV v2)'])
    expect(requests.vault()).toEqual([])
  })

  it('without --apply Vault is not asked and the note stays', async () => {
    const requests = world.mark()
    const cwd = mkdtempSync(path.join(tmpdir(), 'vsi-kv-'))
    const run = await runVsi(['patch', '--role', 'internal-app', '--secret', 'database-config.txt=legacy/database/config', '--json'], {env: world.env({direct: true}), cwd})
    expect(run.exitCode, run.stderr).toBe(0)
    expect(run.json.result.notes).toContain('KV v2 was assumed (as in the tutorial); for a KV v1 engine give --kv-version 1')
    expect(requests.vault()).toEqual([])
  })
})

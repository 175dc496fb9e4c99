import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runVsi} from '../helpers/cli.js'
import {RENDERED_FILE as FILE, renderingDeployment} from '../helpers/rendered-deployment.js'
import {startVaultWorld, type VaultWorld} from '../helpers/vault-world.js'

/**
 * `--expect-keys` against Go's `map[…]` printing, which is ambiguous when values hold spaces, newlines, colons or
 * brackets: with Vault reachable, the secret's own key set is read from Vault and used to read the map; without it,
 * the expected keys alone.
 */
let world: VaultWorld

/** A deployment whose pods render `path` (a KV v2 secret written with `data`) to database-config.txt. */
const deployment = (name: string, path: string, data: Record<string, string>) => renderingDeployment(world, {name, path, role: 'internal-app', data})

const verify = (name: string, keys: string, env: Record<string, string>) =>
  runVsi(['verify', `deployment/${name}`, '--expect-keys', `database-config.txt=${keys}`, '--timeout', '30s', '--json'], {env})
const unreachable = () => ({...world.env(), VAULT_ADDR: 'http://127.0.0.1:9', VAULT_TOKEN: 'root'})
const expectCheck = (run: Awaited<ReturnType<typeof runVsi>>) => run.json.result.pods[0].checks.find((check: {check: string}) => check.check === 'expect')

beforeAll(async () => {
  world = await startVaultWorld()
  await world.vaultRequest('POST', 'sys/mounts/internal', {type: 'kv', options: {version: '2'}})
  world.kube.store.create({apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: 'internal-app', namespace: 'default'}})
})

afterAll(async () => {
  await world?.stop()
})

describe('verify --expect-keys reads a Go map by the secret\'s keys', () => {
  it('values with spaces, newlines, colons and brackets, and a key not expected: the expected keys are found', async () => {
    await deployment('tricky', 'tricky', {username: 'db user: [admin]', password: 'p w\nusername:x ]\n[', 'api key': 'a]b map[c:d]'})
    const requests = world.mark()
    const [withVault, withoutVault] = await Promise.all([verify('tricky', 'username,password', world.env({direct: true})), verify('tricky', 'username,password', unreachable())])
    expect(withVault.exitCode, withVault.stdout).toBe(0)
    expect(withVault.stderr).toBe('')
    expect(requests.vault().some((r) => r.method === 'GET' && r.path === '/v1/internal/data/tricky')).toBe(true)
    expect(withoutVault.exitCode, withoutVault.stdout).toBe(0)
    expect(withVault.stdout).not.toContain('db user')
  })

  it('a value that holds " password:" does not stand for a missing password key when Vault says which keys there are', async () => {
    await deployment('lookalike', 'lookalike', {username: 'u password:p]'})
    const withVault = await verify('lookalike', 'username,password', world.env({direct: true}))
    expect(withVault.exitCode, withVault.stdout).toBe(1)
    expect(expectCheck(withVault)).toMatchObject({status: 'fail', failure: {reason: `${FILE}: missing key password (the secret in Vault has keys username)`}})
    expect(withVault.stdout).not.toContain('u password:p')
  })

  it('Vault not reachable: the expected keys alone are used, and stderr says so', async () => {
    await deployment('fallback', 'fallback', {password: 'secret with spaces\nand a line', username: 'admin'})
    const run = await runVsi(['verify', 'deployment/fallback', '--expect-keys', 'database-config.txt=username,password,port', '--timeout', '30s'], {env: unreachable()})
    expect(run.exitCode, run.stdout).toBe(1)
    expect(run.stdout).toContain('missing key port')
    expect(run.stdout).not.toContain('the secret in Vault has')
    expect(run.stderr).toMatch(/^--expect-keys: Vault could not be asked for the secrets' keys \(.*127\.0\.0\.1:9.*\); a rendered map is read by the expected keys alone$/m)
  })
})

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runVsi} from '../helpers/cli.js'
import {RENDERED_FILE as FILE, renderingDeployment} from '../helpers/rendered-deployment.js'
import {specFolder} from '../helpers/spec-files.js'
import {startVaultWorld, type VaultWorld} from '../helpers/vault-world.js'

/**
 * `vsi verify -f vsi.yaml` reads Go's `map[…]` output of every app's secrets by the secret's own key set, asked of
 * Vault once for all apps, as `vsi verify --expect-keys` does for one workload: a value holding ` password:` does not
 * pass for a password key the secret does not have.
 */
const {write} = specFolder('vsi-spec-verify-keys-')
const specFile = write(
  'vsi.yaml',
  `apiVersion: vsi/v1
kind: Injection
apps:
  - name: lookalike
    serviceAccount: internal-app
    workloads: [deployment/lookalike]
    secrets:
      - file: database-config.txt
        path: internal/lookalike
        keys: [username, password]
  - name: honest
    serviceAccount: internal-app
    workloads: [deployment/honest]
    secrets:
      - file: database-config.txt
        path: internal/honest
        keys: [username, password]
`,
)
let world: VaultWorld

const deployment = (name: string, data: Record<string, string>) => renderingDeployment(world, {name, path: name, role: name, data})

const verify = (env: Record<string, string>, json = true) => runVsi(['verify', '-f', specFile, '--timeout', '30s', ...(json ? ['--json'] : [])], {env})
const expectChecks = (run: Awaited<ReturnType<typeof runVsi>>) =>
  Object.fromEntries(
    run.json.result.apps.map((app: {app: string; workloads: Array<{pods: Array<{checks: Array<{check: string}>}>}>}) => [app.app, app.workloads[0].pods[0].checks.find((check) => check.check === 'expect')]),
  )

beforeAll(async () => {
  world = await startVaultWorld()
  await world.vaultRequest('POST', 'sys/mounts/internal', {type: 'kv', options: {version: '2'}})
  world.kube.store.create({apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: 'internal-app', namespace: 'default'}})
  await deployment('lookalike', {username: 'u password:p]'})
  await deployment('honest', {password: 'a b: [c]', username: 'admin'})
}, 60_000)
afterAll(() => world?.stop())

describe('vsi verify -f vsi.yaml reads each secret by its own keys', () => {
  it('Vault found in the cluster, once for every app: a value holding " password:" fails the missing key; the other app passes', async () => {
    const mark = world.mark()
    const run = await verify(world.env())
    expect(run.exitCode, run.stdout).toBe(1)
    const checks = expectChecks(run)
    expect(checks.lookalike).toMatchObject({status: 'fail', failure: {reason: `${FILE}: missing key password (the secret in Vault has keys username)`}})
    expect(checks.honest).toMatchObject({status: 'pass'})
    const reads = mark.vault().filter((r) => r.method === 'GET' && r.path.startsWith('/v1/internal/data/'))
    expect(reads.map((r) => r.path).sort()).toEqual(['/v1/internal/data/honest', '/v1/internal/data/lookalike'])
    // One session: Vault is found (vault-0, through a port-forward) once for both apps.
    const vaultPodLists = mark.kube().filter((r) => r.method === 'GET' && r.path === '/api/v1/pods' && decodeURIComponent(r.query).includes('app.kubernetes.io/name=vault'))
    expect(vaultPodLists).toHaveLength(1)
    expect(run.stdout).not.toContain('u password:p')
  })

  it('Vault not reachable: the expected keys alone read the map (the lookalike passes), and stderr says so', async () => {
    const unreachable = {...world.env(), VAULT_ADDR: 'http://127.0.0.1:9', VAULT_TOKEN: 'root'}
    const [json, text] = await Promise.all([verify(unreachable), verify(unreachable, false)])
    expect(json.exitCode, json.stdout).toBe(0)
    expect(expectChecks(json).lookalike).toMatchObject({status: 'pass'})
    expect(text.exitCode, text.stdout).toBe(0)
    expect(text.stderr).toMatch(/^.*vsi\.yaml: keys: Vault could not be asked for the secrets' keys \(.*127\.0\.0\.1:9.*\); a rendered map is read by the expected keys alone$/m)
  })
})

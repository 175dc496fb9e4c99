/**
 * vsi.yaml commands on a terminal and the defaults that depend on where they run: `prompt: true` asks without echo
 * (never with CI set), destroy asks before deleting (never with CI set), --app limits apply to some apps, and an app
 * without a namespace lands in the kubeconfig context's namespace.
 */
import {readFileSync} from 'node:fs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse, stringify} from 'yaml'

import {runVsi} from '../helpers/cli.js'
import {specFolder} from '../helpers/spec-files.js'
import {hasScript, runInTerminal} from '../helpers/terminal.js'
import {startVaultWorld, type VaultWorld} from '../helpers/vault-world.js'

const {write} = specFolder('vsi-spec-tty-')
const TYPED = 'typed-at-the-prompt-9c4d'
const specFile = write(
  'vsi.yaml',
  `apiVersion: vsi/v1
kind: Injection
apps:
  - name: internal-app
    namespace: default
    workloads: [deployment/orgchart]
    secrets:
      - file: database-config.txt
        path: internal/database/config
        data:
          username: {value: db-readonly-username}
          password: {prompt: true}
  - name: billing
    secrets:
      - file: billing.txt
        path: internal/billing/db
        data:
          user: {value: billing-user}
`,
)

let world: VaultWorld
/** The world's kubeconfig, with its context's namespace set to team-b. */
let teamBKubeconfig: string
const writes = (requests: Array<{method: string; path: string}>) => requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD')

beforeAll(async () => {
  world = await startVaultWorld()
  world.kube.store.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'team-b'}})
  const config = parse(readFileSync(world.kubeconfig, 'utf8'))
  for (const entry of config.contexts) entry.context.namespace = 'team-b'
  teamBKubeconfig = write('kubeconfig-team-b', stringify(config))
})
afterAll(() => world.stop())

describe.skipIf(!hasScript)('vsi.yaml commands on a terminal', () => {
  it('prompt: true is never asked with CI set, even on a terminal: exit 2 at its place, nothing contacted', async () => {
    const mark = world.mark()
    const {output, code} = await runInTerminal(['apply', '-f', specFile], {...world.env(), CI: 'true'}, [])
    expect(code, output).toBe(2)
    expect(output).toMatch(/vsi\.yaml:12:21: apps\[0\]\.secrets\[0\]\.data\.password: prompt: true needs a terminal/)
    expect(mark.vault()).toEqual([])
    expect(mark.kube()).toEqual([])
  })

  it('prompt: true asks on a terminal without echo; apply --app writes the typed value for that app only', async () => {
    const {output, code} = await runInTerminal(['apply', '-f', specFile, '--app', 'internal-app'], world.env(), [['internal-app: internal/database/config password', `${TYPED}\r`]])
    expect(code, output).toBe(0)
    expect(output).not.toContain(TYPED)
    expect(output).toMatch(/verified +login as default\/internal-app and read internal\/database\/config/)
    const kv = world.vault.state.kv('internal')!
    expect(kv.version === 2 && kv.keys['database/config'].versions[1].data).toEqual({username: 'db-readonly-username', password: TYPED})
    // --app internal-app: nothing of billing.
    expect(kv.version === 2 && kv.keys['billing/db']).toBeUndefined()
    expect(world.vault.state.policies()['billing']).toBeUndefined()
  }, 90_000)
})

describe('defaults that depend on the cluster', () => {
  it('an app without namespace is planned and applied in the kubeconfig context\'s namespace', async () => {
    const env = {KUBECONFIG: teamBKubeconfig}
    const plan = await runVsi(['plan', '-f', specFile, '--app', 'billing'], {env})
    expect(plan.exitCode, plan.stderr).toBe(0)
    expect(plan.stdout).toMatch(/^app billing \(namespace team-b\)$/m)
    expect(plan.stdout).toMatch(/^ {2}create +role billing \(auth\/kubernetes, team-b\/billing, ttl 24h\)$/m)
    expect(plan.stdout).not.toMatch(/^app internal-app/m)
    const apply = await runVsi(['apply', '-f', specFile, '--app', 'billing'], {env})
    expect(apply.exitCode, `${apply.stdout}\n${apply.stderr}`).toBe(0)
    expect(world.kube.store.get('ServiceAccount', 'team-b', 'billing')).toBeDefined()
    expect(world.kube.store.get('ServiceAccount', 'default', 'billing')).toBeUndefined()
    expect(world.vault.state.kubernetes()!.roles['billing']).toMatchObject({bound_service_account_namespaces: ['team-b']})
  }, 90_000)
})

describe.skipIf(!hasScript)('vsi destroy on a terminal', () => {
  it('asks before deleting; "no" deletes nothing', async () => {
    const mark = world.mark()
    const {output, code} = await runInTerminal(['destroy', '-f', specFile, '--app', 'internal-app'], world.env(), [['Delete these', 'n\r']])
    expect(code, output).toBe(0)
    expect(output).toMatch(/delete +policy internal-app/)
    expect(output).toContain('Nothing was deleted.')
    expect(writes(mark.vault())).toEqual([])
    expect(writes(mark.kube())).toEqual([])
  }, 60_000)

  it('with CI set it does not ask: it needs --yes (exit 2), nothing deleted', async () => {
    const mark = world.mark()
    const {output, code} = await runInTerminal(['destroy', '-f', specFile, '--app', 'internal-app'], {...world.env(), CI: '1'}, [])
    expect(code, output).toBe(2)
    expect(output).not.toContain('Delete these')
    expect(output).toContain('confirm with --yes')
    expect(writes(mark.vault())).toEqual([])
    expect(writes(mark.kube())).toEqual([])
  }, 60_000)

  it('"yes" deletes what vsi created for the app', async () => {
    const {output, code} = await runInTerminal(['destroy', '-f', specFile, '--app', 'internal-app'], world.env(), [['Delete these', 'y\r']])
    expect(code, output).toBe(0)
    expect(output).toMatch(/Destroyed: \d+ deleted\./)
    expect(world.vault.state.policies()['internal-app']).toBeUndefined()
    expect(world.vault.state.policies()['billing']).toBeDefined()
  }, 90_000)
})


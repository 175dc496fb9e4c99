// vsi plan -f decides where Vault runs as vsi setup does (src/setup/location.ts): by comparing the cluster_id behind
// VAULT_ADDR with that of the Vault server pod, not by whether VAULT_ADDR is set.
import {afterEach, describe, expect, it} from 'vitest'

import {runVsi} from '../helpers/cli.js'
import {specFolder, tutorialSpec} from '../helpers/spec-files.js'
import {startVaultWorld, type VaultWorld} from '../helpers/vault-world.js'

const {write} = specFolder('vsi-spec-location-')
const specFile = write('vsi.yaml', tutorialSpec('        data:\n          username: {value: db-readonly-username}\n'))

type Action = {step: string; status: string}
const steps = (result: {apps: Array<{actions: Action[]}>; shared: Action[]}) => [...result.shared, ...result.apps.flatMap((app) => app.actions)].map((a) => a.step).join(' ')

let world: VaultWorld | undefined
afterEach(async () => {
  await world?.stop()
  world = undefined
})

describe('vsi plan -f: where Vault runs', () => {
  it('VAULT_ADDR reaching vault-0 itself (as a port-forward does) is Vault in the cluster: the Vault pod\'s delegator binding is checked, no reviewer account planned', async () => {
    world = await startVaultWorld()
    const plan = await runVsi(['plan', '-f', specFile, '--json'], {env: world.env({direct: true})})
    expect(plan.exitCode, plan.stderr).toBe(0)
    expect(plan.json.result.vault.inCluster).toBe(true)
    expect(plan.json.result.vault.location).toMatch(/^http:\/\/127\.0\.0\.1:\d+ is pod default\/vault-0 \(same cluster_id [0-9a-f-]{36}, vault-cluster-[0-9a-f]{8}\)$/)
    expect(steps(plan.json.result)).toMatch(/vault-auth-delegator/)
    expect(steps(plan.json.result)).not.toMatch(/reviewer-/)
    const text = await runVsi(['plan', '-f', specFile], {env: world.env({direct: true})})
    expect(text.stderr).toMatch(/^Vault runs in the cluster: .* is pod default\/vault-0 \(same cluster_id/m)
  })

  it('another Vault at VAULT_ADDR is outside the cluster: the reviewer account and token are planned', async () => {
    world = await startVaultWorld({outside: true})
    const plan = await runVsi(['plan', '-f', specFile, '--json'], {env: world.env({direct: true})})
    expect(plan.exitCode, plan.stderr).toBe(0)
    expect(plan.json.result.vault.inCluster).toBe(false)
    expect(plan.json.result.vault.location).toMatch(/^http:\/\/127\.0\.0\.1:\d+ is Vault cluster vault-cluster-[0-9a-f]{8}, not pod default\/vault-0 \(vault-cluster-[0-9a-f]{8}\)$/)
    expect(steps(plan.json.result)).toMatch(/reviewer-service-account reviewer-binding reviewer-token/)
  })

  it('--vault-location external overrides the evidence', async () => {
    world = await startVaultWorld()
    const plan = await runVsi(['plan', '-f', specFile, '--json', '--vault-location', 'external'], {env: world.env({direct: true})})
    expect(plan.exitCode, plan.stderr).toBe(0)
    expect(plan.json.result.vault).toMatchObject({inCluster: false, location: '--vault-location external'})
  })
})

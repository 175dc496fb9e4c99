import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {VaultEmulator} from '../emulators/vault/index.js'
import {startVaultEmulator} from '../emulators/vault/index.js'
import {runVsi, seedDir} from '../helpers/cli.js'

const P = 'vault.hashicorp.com/'
const CONNECTION = 'postgresql://db-readonly-username:db-secret-password@postgres:5432/wizard'
const dir = mkdtempSync(path.join(tmpdir(), 'vsi-template-'))
const fixture = path.join(dir, 'secret.json')
const asTemplate = path.join(seedDir, 'patch-inject-secrets-as-template.yaml')
const asSecret = path.join(seedDir, 'patch-inject-secrets.yaml')

let vault: VaultEmulator
let env: Record<string, string>

const render = (...args: string[]) => runVsi(['template', 'render', ...args], {env})

/** A patch of the pod template with these annotations, as a file. */
function patchFile(name: string, annotations: Record<string, string>): string {
  const file = path.join(dir, `${name}.json`)
  writeFileSync(file, JSON.stringify({spec: {template: {metadata: {annotations: {[`${P}agent-inject`]: 'true', ...annotations}}}}}))
  return file
}

async function vaultWrite(apiPath: string, body: object): Promise<void> {
  const response = await fetch(`${vault.url}/v1/${apiPath}`, {method: 'POST', headers: {'X-Vault-Token': vault.rootToken}, body: JSON.stringify(body)})
  if (!response.ok) throw new Error(`POST ${apiPath}: ${response.status} ${await response.text()}`)
}

beforeAll(async () => {
  writeFileSync(fixture, JSON.stringify({username: 'db-readonly-username', password: 'db-secret-password'}))
  vault = await startVaultEmulator()
  env = {VAULT_ADDR: vault.url, VAULT_TOKEN: vault.rootToken}
  await vaultWrite('sys/mounts/internal', {type: 'kv', options: {version: '2'}})
  await vaultWrite('internal/data/database/config', {data: {username: 'db-readonly-username', password: 'db-secret-password'}})
})

afterAll(async () => {
  await vault?.stop()
})

describe('vsi template render against a fixture', () => {
  it("renders the tutorial's template to the connection string, and the default template to data: map[…] with the reason", async () => {
    const [template, json, defaultMap] = await Promise.all([
      render(asTemplate, '--data', fixture),
      render(asTemplate, '--data', fixture, '--json'),
      render(asSecret, '--data', fixture),
    ])
    expect(template.exitCode, template.stderr).toBe(0)
    expect(template.stdout).toContain('database-config.txt → /vault/secrets/database-config.txt')
    expect(template.stdout).toContain(`│ ${CONNECTION}\n`)
    expect(json.json).toMatchObject({ok: true, result: {secrets: 'fixture', masked: false, passed: true}})
    expect(json.json.result.templates[0]).toMatchObject({name: 'database-config.txt', output: CONNECTION, missingKeys: [], secrets: [{path: 'internal/data/database/config', kvVersion: 2, keys: ['password', 'username']}]})

    expect(defaultMap.exitCode, defaultMap.stderr).toBe(0)
    expect(defaultMap.stdout).toContain('│ data: map[password:db-secret-password username:db-readonly-username]')
    expect(defaultMap.stdout).toMatch(/│ metadata: map\[created_time:\S+ custom_metadata:<nil> deletion_time: destroyed:false version:1\]/)
    expect(defaultMap.stdout).toContain('On a KV v2 engine Data holds "data" and "metadata"')
    expect(defaultMap.stdout).toContain(`${P}agent-inject-template-database-config.txt: |`)
  })

  it('reports a key the secret lacks with the keys it has, and an unknown function by name (exit 1)', async () => {
    const typo = patchFile('typo', {[`${P}agent-inject-template-db`]: '{{ with secret "internal/data/database/config" }}{{ .Data.data.usernme }}{{ end }}'})
    const templateFile = path.join(dir, 'db.ctmpl')
    writeFileSync(templateFile, '{{ with secret "internal/data/database/config" }}{{ .Data.data.username | toUpperr }}{{ end }}')
    const [missing, unknown] = await Promise.all([render(typo, '--data', fixture, '--json'), render(templateFile, '--data', fixture)])
    expect(missing.exitCode).toBe(1)
    expect(missing.json).toMatchObject({ok: false, error: {code: 'template-render-failed'}})
    expect(missing.json.result.templates[0]).toMatchObject({
      output: '<no value>',
      missingKeys: [{reference: '.Data.data.usernme', key: 'usernme', available: ['password', 'username'], hint: 'did you mean username?'}],
    })
    expect(missing.json.result.templates[0].notes[0]).toContain(`${P}error-on-missing-key-db: "true"`)

    expect(unknown.exitCode).toBe(1)
    expect(unknown.stdout).toContain('function "toUpperr" not defined')
    expect(unknown.stderr).toContain('1 of 1 templates would not render as intended: db.ctmpl')
  })

  it('refuses what it cannot render from (exit 2)', async () => {
    const [noFile, noSecret, noAnnotations] = await Promise.all([
      render(path.join(dir, 'absent.yaml'), '--data', fixture),
      render(asTemplate, '--data', fixture, '--secret', 'other.txt'),
      render(path.join(seedDir, 'deployment-orgchart.yaml'), '--data', fixture),
    ])
    expect(noFile.exitCode).toBe(2)
    expect(noSecret.exitCode).toBe(2)
    expect(noSecret.stderr).toContain('Its secrets: database-config.txt')
    expect(noAnnotations.exitCode).toBe(2)
    expect(noAnnotations.stderr).toContain('has no agent-inject-secret-* or agent-inject-template-* annotation on a pod template')
  })
})

describe('vsi template render against Vault', () => {
  it('masks the values unless --show-secrets', async () => {
    const [masked, json, shown] = await Promise.all([render(asTemplate), render(asTemplate, '--json'), render(asTemplate, '--show-secrets')])
    expect(masked.exitCode, masked.stderr).toBe(0)
    expect(masked.stdout).toContain('│ postgresql://[redacted:username]:[redacted:password]@postgres:5432/wizard')
    expect(masked.stdout).toContain('Values read from Vault are shown as [redacted:KEY]; --show-secrets prints them.')
    expect(json.json.result).toMatchObject({secrets: 'vault', masked: true})
    expect(json.json.result.templates[0].output).toBe('postgresql://[redacted:username]:[redacted:password]@postgres:5432/wizard')
    for (const run of [masked, json]) expect(run.stdout + run.stderr).not.toContain('db-secret-password')
    expect(shown.stdout).toContain(`│ ${CONNECTION}`)
  })

  it('says when the secret does not exist, as the agent would', async () => {
    const absent = patchFile('absent', {[`${P}agent-inject-secret-db`]: 'internal/data/nope'})
    const result = await render(absent)
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toContain('internal/data/nope: no secret exists at internal/data/nope')
    expect(result.stdout).toContain('error calling secret: no secret exists at internal/data/nope')
  })
})

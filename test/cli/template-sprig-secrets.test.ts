import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {VaultEmulator} from '../emulators/vault/index.js'
import {startVaultEmulator} from '../emulators/vault/index.js'
import {runVsi} from '../helpers/cli.js'

const dir = mkdtempSync(path.join(tmpdir(), 'vsi-template-sprig-'))
const SECRET = {expires: '2031-07-08', endpoint: 'https://admin:hunter2@db.internal:5432/app', version: '1.5.2'}
/** Every form of the secret the templates below derive from it. */
const DERIVED = ['2031', 'Jul', '1941', 'hunter2', 'db.internal', '1.5.2', 'admin']

let vault: VaultEmulator
let env: Record<string, string>
const render = (...args: string[]) => runVsi(['template', 'render', ...args], {env})

function file(name: string, text: string): string {
  const target = path.join(dir, name)
  writeFileSync(target, text)
  return target
}

beforeAll(async () => {
  vault = await startVaultEmulator()
  env = {VAULT_ADDR: vault.url, VAULT_TOKEN: vault.rootToken}
  const call = async (apiPath: string, body: object) => {
    const response = await fetch(`${vault.url}/v1/${apiPath}`, {method: 'POST', headers: {'X-Vault-Token': vault.rootToken}, body: JSON.stringify(body)})
    if (!response.ok) throw new Error(`${apiPath}: ${response.status} ${await response.text()}`)
  }
  await call('sys/mounts/internal', {type: 'kv', options: {version: '2'}})
  await call('internal/data/svc', {data: SECRET})
})

afterAll(async () => {
  await vault?.stop()
})

describe('sprig date, url, semver and merge functions never show a live secret', () => {
  it('a date parsed from a secret renders over the marker: the zero time, never the secret\'s date', async () => {
    const dates = file('dates.ctmpl', '{{ with secret "internal/data/svc" }}{{ (sprig_toDate "2006-01-02" .Data.data.expires).Format "Jan 2006" }}|{{ sprig_toDate "2006-01-02" .Data.data.expires | sprig_unixEpoch }}{{ end }}\n')
    const [plain, json, shown] = await Promise.all([render(dates), render(dates, '--json', '--debug'), render(dates, '--show-secrets')])
    expect(plain.exitCode, plain.stderr).toBe(0)
    expect(json.json.result.templates[0].output).toBe('Jan 0001|-62135596800\n')
    for (const run of [plain, json]) for (const form of DERIVED) expect(run.stdout + run.stderr).not.toContain(form)
    expect(shown.stdout).toContain('│ Jul 2031|1941235200\n')
  })

  it('shows only the shape when a function cannot run on the markers (urlParse, semverCompare, mustToDate)', async () => {
    const parsing = file(
      'parsing.ctmpl',
      '{{ with secret "internal/data/svc" }}{{ (sprig_urlParse .Data.data.endpoint).hostname }}\n{{ sprig_semverCompare "^1.4" .Data.data.version }}\n' +
        '{{ sprig_mustToDate "2006-01-02" .Data.data.expires | sprig_unixEpoch }}\n{{ sprig_merge (sprig_dict "user" "x") .Data.data | toJSON }}{{ end }}',
    )
    const [plain, json, shown] = await Promise.all([render(parsing), render(parsing, '--json', '--debug'), render(parsing, '--show-secrets')])
    expect(plain.exitCode, plain.stderr).toBe(0)
    expect(plain.stdout).toContain('hidden    4 lines')
    expect(json.json.result.templates[0]).toMatchObject({shape: {lines: 4}})
    expect(json.json.result.templates[0].output).toBeUndefined()
    for (const run of [plain, json]) for (const form of DERIVED) expect(run.stdout + run.stderr).not.toContain(form)
    expect(shown.stdout).toContain('│ db.internal\n')
    expect(shown.stdout).toContain('│ true\n')
    expect(shown.stdout).toContain('│ 1941235200\n')
    expect(shown.stdout).toContain(`│ {"endpoint":"${SECRET.endpoint}","expires":"${SECRET.expires}","user":"x","version":"${SECRET.version}"}`)
  })

  it('an error that quotes a secret keeps its position and hides the rest (exit 1)', async () => {
    const failing = file('bad-date.ctmpl', '{{ with secret "internal/data/svc" }}{{ sprig_mustToDate "2006/01/02" .Data.data.expires }}{{ end }}')
    const [plain, shown] = await Promise.all([render(failing), render(failing, '--show-secrets')])
    expect(plain.exitCode).toBe(1)
    expect(plain.stdout).toContain('at <sprig_mustToDate "2006/01/02" .Data.data.expires>: [hidden')
    expect(plain.stdout + plain.stderr).not.toContain('2031')
    expect(shown.stdout).toContain(`parsing time "${SECRET.expires}" as "2006/01/02": cannot parse "-07-08" as "/"`)
  })
})

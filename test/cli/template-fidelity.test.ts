import {createDecipheriv} from 'node:crypto'
import {existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import bcryptjs from 'bcryptjs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {VaultEmulator} from '../emulators/vault/index.js'
import {startVaultEmulator} from '../emulators/vault/index.js'
import {runVsi} from '../helpers/cli.js'

const dir = mkdtempSync(path.join(tmpdir(), 'vsi-template-fidelity-'))
const PASSWORD = 'db-secret-password'
const DECODED = 'decoded-value'
/** Every form of the password a template below derives: none may appear without --show-secrets. */
const DERIVED = [PASSWORD, PASSWORD.toUpperCase(), Buffer.from(PASSWORD).toString('base64'), PASSWORD.replaceAll('secret', 's3cr3t'), DECODED]

/** Written as JSON text, so that each number's form reaches Vault as typed. */
const NUMBERS = '{"ratio": 1.50, "thousand": 1e3, "zero": -0, "big": 12345678901234567890}'

let vault: VaultEmulator
let env: Record<string, string>

const render = (...args: string[]) => runVsi(['template', 'render', ...args], {env})

function file(name: string, text: string): string {
  const target = path.join(dir, name)
  writeFileSync(target, text)
  return target
}

async function vaultCall(method: string, apiPath: string, body?: object | string): Promise<void> {
  const text = typeof body === 'string' ? body : body && JSON.stringify(body)
  const response = await fetch(`${vault.url}/v1/${apiPath}`, {method, headers: {'X-Vault-Token': vault.rootToken}, body: text})
  if (!response.ok) throw new Error(`${method} ${apiPath}: ${response.status} ${await response.text()}`)
}

beforeAll(async () => {
  vault = await startVaultEmulator()
  env = {VAULT_ADDR: vault.url, VAULT_TOKEN: vault.rootToken}
  await vaultCall('POST', 'sys/mounts/internal', {type: 'kv', options: {version: '2'}})
  await vaultCall('POST', 'internal/data/app', {data: {username: 'db-user', password: PASSWORD, encoded: Buffer.from(DECODED).toString('base64')}})
  await vaultCall('POST', 'internal/data/gone', {data: {password: 'old'}})
  await vaultCall('DELETE', 'internal/data/gone')
  await vaultCall('POST', 'internal/data/shredded', {data: {password: 'old'}})
  await vaultCall('PUT', 'internal/destroy/shredded', {versions: [1]})
  // A separate mount, so that the listing of internal/ below stays as it is.
  await vaultCall('POST', 'sys/mounts/scrap', {type: 'kv', options: {version: '2'}})
  await vaultCall('POST', 'scrap/data/burnt', {data: {password: 'old'}})
  await vaultCall('DELETE', 'scrap/data/burnt')
  await vaultCall('PUT', 'scrap/destroy/burnt', {versions: [1]})
  await vaultCall('POST', 'sys/mounts/legacy', {type: 'kv'})
  await vaultCall('POST', 'legacy/numbers', NUMBERS)
  await vaultCall('POST', 'internal/data/numbers', `{"data": ${NUMBERS}}`)
})

afterAll(async () => {
  await vault?.stop()
})

describe('vsi template render never shows a live secret, in any form', () => {
  const transformed = file(
    'transformed.ctmpl',
    '{{ with secret "internal/data/app" }}{{ .Data.data.password | toUpper }}\n{{ .Data.data.password | base64Encode }}\n' +
      '{{ .Data.data.password | replaceAll "secret" "s3cr3t" }}\n{{ .Data.data.username }}{{ end }}\n',
  )

  it('renders over markers naming each key: plain, --json and --debug', async () => {
    const runs = await Promise.all([render(transformed), render(transformed, '--json'), render(transformed, '--debug')])
    for (const run of runs) {
      expect(run.exitCode, run.stderr).toBe(0)
      for (const form of DERIVED) expect(run.stdout + run.stderr).not.toContain(form)
    }
    const marker = '[redacted:password]'
    expect(runs[0].stdout).toContain(`│ ${marker.toUpperCase()}\n`)
    expect(runs[0].stdout).toContain(`│ ${Buffer.from(marker).toString('base64')}\n`)
    expect(runs[0].stdout).toContain(`│ ${marker}\n`)
    expect(runs[0].stdout).toContain('│ [redacted:username]\n')
    expect(runs[1].json.result.templates[0]).toMatchObject({output: `${marker.toUpperCase()}\n${Buffer.from(marker).toString('base64')}\n${marker}\n[redacted:username]\n`, shape: {lines: 4}})
  })

  it('renders hashes, hex, and sprig\'s crypto functions over the marker too: plain, --json and --debug', async () => {
    const crypto = file(
      'crypto.ctmpl',
      '{{ with secret "internal/data/app" }}{{ .Data.data.password | sha256Hex }}\n{{ printf "%x" .Data.data.password }}\n' +
        '{{ .Data.data.password | sprig_sha256sum }}\n{{ sprig_derivePassword 1 "long" .Data.data.password "user" "site" }}\n' +
        '{{ .Data.data.password | sprig_encryptAES "k" }}\n{{ .Data.data.password | sprig_bcrypt }}\n{{ sprig_htpasswd "admin" .Data.data.password }}{{ end }}',
    )
    const marker = '[redacted:password]'
    const lines = (output: string) => output.split('\n')
    const [plain, json, real, overMarker] = await Promise.all([
      render(crypto),
      render(crypto, '--json', '--debug'),
      render(crypto, '--data', file('real.json', JSON.stringify({password: PASSWORD})), '--output-file', '-'),
      render(crypto, '--data', file('marker.json', JSON.stringify({password: marker})), '--output-file', '-'),
    ])
    for (const run of [real, overMarker]) expect(run.exitCode, run.stderr).toBe(0)
    // What the real value gives through each function: none of it may appear.
    const derived = [...DERIVED, ...lines(real.stdout).slice(0, 4), Buffer.from(PASSWORD).toString('hex')]
    for (const run of [plain, json]) {
      expect(run.exitCode, run.stderr).toBe(0)
      for (const form of derived) expect(run.stdout + run.stderr).not.toContain(form)
    }
    const shown = lines(json.json.result.templates[0].output)
    expect(shown.slice(0, 4)).toEqual(lines(overMarker.stdout).slice(0, 4))
    for (const line of shown.slice(0, 4)) expect(plain.stdout).toContain(`│ ${line}\n`)
    const sealed = Buffer.from(shown[4], 'base64')
    const key = Buffer.alloc(32)
    key.write('k')
    const decipher = createDecipheriv('aes-256-cbc', key, sealed.subarray(0, 16))
    expect(Buffer.concat([decipher.update(sealed.subarray(16)), decipher.final()]).toString()).toBe(marker)
    expect([bcryptjs.compareSync(marker, shown[5]), bcryptjs.compareSync(PASSWORD, shown[5])]).toEqual([true, false])
    expect(shown[6]).toMatch(/^admin:\$2a\$10\$/)
    expect(bcryptjs.compareSync(PASSWORD, shown[6].slice('admin:'.length))).toBe(false)
  }, 120_000)

  it('shows only the shape of an output computed from a value, and why', async () => {
    const decoding = file('decode.ctmpl', '{{ with secret "internal/data/app" }}{{ .Data.data.encoded | base64Decode }}{{ end }}')
    const [plain, json, shown] = await Promise.all([render(decoding), render(decoding, '--json', '--debug'), render(decoding, '--show-secrets')])
    expect(plain.exitCode, plain.stderr).toBe(0)
    expect(plain.stdout).toContain(`hidden    1 line, ${DECODED.length} bytes: the output is computed from secret values`)
    expect(json.json.result.templates[0]).toMatchObject({shape: {lines: 1, bytes: DECODED.length}})
    expect(json.json.result.templates[0].output).toBeUndefined()
    for (const run of [plain, json]) expect(run.stdout + run.stderr).not.toContain(DECODED)
    expect(shown.stdout).toContain(`│ ${DECODED}\n`)
  })

  it('hides the detail of an error that quotes a value, keeping where it failed (exit 1)', async () => {
    const failing = file('fail.ctmpl', '{{ with secret "internal/data/app" }}{{ .Data.data.password | parseInt }}{{ end }}')
    const [plain, json, shown] = await Promise.all([render(failing), render(failing, '--json', '--debug'), render(failing, '--show-secrets')])
    expect(plain.exitCode).toBe(1)
    expect(plain.stdout).toContain('executing "" at <parseInt>: [hidden: it depends on the values of a secret read from Vault; --show-secrets shows it]')
    expect(json.json.result.templates[0].error).toContain('at <parseInt>: [hidden')
    for (const run of [plain, json]) expect(run.stdout + run.stderr).not.toContain(PASSWORD)
    expect(shown.stdout).toContain(`parsing "${PASSWORD}": invalid syntax`)
  })
})

describe('vsi template render writes what Vault Agent writes', () => {
  it('keeps numbers of a --data fixture as written (json.Number)', async () => {
    const data = file('numbers.json', '{"ratio": 1.50, "thousand": 1e3, "big": 12345678901234567890, "zero": -0}')
    const template = file('numbers.ctmpl', '{{ with secret "kv/data/n" }}{{ .Data.data.ratio }} {{ .Data.data.thousand }} {{ .Data.data.big }} {{ printf "%v" .Data.data.zero }} {{ .Data.data | toJSON }}{{ end }}')
    const result = await render(template, '--data', data, '--json')
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.json.result.templates[0].output).toBe('1.50 1e3 12345678901234567890 -0 {"big":12345678901234567890,"ratio":1.50,"thousand":1e3,"zero":-0}')
  })

  it('keeps numbers of a live KV v1 read as written: plain, printf, toJSON, the default template', async () => {
    const template = file(
      'live-numbers.ctmpl',
      '{{ with secret "legacy/numbers" }}{{ .Data.ratio }} {{ .Data.thousand }} {{ .Data.zero }} {{ .Data.big }}|' +
        '{{ printf "%v %s %T" .Data.ratio .Data.thousand .Data.big }}|{{ .Data | toJSON }}{{ end }}',
    )
    const annotations = {'vault.hashicorp.com/agent-inject': 'true', 'vault.hashicorp.com/agent-inject-secret-n': 'legacy/numbers'}
    const manifest = file('live-numbers.json', JSON.stringify({apiVersion: 'apps/v1', kind: 'Deployment', spec: {template: {metadata: {annotations}}}}))
    const [rendered, json, map] = await Promise.all([
      render(template, '--show-secrets', '--output-file', '-'),
      render(template, '--show-secrets', '--json'),
      render(manifest, '--show-secrets', '--json'),
    ])
    const expected = '1.50 1e3 -0 12345678901234567890|1.50 1e3 json.Number|{"big":12345678901234567890,"ratio":1.50,"thousand":1e3,"zero":-0}'
    expect(rendered.exitCode, rendered.stderr).toBe(0)
    expect(rendered.stdout).toBe(expected)
    expect(json.json.result.templates[0].output).toBe(expected)
    // The injector's default template: one `key: value` line per key of Data.
    expect(map.exitCode, map.stderr).toBe(0)
    expect(map.json.result.templates[0].output).toBe('big: 12345678901234567890\nratio: 1.50\nthousand: 1e3\nzero: -0\n')
  })

  it('renders numbers of a live KV v2 read as Vault answers them (float64s: 1.5, 1000, -0)', async () => {
    const template = file('live-numbers-v2.ctmpl', '{{ with secret "internal/data/numbers" }}{{ .Data.data.ratio }} {{ .Data.data.thousand }} {{ .Data.data.zero }} {{ .Data.data.big }}|{{ .Data.data | toJSON }}{{ end }}')
    const rendered = await render(template, '--show-secrets', '--output-file', '-')
    expect(rendered.exitCode, rendered.stderr).toBe(0)
    expect(rendered.stdout).toBe('1.5 1000 -0 12345678901234567000|{"big":12345678901234567000,"ratio":1.5,"thousand":1000,"zero":-0}')
  })

  it('renders pkiCert from a recorded pki/issue answer, and never issues one from a live Vault', async () => {
    const issue = fileURLToPath(new URL('../fixtures/go-template/pki-issue.json', import.meta.url))
    const {data} = JSON.parse(readFileSync(issue, 'utf8')) as {data: Record<string, string>}
    const template = file('cert.ctmpl', '{{ with pkiCert "pki/issue/web" "common_name=app.example.com" }}{{ .Cert }}{{ .Data.CA }}{{ end }}')
    const [fixture, live] = await Promise.all([render(template, '--data', `pki/issue/web=${issue}`, '--json'), render(template, '--json')])
    expect(fixture.exitCode, fixture.stderr).toBe(0)
    expect(fixture.json.result.templates[0].output).toBe(`${data.certificate}\n${data.issuing_ca}\n`)
    expect(live.exitCode).toBe(1)
    expect(live.json.result.templates[0].error).toContain('error calling pkiCert: vsi does not issue certificates from a live Vault')
    // Nothing was written to the emulated Vault's PKI path (it has no PKI engine; the attempt would be logged as a request).
    expect(vault.requests.some((request) => request.path.includes('pki/'))).toBe(false)
  })

  it('lists keys for secrets: live from KV v2 metadata/, or from a recorded LIST answer', async () => {
    const template = file('list.ctmpl', '{{ range secrets "internal/" }}{{ . }},{{ end }}')
    const fixtureTemplate = file('list-fixture.ctmpl', '{{ range secrets "kv/metadata/team" }}{{ . }},{{ end }}')
    const listing = file('list.json', '{"data": {"keys": ["b", "a/"]}}')
    const [live, fixture] = await Promise.all([render(template, '--json'), render(fixtureTemplate, '--data', `kv/metadata/team=${listing}`, '--json')])
    expect(live.exitCode, live.stderr).toBe(0)
    expect(live.json.result.templates[0].output).toBe('app,gone,numbers,shredded,')
    // consul-template (dependency/vault_list.go shimKvV2ListPath) lists the KV v2 mount's metadata/ path.
    expect(vault.requests.some((request) => request.path === '/v1/internal/metadata/' && request.query === 'list=true')).toBe(true)
    expect(fixture.exitCode, fixture.stderr).toBe(0)
    expect(fixture.json.result.templates[0].output).toBe('a/,b,')
  })

  it('--output-file FILE and --output-file - write exactly the rendered bytes', async () => {
    const data = file('db.json', JSON.stringify({password: PASSWORD}))
    const template = file('db.tmpl', '{{- with secret "internal/data/db" -}}pw={{ .Data.data.password }}{{- end -}}')
    const target = path.join(dir, 'db.golden')
    const [toFile, toStdout] = await Promise.all([render(template, '--data', data, '--output-file', target), render(template, '--data', data, '--output-file', '-')])
    expect(toFile.exitCode, toFile.stderr).toBe(0)
    expect(readFileSync(target, 'utf8')).toBe(`pw=${PASSWORD}`)
    expect(toFile.stdout).toContain(`Wrote ${target} (${`pw=${PASSWORD}`.length} bytes).`)
    expect(toStdout.exitCode, toStdout.stderr).toBe(0)
    expect(toStdout.stdout).toBe(`pw=${PASSWORD}`)
  })

  it('--output-file refuses masked values and more than one template, and writes nothing for a failing template', async () => {
    const data = file('any.json', '{"a": "b"}')
    const broken = file('broken.tmpl', '{{ with secret "kv/data/x" }}{{ .Data.data.a | parseInt }}{{ end }}')
    const target = path.join(dir, 'never.txt')
    const [masked, failing] = await Promise.all([render(broken, '--output-file', target), render(broken, '--data', data, '--output-file', target)])
    expect(masked.exitCode).toBe(2)
    expect(masked.stderr).toContain('needs --show-secrets')
    expect(failing.exitCode).toBe(1)
    expect(existsSync(target)).toBe(false)
  })

  it('--output-file writes bytes that are not UTF-8 as the agent does (base64Decode of binary, \\x escapes)', async () => {
    const binary = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x41, 0xc3])
    const data = file('binary.json', JSON.stringify({blob: binary.toString('base64')}))
    const template = file('binary.tmpl', '{{ with secret "kv/data/b" }}{{ .Data.data.blob | base64Decode }}{{ end }}{{ "\\xa9|" }}{{ slice "é" 0 1 }}')
    const target = path.join(dir, 'binary.out')
    const result = await render(template, '--data', data, '--output-file', target)
    expect(result.exitCode, result.stderr).toBe(0)
    expect(readFileSync(target)).toEqual(Buffer.concat([binary, Buffer.from([0xa9, 0x7c, 0xc3])]))
    expect(result.stdout).toContain(`Wrote ${target} (9 bytes).`)
  })

  it('--output-file keeps bytes of the template file that are not UTF-8', async () => {
    const template = path.join(dir, 'latin1.tmpl')
    writeFileSync(template, Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0x7b, 0x7b, 0x20, 0x31, 0x20, 0x7d, 0x7d, 0xff]))
    const target = path.join(dir, 'latin1.out')
    const result = await render(template, '--data', file('none.json', '{}'), '--output-file', target)
    expect(result.exitCode, result.stderr).toBe(0)
    expect(readFileSync(target)).toEqual(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0x31, 0xff]))
  })

  it('reads env from --env only', async () => {
    const template = file('env.tmpl', '{{ env "APP_MODE" }}|{{ env "HOME" }}|{{ envOrDefault "NOPE" "dflt" }}')
    const result = await render(template, '--data', file('e.json', '{}'), '--env', 'APP_MODE=prod', '--output-file', '-')
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout).toBe('prod||dflt')
  })

  it('fails on a deleted version with the agent\'s words, and renders a destroyed one with no data (so .Data.data.x fails)', async () => {
    const deleted = file('deleted.tmpl', '{{ with secret "internal/data/gone" }}{{ .Data.data.password }}{{ end }}')
    const destroyed = file('destroyed.tmpl', '{{ with secret "internal/data/shredded" }}[{{ .Data.data.password }}]{{ end }}')
    const [gone, shredded] = await Promise.all([render(deleted, '--json'), render(destroyed, '--json')])
    expect(gone.exitCode).toBe(1)
    expect(gone.json.result.templates[0].error).toBe('template: :1:8: executing "" at <secret "internal/data/gone">: error calling secret: no secret exists at internal/data/gone')
    expect(gone.json.result.templates[0].secrets[0]).toMatchObject({state: 'deleted'})
    expect(shredded.exitCode).toBe(1)
    // Vault answers 404 with {data: null, metadata}; the agent renders that, and Go fails on a field of nil.
    expect(shredded.json.result.templates[0]).toMatchObject({
      error: 'template: :1:51: executing "" at <.Data.data.password>: nil pointer evaluating interface {}.password',
      secrets: [{state: 'destroyed', problem: 'version 1 was destroyed: Vault Agent renders it with no data'}],
    })
  })

  it('prints <no value> for the data of a destroyed version, as Go prints a nil interface{} from a map', async () => {
    const destroyed = file('destroyed-data.tmpl', '{{ with secret "internal/data/shredded" }}[{{ .Data.data }}] {{ .Data.metadata.destroyed }}{{ end }}')
    const result = await render(destroyed, '--json')
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.json.result.templates[0]).toMatchObject({output: '[<no value>] true', secrets: [{state: 'destroyed'}]})
  })

  it('fails on a version deleted and then destroyed: its deletion_time has passed (consul-template deletedKVv2)', async () => {
    const burnt = file('burnt.tmpl', '{{ with secret "scrap/data/burnt" }}[{{ .Data.data }}]{{ end }}')
    const result = await render(burnt, '--json')
    expect(result.exitCode).toBe(1)
    expect(result.json.result.templates[0].error).toBe('template: :1:8: executing "" at <secret "scrap/data/burnt">: error calling secret: no secret exists at scrap/data/burnt')
    expect(result.json.result.templates[0].secrets[0]).toMatchObject({state: 'deleted'})
  })
})

describe('vsi template render takes files for what they are', () => {
  const kubeconfig = 'apiVersion: v1\nkind: Config\nusers:\n- name: app\n  user:\n    token: {{ with secret "kv/data/k" }}{{ .Data.data.token }}{{ end }}\n'

  it('renders a YAML-looking template (unknown extension) without a library warning', async () => {
    const config = file('app.conf', 'key: {{ with secret "kv/data/k" }}{{ .Data.data.token }}{{ end }}\nother: {{ "x" }}\n')
    const target = path.join(dir, 'app.conf.out')
    const result = await render(config, '--data', file('k.json', '{"token": "t-1"}'), '--output-file', target)
    expect(result.exitCode, result.stderr).toBe(0)
    expect(readFileSync(target, 'utf8')).toBe('key: t-1\nother: x\n')
    expect(result.stderr).toBe('')
  })

  it('--as template renders a .yaml template; without it, it is a manifest that does not parse (exit 2)', async () => {
    const yamlFile = file('kubeconfig.yaml', kubeconfig)
    const data = file('t.json', '{"token": "t-2"}')
    const target = path.join(dir, 'kubeconfig.out')
    const [asTemplate, asManifest] = await Promise.all([render(yamlFile, '--data', data, '--as', 'template', '--output-file', target), render(yamlFile, '--data', data)])
    expect(asTemplate.exitCode, asTemplate.stderr).toBe(0)
    expect(readFileSync(target, 'utf8')).toBe(kubeconfig.replace(/\{\{.*\}\}/, 't-2'))
    expect(asManifest.exitCode).toBe(2)
    expect(asManifest.stderr).toContain('kubeconfig.yaml is not valid YAML')
    expect(asManifest.stderr).toContain('If it is a template, say so with --as template.')
  })

  it('refuses a manifest that does not parse, or an alias bomb (exit 2)', async () => {
    const bomb = file('bomb.yaml', 'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n')
    const bad = file('bad.yml', 'spec: [\n')
    const [bombed, broken] = await Promise.all([render(bomb, '--data', file('b.json', '{}')), render(bad, '--data', file('c.json', '{}'))])
    expect(bombed.exitCode).toBe(2)
    expect(bombed.stderr).toContain('bomb.yaml is not a usable manifest: Excessive alias count')
    expect(broken.exitCode).toBe(2)
    expect(broken.stderr).toContain('bad.yml is not valid YAML')
  })
})

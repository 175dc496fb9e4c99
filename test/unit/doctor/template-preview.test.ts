import {readFileSync} from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {previewTemplate, suggestedTemplate} from '../../../src/agent/render.js'
import type {SecretFixture} from '../../../src/agent/secret-source.js'
import {fixtureSecretSource} from '../../../src/agent/secret-source.js'
import {podTemplatesFromManifest} from '../../../src/annotations/manifest.js'
import {injectionSpec} from '../../../src/annotations/injection.js'
import {seedDir} from '../../helpers/cli.js'

const TUTORIAL_SECRET: SecretFixture = {file: 'secret.json', body: {username: 'db-readonly-username', password: 'db-secret-password'}}
const P = 'vault.hashicorp.com/'

function seedTemplates(file: string) {
  const [pod] = podTemplatesFromManifest(readFileSync(path.join(seedDir, file), 'utf8'), file)
  return injectionSpec(pod.podMetadata, pod.podSpec).templates
}

const agentTemplates = (annotations: Record<string, string>) => injectionSpec({annotations}, undefined).templates

describe('template preview', () => {
  it("renders the tutorial's template to the connection string", async () => {
    const [template] = seedTemplates('patch-inject-secrets-as-template.yaml')
    expect(template).toMatchObject({name: 'database-config.txt', file: '/vault/secrets/database-config.txt', secretPath: 'internal/data/database/config'})
    const preview = await previewTemplate(template, fixtureSecretSource([TUTORIAL_SECRET]))
    expect(preview.output).toBe('postgresql://db-readonly-username:db-secret-password@postgres:5432/wizard')
    expect(preview).toMatchObject({missingKeys: [], notes: [], secrets: [{path: 'internal/data/database/config', kvVersion: 2, state: 'ok', keys: ['password', 'username']}]})
    expect(preview.error).toBeUndefined()
  })

  it('explains the data: map[…] lines of the default template on KV v2', async () => {
    const [template] = seedTemplates('patch-inject-secrets.yaml')
    expect(template.defaultType).toBe('map')
    const preview = await previewTemplate(template, fixtureSecretSource([TUTORIAL_SECRET]))
    expect(preview.output).toMatch(/^data: map\[password:db-secret-password username:db-readonly-username\]\nmetadata: map\[created_time:\S+ custom_metadata:<nil> deletion_time: destroyed:false version:1\]\n$/)
    expect(preview.notes[0]).toContain('On a KV v2 engine Data holds "data" and "metadata"')
    expect(preview.notes[0]).toContain(`${P}agent-inject-template-database-config.txt: |`)
  })

  it('reports a key typo with the keys that exist, and the silent <no value>', async () => {
    const annotations = {
      [`${P}agent-inject-template-db`]: '{{ with secret "internal/data/database/config" }}{{ .Data.data.usernme }}:{{ .Data.password }}{{ end }}',
    }
    const preview = await previewTemplate(agentTemplates(annotations)[0], fixtureSecretSource([TUTORIAL_SECRET]))
    expect(preview.output).toBe('<no value>:<no value>')
    expect(preview.missingKeys).toEqual([
      expect.objectContaining({reference: '.Data.data.usernme', key: 'usernme', available: ['password', 'username'], hint: 'did you mean username?', line: 1}),
      expect.objectContaining({reference: '.Data.password', key: 'password', available: ['data', 'metadata'], hint: 'on KV v2 the values are under .Data.data: write .Data.data.password'}),
    ])
    expect(preview.notes.join('\n')).toContain(`${P}error-on-missing-key-db: "true"`)
  })

  it('fails like the agent with error-on-missing-key, on an unknown function, and on a missing secret', async () => {
    const source = fixtureSecretSource([{...TUTORIAL_SECRET, path: 'internal/data/database/config'}])
    const cases: Record<string, string>[] = [
      {[`${P}agent-inject-template-a`]: '{{ with secret "internal/data/database/config" }}{{ .Data.data.nope }}{{ end }}', [`${P}error-on-missing-key-a`]: 'true'},
      {[`${P}agent-inject-template-b`]: '{{ with secret "internal/data/database/config" }}{{ .Data.data.username | toUpperr }}{{ end }}'},
      {[`${P}agent-inject-secret-c`]: 'internal/data/other'},
    ]
    const [strict, unknown, absent] = await Promise.all(cases.map((annotations) => previewTemplate(agentTemplates(annotations)[0], source)))
    expect(strict.error).toContain('map has no entry for key "nope"')
    expect(unknown.error).toContain('function "toUpperr" not defined')
    // The template fails in the agent's words; vsi's own explanation is on the secret's line.
    expect(absent.error).toContain('error calling secret: no secret exists at internal/data/other')
    expect(absent.secrets[0].problem).toBe('no --data fixture for internal/data/other')
  })
})

describe('the template suggested for KV v2', () => {
  it('renders one key: value line per key', async () => {
    const annotations = parse(suggestedTemplate('db', 'internal/data/database/config')) as Record<string, string>
    const preview = await previewTemplate(agentTemplates(annotations)[0], fixtureSecretSource([TUTORIAL_SECRET]))
    expect(preview.output).toBe('password: db-secret-password\nusername: db-readonly-username\n')
  })
})

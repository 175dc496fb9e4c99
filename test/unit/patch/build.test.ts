import {readFileSync} from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'

import type {PatchRequest} from '../../../src/patch/build.js'
import {buildPatch} from '../../../src/patch/build.js'
import {seedDir} from '../../helpers/cli.js'

const P = 'vault.hashicorp.com/'
const seed = (name: string) => readFileSync(path.join(seedDir, name), 'utf8')
const TUTORIAL_TEMPLATE = `{{- with secret "internal/data/database/config" -}}
postgresql://{{ .Data.data.username }}:{{ .Data.data.password }}@postgres:5432/wizard
{{- end -}}
`
const tutorial = (extra: Partial<PatchRequest> = {}): PatchRequest => ({
  role: 'internal-app',
  secrets: [{name: 'database-config.txt', path: 'internal/database/config', kvVersion: 2}],
  ...extra,
})

const usage = (request: PatchRequest) => {
  try {
    buildPatch(request)
  } catch (error) {
    return {message: (error as Error).message, exitCode: (error as {exitCode?: number}).exitCode}
  }
  throw new Error('expected buildPatch to throw')
}

describe('buildPatch', () => {
  it("reproduces the tutorial's first patch byte for byte, with the patch object and the path note", () => {
    const plan = buildPatch(tutorial())
    expect(plan.yaml).toBe(seed('patch-inject-secrets.yaml'))
    expect(plan.patch).toEqual({
      spec: {template: {metadata: {annotations: {[`${P}agent-inject`]: 'true', [`${P}role`]: 'internal-app', [`${P}agent-inject-secret-database-config.txt`]: 'internal/data/database/config'}}}},
    })
    expect(Object.keys(plan.annotations)).toEqual([`${P}agent-inject`, `${P}role`, `${P}agent-inject-secret-database-config.txt`])
    expect(plan.notes).toEqual(['database-config.txt: internal/database/config → internal/data/database/config (the API path the agent reads on KV v2)'])
  })

  it("reproduces the tutorial's second patch: the seed's text plus the final newline it lacks", () => {
    const request = tutorial({status: 'update'})
    request.secrets[0].template = TUTORIAL_TEMPLATE
    expect(buildPatch(request).yaml).toBe(`${seed('patch-inject-secrets-as-template.yaml')}\n`)
  })

  it('keeps an API path and a KV v1 path as given, without a note', () => {
    expect(buildPatch(tutorial({secrets: [{name: 'a', path: 'internal/data/x', kvVersion: 2}, {name: 'b', path: 'kv/y', kvVersion: 1}]}))).toMatchObject({
      annotations: {[`${P}agent-inject-secret-a`]: 'internal/data/x', [`${P}agent-inject-secret-b`]: 'kv/y'},
      notes: [],
    })
  })

  it('orders inject, status, role, auth-path, each secret with its template, then the options and other annotations', () => {
    const plan = buildPatch({
      role: 'r',
      status: 'update',
      authPath: 'auth/k8s',
      secrets: [
        {name: 'db.env', path: 'internal/db', kvVersion: 2, format: 'env', keys: ['username']},
        {name: 'only-template', kvVersion: 2, template: 'static'},
      ],
      prePopulateOnly: true,
      initFirst: true,
      agentImage: 'hashicorp/vault:1.21.1',
      annotations: [{key: `${P}agent-inject-file-db.env`, value: 'app/db.env'}],
    })
    expect(Object.keys(plan.annotations).map((name) => name.slice(P.length))).toEqual([
      'agent-inject',
      'agent-inject-status',
      'role',
      'auth-path',
      'agent-inject-secret-db.env',
      'agent-inject-template-db.env',
      'agent-inject-template-only-template',
      'agent-pre-populate-only',
      'agent-init-first',
      'agent-image',
      'agent-inject-file-db.env',
    ])
    expect(plan.annotations[`${P}agent-inject-template-db.env`]).toContain('export USERNAME="{{ .Data.data.username }}"')
  })

  it('refuses names that cannot be annotation keys or file names, naming the problem (exit 2)', () => {
    const name = (secretName: string) => usage(tutorial({secrets: [{name: secretName, path: 'internal/x', kvVersion: 2}]}))
    expect(name('a/b')).toEqual({message: expect.stringContaining('the name "a/b" contains "/"'), exitCode: 2})
    expect(name('x'.repeat(44)).message).toBe(`secret "${'x'.repeat(44)}": the secret name "${'x'.repeat(44)}" has 44 characters; agent-inject-secret-<NAME> allows at most 43 (annotation keys are limited to 63 characters after the prefix)`)
    expect(buildPatch(tutorial({secrets: [{name: 'x'.repeat(43), path: 'internal/x', kvVersion: 2}]})).annotations[`${P}agent-inject-secret-${'x'.repeat(43)}`]).toBe('internal/data/x')
    expect(usage(tutorial({secrets: [{name: 'x'.repeat(42), path: 'internal/x', kvVersion: 2, template: 't'}]})).message).toContain('agent-inject-template-<NAME> allows at most 41')
    expect(name('bad name').message).toContain('may only contain letters, digits')
    expect(name('trailing-').message).toContain('must end with a letter or digit')
  })

  it('refuses duplicate names, also those that differ only in case (the injector lower-cases file names)', () => {
    const twice = (a: string, b: string) => usage(tutorial({secrets: [{name: a, path: 'internal/x', kvVersion: 2}, {name: b, path: 'internal/y', kvVersion: 2}]})).message
    expect(twice('db', 'db')).toBe('secret "db" is given twice')
    expect(twice('DB', 'db')).toBe('secrets "DB" and "db" would write the same file (the injector lower-cases names)')
  })

  it('needs a role and something to inject, and refuses an annotation set twice', () => {
    expect(usage(tutorial({role: undefined})).message).toBe('no Vault role: give --role (the injector rejects pods without one)')
    // With agent-configmap the role comes from the agent's own config: no role annotation is needed or written.
    const configMapped = buildPatch(tutorial({role: undefined, annotations: [{key: `${P}agent-configmap`, value: 'agent-config'}]})).annotations
    expect(configMapped[`${P}agent-configmap`]).toBe('agent-config')
    expect(configMapped).not.toHaveProperty([`${P}role`])
    expect(usage(tutorial({secrets: []})).message).toContain('nothing to inject')
    expect(usage(tutorial({annotations: [{key: `${P}role`, value: 'other'}]})).message).toBe(`${P}role is given twice (--role and --annotation ${P}role)`)
    expect(usage(tutorial({annotations: [{key: `${P}agent-inject`, value: 'false'}]})).message).toContain('agent-inject is given twice (vsi patch and')
  })

  it('refuses a template and a format for one secret, and a format without a path', () => {
    expect(usage(tutorial({secrets: [{name: 'a', path: 'internal/x', kvVersion: 2, template: 't', format: 'json'}]})).message).toBe('secret "a" has both a template and a format: give one')
    expect(usage(tutorial({secrets: [{name: 'a', kvVersion: 2}]})).message).toBe('secret "a" needs a path or a template')
  })
})

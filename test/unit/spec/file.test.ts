import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'

import {parseSpec} from '../../../src/setup/spec/file.js'
import {SPEC_SCHEMA} from '../../../src/setup/spec/schema.js'
import {unsupportedKeywords} from '../../../src/setup/spec/schema-check.js'
import {VsiError} from '../../../src/errors.js'
import {tutorialSpec} from '../../helpers/spec-files.js'

const problemsOf = async (text: string): Promise<string[]> => {
  try {
    await parseSpec(text, 'vsi.yaml', '/nonexistent')
  } catch (error) {
    expect(error).toBeInstanceOf(VsiError)
    expect((error as VsiError).exitCode).toBe(2)
    return (error as VsiError).message.split('\n').slice(1)
  }
  throw new Error('the file was accepted')
}

const GOOD = tutorialSpec(`        data:
          username: {value: db-readonly-username}
          password: {fromEnv: DB_PASSWORD}
`)

describe('vsi.yaml', () => {
  it('fills in the defaults of a minimal file', async () => {
    const spec = await parseSpec(GOOD, 'vsi.yaml', '/x')
    expect(spec).toMatchObject({kvPath: 'internal', authPath: 'kubernetes'})
    expect(spec.apps[0]).toMatchObject({
      name: 'internal-app',
      serviceAccount: 'internal-app',
      ttlSeconds: 86_400,
      workloads: [{kind: 'Deployment', name: 'orgchart'}],
      policies: [],
      injector: {prePopulateOnly: false, initFirst: false, annotations: {}},
    })
    expect(spec.apps[0].namespace).toBeUndefined()
    expect(spec.apps[0].secrets[0]).toMatchObject({file: 'database-config.txt', path: 'internal/database/config', format: 'map', keys: []})
  })

  it('reports every schema problem at its line and column', async () => {
    const text = `apiVersion: vsi/v2
kind: Injection
apps:
  - name: Internal_App
    secret: []
    secrets:
      - file: a.txt
        path: internal/a
        format: yaml
        data:
          password: {fromEnv: A, fromFile: ./a}
`
    expect(await problemsOf(text)).toEqual([
      'vsi.yaml:1:13: apiVersion: must be "vsi/v1"',
      'vsi.yaml:4:11: apps[0].name: "Internal_App" does not match ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
      'vsi.yaml:5:5: apps[0].secret: unknown field "secret" (expected name, namespace, serviceAccount, ttl, workloads, policies, secrets, injector)',
      'vsi.yaml:9:17: apps[0].secrets[0].format: must be one of map, env, json, template',
      'vsi.yaml:11:21: apps[0].secrets[0].data.password: must have only one of value, fromEnv, fromFile, prompt, not fromEnv and fromFile',
    ])
  })

  it('reports a missing field on the mapping that lacks it, and wrong types by what was found', async () => {
    expect(await problemsOf('apiVersion: vsi/v1\nkind: Injection\napps:\n  - name: a\n    ttl: 5\n')).toEqual([
      'vsi.yaml:4:5: apps[0]: secrets is required',
      'vsi.yaml:5:10: apps[0].ttl: must be a string, not a number (5)',
    ])
  })

  it('checks what the schema cannot: unique names, paths under the engine, durations, workloads, files', async () => {
    const text = `apiVersion: vsi/v1
kind: Injection
vault:
  kv: {path: secret}
apps:
  - name: a
    ttl: "1 day"
    workloads: [deployment/web]
    secrets:
      - {file: x.txt, path: internal/x}
      - {file: X.txt, path: secret/x, format: env}
  - name: a
    workloads: [deployment/web]
    secrets:
      - {file: y.txt, path: secret/y, keys: [user], data: {pass: {value: v}}}
`
    expect(await problemsOf(text)).toEqual([
      'vsi.yaml:7:10: apps[0].ttl: "1 day" is not a duration: use seconds or a Go duration such as 24h, 90m or 3600s',
      'vsi.yaml:10:29: apps[0].secrets[0].path: internal/x is not under the KV engine secret/ (vault.kv.path): write it as secret/…',
      'vsi.yaml:11:9: apps[0].secrets[1]: format: env needs keys: the variable names are made from them',
      'vsi.yaml:11:16: apps[0].secrets[1].file: files "x.txt" and "X.txt" are the same file (the injector lower-cases names)',
      'vsi.yaml:12:11: apps[1].name: app "a" is also apps[0]: each app is one Vault role and policy, so names must be unique',
      'vsi.yaml:15:46: apps[1].secrets[0].keys[0]: key "user" is not in data, so the secret written would not have it',
    ])
  })

  it('points YAML syntax errors at their place', async () => {
    const [line] = await problemsOf('apiVersion: vsi/v1\napps:\n  - name: a\n  name: b\n')
    expect(line).toMatch(/^vsi\.yaml:4:\d+: /)
    expect(await problemsOf('apiVersion: vsi/v1\nkind: Injection\nkind: Injection\napps: []\n')).toEqual([expect.stringMatching(/^vsi\.yaml:3:1: Map keys must be unique/)])
  })

  it('refuses injector annotations vsi derives itself', async () => {
    const text = GOOD.replace('    workloads:', '    injector:\n      annotations: {role: other, agent-limits-cpu: 250m}\n    workloads:')
    expect(await problemsOf(text)).toEqual(['vsi.yaml:6:21: apps[0].injector.annotations.role: role is derived from the app (name, secrets, injector options): set it there'])
  })
})

describe('the published schema', () => {
  it('is the schema vsi validates with, and uses only keywords the validator checks', () => {
    const published = JSON.parse(readFileSync(new URL('../../../docs/vsi.schema.json', import.meta.url), 'utf8'))
    expect(published).toEqual(JSON.parse(JSON.stringify(SPEC_SCHEMA)))
    expect([...unsupportedKeywords(SPEC_SCHEMA)]).toEqual([])
  })
})

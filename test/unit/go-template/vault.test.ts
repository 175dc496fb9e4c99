import {describe, expect, it} from 'vitest'

import {
  defaultTemplate,
  fieldReferences,
  parseTemplate,
  parseVaultJson,
  renderTemplate,
  secretCalls,
} from '../../../src/go-template/index.js'
import {execError, KV2_SECRET, render} from './helpers.js'

const TUTORIAL_TEMPLATE = `{{- with secret "internal/data/database/config" -}}
postgresql://{{ .Data.data.username }}:{{ .Data.data.password }}@postgres:5432/wizard
{{- end -}}`

describe('Vault Agent templates', () => {
  it("renders the tutorial's template against the KV v2 secret", () => {
    const paths: string[] = []
    const output = renderTemplate(TUTORIAL_TEMPLATE, {
      secret: (path) => {
        paths.push(path)
        return KV2_SECRET
      },
    })
    expect(output).toBe('postgresql://db-readonly-username:db-secret-password@postgres:5432/wizard')
    expect(paths).toEqual(['internal/data/database/config'])
  })

  it("renders the injector's default template as map[...] lines for a KV v2 secret", () => {
    const template = defaultTemplate('internal/data/database/config')
    expect(template).toBe(
      '{{ with secret "internal/data/database/config" }}{{ range $k, $v := .Data }}{{ $k }}: {{ $v }}\n{{ end }}{{ end }}',
    )
    expect(renderTemplate(template, {secret: () => KV2_SECRET})).toBe(
      'data: map[password:db-secret-password username:db-readonly-username]\n' +
        'metadata: map[created_time:2024-05-06T07:08:09.123456Z custom_metadata:<nil> deletion_time: destroyed:false version:1]\n',
    )
    expect(renderTemplate(defaultTemplate('secret/x', 'json'), {secret: () => ({Data: {b: 2, a: 'x'}})})).toBe('{"a":"x","b":2}\n')
  })

  it('accepts Vault HTTP response JSON and keeps number literals as json.Number does', () => {
    const body = parseVaultJson('{"request_id":"r1","lease_duration":0,"data":{"data":{"port":5432,"big":1000000,"ratio":1.50}}}')
    const output = render(
      '{{ with secret "kv/data/app" }}{{ .RequestID }} {{ .Data.data.port }} {{ .Data.data.big }} {{ .Data.data.ratio }} {{ .Data.data | toJSON }}{{ end }}',
      {secret: () => body},
    )
    expect(output).toBe('r1 5432 1000000 1.50 {"big":1000000,"port":5432,"ratio":1.50}')
  })

  it('treats numbers in a secret as json.Number: strings to eq, methods Int64/Float64', () => {
    const secret = {Data: {data: {port: 5432}}}
    expect(render('{{ with secret "p" }}{{ eq .Data.data.port "5432" }} {{ .Data.data.port.Int64 }}{{ end }}', {secret: () => secret})).toBe(
      'true 5432',
    )
    expect(execError('{{ with secret "p" }}{{ .Data.data.port | toUpper }}{{ end }}', {secret: () => secret}).message).toContain(
      'wrong type for value; expected string; got json.Number',
    )
  })

  it('reads .Data.<key> of a KV v2 secret as <no value>, or fails with error_on_missing_key', () => {
    const template = '{{ with secret "internal/data/database/config" }}{{ .Data.username }}{{ end }}'
    expect(render(template, {secret: () => KV2_SECRET})).toBe('<no value>')
    expect(execError(template, {secret: () => KV2_SECRET, missingKey: 'error'}).message).toBe(
      'template: t:1:57: executing "t" at <.Data.username>: map has no entry for key "username"',
    )
  })

  it('refuses fields a secret does not have', () => {
    expect(execError('{{ with secret "p" }}{{ .data }}{{ end }}', {secret: () => KV2_SECRET}).message).toContain(
      "can't evaluate field data in type *dependency.Secret",
    )
    expect(execError('{{ with secret "p" }}{{ .Auth.ClientToken }}{{ end }}', {secret: () => KV2_SECRET}).message).toContain(
      'nil pointer evaluating *dependency.SecretAuth.ClientToken',
    )
  })

  it('skips a with block when the secret source returns nothing, and reports its errors', () => {
    expect(render('{{ with secret "p" }}x{{ else }}none{{ end }}', {secret: () => null})).toBe('none')
    const error = execError('{{ with secret "secret/nope" }}{{ end }}', {
      secret: () => {
        throw new Error('no secret exists at secret/data/nope')
      },
    })
    expect(error.message).toBe(
      'template: t:1:8: executing "t" at <secret "secret/nope">: error calling secret: no secret exists at secret/data/nope',
    )
  })

  it('passes key=value parameters of write requests, and rejects malformed ones', () => {
    const calls: string[][] = []
    render('{{ with secret "pki/issue/web" "common_name=a.example.com" "ttl = 24h" }}{{ end }}', {
      secret: (path, ...params) => {
        calls.push([path, ...params])
        return {Data: {}}
      },
    })
    expect(calls).toEqual([['pki/issue/web', 'common_name=a.example.com', 'ttl=24h']])
    expect(execError('{{ secret "p" "oops" }}', {secret: () => null}).message).toContain('not k=v pair "oops"')
  })
})

describe('static analysis for lint', () => {
  it('finds every secret call with a literal path', () => {
    const template = parseTemplate('{{ with secret "a/b" }}{{ end }}\n  {{ $s := secret "c" "k=v" }}{{ secret (printf "x") }}')
    expect(secretCalls(template)).toEqual([
      {path: 'a/b', params: [], line: 1, col: 16},
      {path: 'c', params: ['k=v'], line: 2, col: 19},
    ])
  })

  it('finds field references and what secret they read', () => {
    const template = parseTemplate(
      [
        '{{ with secret "kv/data/app" }}{{ .Data.data.username }}{{ with .Data.data }}{{ .password }}{{ end }}{{ end }}',
        '{{ $s := secret "kv/data/other" }}{{ $s.Data.token }}',
        '{{ .Top }}',
      ].join('\n'),
    )
    expect(fieldReferences(template)).toEqual([
      {chain: ['Data', 'data', 'username'], line: 1, col: 35, inSecretWith: 'kv/data/app', secretChain: ['Data', 'data', 'username']},
      {chain: ['Data', 'data'], line: 1, col: 65, inSecretWith: 'kv/data/app', secretChain: ['Data', 'data']},
      {chain: ['password'], line: 1, col: 81, inSecretWith: 'kv/data/app', secretChain: ['Data', 'data', 'password']},
      {chain: ['Data', 'token'], line: 2, col: 38, inSecretWith: 'kv/data/other', secretChain: ['Data', 'token']},
      {chain: ['Top'], line: 3, col: 4},
    ])
  })
})

import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {describe, expect, it} from 'vitest'

import {injectionSpec} from '../../../src/annotations/injection.js'

const renderedFiles = (annotations: Record<string, string>) => injectionSpec({annotations}, undefined).files
import {redact} from '../../../src/output/redact.js'
import {maskLine, missingKeys, summarize} from '../../../src/verify/content.js'
import {checkExpectationsNameFiles, parseExpectations, unmetReason} from '../../../src/verify/expectations.js'
import {fileMatches} from '../../../src/verify/rendered-files.js'

const p = (suffix: string) => `vault.hashicorp.com/${suffix}`

describe('renderedFiles (vault-k8s secrets())', () => {
  it('maps annotations to the files vault-agent writes', () => {
    const files = renderedFiles({
      [p('agent-inject')]: 'true',
      [p('agent-inject-secret-database-config.txt')]: 'internal/data/database/config',
      [p('agent-inject-template-database-config.txt')]: '{{ with secret "x" }}{{ end }}',
      [p('agent-inject-secret-API_KEY')]: 'internal/data/api',
      [p('agent-inject-template-file-cert')]: '/vault/custom/cert.tpl',
      [p('agent-inject-file-cert')]: 'tls/../tls/cert.pem',
      [p('secret-volume-path-cert')]: '/etc/tls',
      [p('agent-inject-secret-Keep')]: 'kv/keep',
      [p('preserve-secret-case-Keep')]: 'true',
      [p('agent-inject-secret-blank')]: '  ',
    })
    expect(files).toEqual([
      {secret: 'cert', path: '/etc/tls/tls/cert.pem', vaultPath: undefined},
      {secret: 'API_KEY', path: '/vault/secrets/api_key', vaultPath: 'internal/data/api'},
      {secret: 'database-config.txt', path: '/vault/secrets/database-config.txt', vaultPath: 'internal/data/database/config'},
      {secret: 'Keep', path: '/vault/secrets/Keep', vaultPath: 'kv/keep'},
    ])
    expect(fileMatches('api_key', files[1])).toBe(true)
    expect(fileMatches('/etc/tls/tls/cert.pem', files[0])).toBe(true)
    expect(fileMatches('cert.pem', files[0])).toBe(true)
  })

  it('honours the global secret-volume-path', () => {
    expect(renderedFiles({[p('agent-inject-secret-a')]: 'x', [p('secret-volume-path')]: '/secrets'})[0].path).toBe('/secrets/a')
  })
})

describe('content summaries never carry the value', () => {
  it('reports size, lines and a sha256 prefix, and registers the content for redaction', () => {
    const content = 'postgresql://db-readonly-username:db-secret-password@postgres:5432/wizard\n'
    const summary = summarize(content, false)
    expect(summary).toEqual({bytes: content.length, lines: 1, sha256: expect.stringMatching(/^[0-9a-f]{12}$/)})
    expect(redact(`got ${content.trim()}`)).toBe('got [redacted]')
  })

  it('masks all but the first character of each word in a preview', () => {
    expect(maskLine('postgresql://db-user:s3cret@postgres:5432/wizard')).toBe('p*********://d*-u***:s*****@p*******:5***/w*****')
    expect(summarize('a: hello\nb: world\n', true).preview).toBe('a: h****\nb: w****')
  })

  it('finds expected keys in JSON, key: value lines and the default Go map template', () => {
    const keys = ['username', 'password']
    expect(missingKeys('{"data":{"username":"u","password":"p"},"metadata":{}}', keys)).toEqual([])
    expect(missingKeys('{"data":{"username":"u"},"metadata":{"password":1}}', keys)).toEqual([])
    expect(missingKeys('{"data":{"username":"u"}}', keys)).toEqual(['password'])
    expect(missingKeys('data: map[password:db-secret-password username:db-readonly-username]\nmetadata: map[version:1]', keys)).toEqual([])
    expect(missingKeys('export DB_USER=u\nDB_PASS = p\n', ['DB_USER', 'DB_PASS', 'DB_HOST'])).toEqual(['DB_HOST'])
  })

  it('reads Go map output whose values hold spaces, newlines, colons and brackets', () => {
    const keys = ['username', 'password']
    // As the default template prints {password: "a b]\n:c[", username: "x:y"} under KV v2.
    const rendered = 'data: map[password:a b]\n:c[ username:x:y]\nmetadata: map[created_time:2026-12-06T00:15:55Z version:1]\n'
    expect(missingKeys(rendered, keys)).toEqual([])
    expect(missingKeys('data: map[password:secret-with-newline\n]\nmetadata: map[version:1]\n', keys)).toEqual(['username'])
    expect(missingKeys('data: map[passwords:x username:y]\n', keys)).toEqual(['password'])
  })
})

describe('expectations', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vsi-expect-'))

  it('parses --expect, --expect @file, --expect-keys and --expect-match', () => {
    writeFileSync(path.join(dir, 'expected.txt'), 'value-from-file\n')
    const expectations = parseExpectations({
      expect: ['a.txt=literal=with=equals', `b.txt=@${path.join(dir, 'expected.txt')}`],
      'expect-keys': ['c=username, password'],
      'expect-match': ['d=^postgresql://'],
    })
    expect(expectations.map((e) => e.kind)).toEqual(['equals', 'equals', 'keys', 'match'])
    expect(unmetReason(expectations[0], 'literal=with=equals\n')).toBeUndefined()
    expect(unmetReason(expectations[1], 'value-from-file')).toBeUndefined()
    expect(unmetReason(expectations[1], 'other')).toMatch(/content differs/)
    expect(unmetReason(expectations[2], 'username: u\n')).toBe('missing key password')
    expect(unmetReason(expectations[3], 'x\npostgresql://u:p@h/db')).toBeUndefined()
  })

  it('rejects malformed flags as usage errors', () => {
    expect(() => parseExpectations({expect: ['no-equals']})).toThrow(expect.objectContaining({exitCode: 2}))
    expect(() => parseExpectations({'expect-match': ['f=(']})).toThrow(/invalid regular expression/)
    expect(() => parseExpectations({'expect-keys': ['f=']})).toThrow(/at least one key/)
    expect(() => parseExpectations({expect: [`f=@${path.join(dir, 'missing')}`]})).toThrow(/ENOENT/)
    const files = renderedFiles({[p('agent-inject-secret-database-config.txt')]: 'x'})
    expect(() => checkExpectationsNameFiles(parseExpectations({expect: ['database.txt=x']}), files)).toThrow(/names no rendered secret file/)
  })
})

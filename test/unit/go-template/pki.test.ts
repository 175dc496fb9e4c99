/**
 * pkiCert as consul-template defines it (dependency/vault_pki.go): the PEM blocks of a pki/issue answer sorted into
 * Cert, Key, CA and CAChain, with `.Data` returning the same value. The answer is a fixture
 * (test/fixtures/go-template/pki-issue.json: a throw-away EC CA and leaf generated with openssl for this test).
 */
import {readFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {execError, render} from './helpers.js'

const answer = JSON.parse(readFileSync(new URL('../../fixtures/go-template/pki-issue.json', import.meta.url), 'utf8'))
const {certificate, private_key: key, issuing_ca: ca} = answer.data as Record<string, string>
const issued: Array<{path: string; data: Record<string, string>}> = []
const pkiCert = (path: string, data: Readonly<Record<string, string>>) => {
  issued.push({path, data: {...data}})
  return answer
}

describe('pkiCert over a recorded pki/issue answer', () => {
  it('sorts the blocks into Cert, Key, CA and CAChain; .Data is the same value', () => {
    const out = render('{{ with pkiCert "pki/issue/web" "common_name = app.example.com" "ttl=24h" }}{{ .Cert }}|{{ .Key }}|{{ .Data.CA }}|{{ len .CAChain }}|{{ printf "%T" . }}{{ end }}', {pkiCert})
    expect(out).toBe(`${certificate}\n|${key}\n|${ca}\n|1|dependency.PemEncoded`)
    expect(issued.at(-1)).toEqual({path: 'pki/issue/web', data: {common_name: 'app.example.com', ttl: '24h'}})
  })

  it('renders nil until the certificate is there, as the agent does before its first fetch', () => {
    expect(render('{{ with pkiCert "pki/issue/web" }}cert{{ else }}none{{ end }}', {pkiCert: () => null})).toBe('none')
  })

  it('refuses an argument that is not k=v, and says when no answer can be had', () => {
    expect(execError('{{ pkiCert "pki/issue/web" "common_name" }}', {pkiCert}).message).toContain('error calling pkiCert: not k=v pair "common_name"')
    expect(execError('{{ pkiCert "pki/issue/web" }}').message).toContain('no Vault PKI source is configured to issue "pki/issue/web"')
  })

  it('fails on a block that is not a certificate, as x509.ParseCertificate does', () => {
    const bad = {data: {certificate: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----'}}
    expect(execError('{{ pkiCert "pki/issue/web" }}', {pkiCert: () => bad}).message).toContain('error calling pkiCert: x509: malformed certificate')
  })
})

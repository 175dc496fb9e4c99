import {describe, expect, it} from 'vitest'

import {REDACTED, redact, redactDeep, registerSecret} from '../../../src/output/redact.js'

const jwt =
  'eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6ZGVmYXVsdDppbnRlcm5hbC1hcHAifQ.c2lnbmF0dXJlLWJ5dGVz'

describe('redact', () => {
  it('masks JWTs, current and legacy Vault tokens', () => {
    const text = `jwt=${jwt} token hvs.CAESIJq1Xf3-abcdefghijklmnopqrstuv legacy s.AbCdEfGhIjKlMnOpQrStUvWx end`
    const out = redact(text)
    expect(out).not.toContain('eyJ')
    expect(out).not.toContain('hvs.CAES')
    expect(out).not.toContain('s.AbCdEf')
    expect(out).toBe(`jwt=${REDACTED} token ${REDACTED} legacy ${REDACTED} end`)
  })

  it('masks bearer and X-Vault-Token header values but keeps the header names', () => {
    expect(redact('Authorization: Bearer abc.def')).toBe(`Authorization: Bearer ${REDACTED}`)
    expect(redact('{"X-Vault-Token":"root"}')).toBe(`{"X-Vault-Token":"${REDACTED}"}`)
  })

  it('masks registered secret values, the longer one whole first', () => {
    registerSecret('db-secret-password')
    registerSecret('secret')
    expect(redact('password is db-secret-password, a secret')).toBe(`password is ${REDACTED}, a ${REDACTED}`)
  })

  it('masks secrets holding pattern characters and line breaks, and one registered after an earlier redaction', () => {
    registerSecret('p[a]ss.w*rd(1)|+?^$\\')
    expect(redact('value p[a]ss.w*rd(1)|+?^$\\ end; not pXass')).toBe(`value ${REDACTED} end; not pXass`)
    expect(redact('{"user": "u-10",\n "password": "p-10"}')).toBe('{"user": "u-10",\n "password": "p-10"}')
    registerSecret('{"user": "u-10",\n "password": "p-10"}')
    expect(redact('file: {"user": "u-10",\n "password": "p-10"}')).toBe(`file: ${REDACTED}`)
  })

  it('ignores values too short to mask safely', () => {
    registerSecret('ab')
    expect(redact('a tab b')).toBe('a tab b')
  })

  it('redacts every string inside JSON values, leaving other types', () => {
    registerSecret('hunter22')
    expect(redactDeep({a: ['x hunter22'], n: 3, ok: true, nested: {t: jwt}})).toEqual({
      a: [`x ${REDACTED}`],
      n: 3,
      ok: true,
      nested: {t: REDACTED},
    })
  })

  it('keeps a "__proto__" key of parsed JSON as an own property', () => {
    registerSecret('hunter33')
    const out = redactDeep(JSON.parse('{"__proto__": {"a": "hunter33"}, "b": ["hunter33"]}') as object)
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype)
    expect(JSON.stringify(out)).toBe(`{"__proto__":{"a":"${REDACTED}"},"b":["${REDACTED}"]}`)
  })
})

import {describe, expect, it} from 'vitest'

import {
  ANNOTATION_CATALOG,
  annotationKeyProblem,
  checkAnnotationValue,
  lookupAnnotation,
  maxSecretNameLength,
  secretNameFromKey,
  secretNameProblem,
  validateSecretName,
  validateAnnotationValue,
} from '../../../src/annotations/index.js'

const key = (suffix: string): string => `vault.hashicorp.com/${suffix}`

describe('annotation catalog', () => {
  it('holds the 74 annotation constants of vault-k8s, each once', () => {
    expect(ANNOTATION_CATALOG).toHaveLength(74)
    expect(new Set(ANNOTATION_CATALOG.map((entry) => entry.base)).size).toBe(74)
  })

  it('resolves global keys exactly and case-sensitively', () => {
    expect(lookupAnnotation(key('agent-inject'))).toMatchObject({base: 'agent-inject', kind: 'bool', form: 'pod'})
    expect(lookupAnnotation(key('agent-revoke-grace'))?.kind).toBe('uint')
    expect(lookupAnnotation(key('secret-volume-path'))).toMatchObject({form: 'pod-and-secret'})
    expect(lookupAnnotation(key('Agent-Inject'))).toBeUndefined()
    expect(lookupAnnotation('example.com/agent-inject')).toBeUndefined()
    expect(lookupAnnotation('vault.hashicorp.co/agent-inject')).toBeUndefined()
    expect(lookupAnnotation(key('template-config-static-secret-render-interval'))).toBeUndefined()
  })

  it('takes the key with or without the prefix, and returns both forms', () => {
    expect(lookupAnnotation('agent-inject')).toMatchObject({key: key('agent-inject'), suffix: 'agent-inject', kind: 'bool'})
    expect(lookupAnnotation(key('agent-inject-file-db'))).toMatchObject({key: key('agent-inject-file-db'), suffix: 'agent-inject-file-db', secretName: 'db'})
    expect(lookupAnnotation('agent-inject-secrets-db')).toBeUndefined()
  })

  it('resolves per-secret keys with the raw NAME, template-file before template', () => {
    expect(lookupAnnotation(key('agent-inject-secret-Db.conf'))).toMatchObject({base: 'agent-inject-secret', secretName: 'Db.conf', createsSecret: true})
    expect(lookupAnnotation(key('agent-inject-template-file-foo'))).toMatchObject({base: 'agent-inject-template-file', secretName: 'foo'})
    // The injector reads the bare key as an inline template for a secret named "file".
    expect(lookupAnnotation(key('agent-inject-template-file'))).toMatchObject({base: 'agent-inject-template', secretName: 'file'})
    expect(lookupAnnotation(key('secret-volume-path-db'))).toMatchObject({form: 'secret', secretName: 'db'})
    expect(lookupAnnotation(key('error-on-missing-key-db'))?.kind).toBe('bool')
    expect(lookupAnnotation(key('agent-inject-secret'))).toBeUndefined()
    expect(lookupAnnotation(key('agent-inject-secret-'))).toBeUndefined()
    expect(secretNameFromKey(key('agent-inject-perms-db'))).toBe('db')
    expect(secretNameFromKey(key('agent-inject'))).toBeUndefined()
  })

  it('resolves auth-config-* and agent-telemetry-* with the parameter name Agent sees', () => {
    expect(lookupAnnotation(key('auth-config-token-path'))).toMatchObject({form: 'prefix', param: 'token_path'})
    expect(lookupAnnotation(key('agent-telemetry-prometheus-retention-time'))?.param).toBe('prometheus_retention_time')
    expect(lookupAnnotation(key('auth-config'))).toBeUndefined()
    expect(lookupAnnotation(key('auth-config-'))).toBeUndefined()
  })

  it('checks keys as the API server does', () => {
    expect(annotationKeyProblem(key('agent-inject-secret-db'))).toBeUndefined()
    expect(annotationKeyProblem(key(`agent-inject-secret-${'a'.repeat(43)}`))).toBeUndefined()
    expect(annotationKeyProblem(key(`agent-inject-secret-${'a'.repeat(44)}`))).toMatch(/no more than 63 characters/)
    expect(annotationKeyProblem(key('agent-inject-secret-db/x'))).toMatch(/at most one "\/"/)
    expect(annotationKeyProblem(key('agent-inject-secret-db-'))).toMatch(/must start and end with an alphanumeric/)
    expect(annotationKeyProblem(key(''))).toBe('name part must be non-empty')
  })

  it('limits secret names by the per-secret key they are used in', () => {
    expect(validateSecretName('config.json')).toBeUndefined()
    expect(validateSecretName('foobar-2_3')).toBeUndefined()
    expect(validateSecretName('a'.repeat(43))).toBeUndefined()
    expect(validateSecretName('a'.repeat(44))).toMatch(/at most 43/)
    expect(validateSecretName('db/x')).toMatch(/may only contain/)
    expect(validateSecretName('db-')).toMatch(/must end with a letter or digit/)
    expect(validateSecretName('')).toBe('the secret name is empty')
    expect(maxSecretNameLength('agent-inject-secret')).toBe(43)
    expect(maxSecretNameLength('agent-inject-template-file')).toBe(36)
    expect(secretNameProblem('database-config.txt')).toBeUndefined()
    expect(secretNameProblem('a'.repeat(37), 'agent-inject-template-file')).toMatch(/at most 36/)
    expect(secretNameProblem('db config')).toMatch(/may only contain/)
    expect(secretNameProblem('')).toBe('the secret name is empty')
  })

  it('quotes the Go error when the injector would reject a value', () => {
    expect(validateAnnotationValue(key('agent-inject'), 'true')).toBeUndefined()
    expect(validateAnnotationValue(key('agent-inject'), '')).toBeUndefined()
    expect(validateAnnotationValue(key('agent-inject'), 'yes')).toBe(
      'vault.hashicorp.com/agent-inject must be a boolean ("true" or "false"); the injector rejects the pod (admission denied, FailedCreate): strconv.ParseBool: parsing "yes": invalid syntax',
    )
    expect(validateAnnotationValue(key('agent-revoke-grace'), '5s')).toContain('strconv.ParseUint: parsing "5s": invalid syntax')
    expect(validateAnnotationValue(key('error-on-missing-key-db'), 'on')).toContain('strconv.ParseBool')
    expect(validateAnnotationValue(key('agent-inject-default-template'), 'JSON')).toBeUndefined()
    expect(validateAnnotationValue(key('agent-inject-default-template'), 'yaml')).toContain('invalid default template type: yaml')
    // Values that only Vault Agent refuses, and unknown keys, are not injector rejections.
    expect(validateAnnotationValue(key('log-level'), 'verbose')).toBeUndefined()
    expect(validateAnnotationValue(key('no-such-key'), 'x')).toBeUndefined()
  })

  it('reports Agent-time and silently-ignored values separately', () => {
    expect(checkAnnotationValue(key('log-level'), 'verbose')).toMatchObject({outcome: 'agent-fails'})
    expect(checkAnnotationValue(key('log-level'), 'WARN')).toBeUndefined()
    expect(checkAnnotationValue(key('preserve-secret-case'), 'yes')).toMatchObject({outcome: 'ignored'})
    expect(checkAnnotationValue(key('agent-inject-perms-db'), '0440')).toBeUndefined()
    expect(checkAnnotationValue(key('agent-inject-perms-db'), '10000')).toMatchObject({reason: 'strconv.ParseUint: parsing "10000": value out of range'})
    expect(checkAnnotationValue(key('agent-cache-use-auto-auth-token'), 'force')).toBeUndefined()
    expect(checkAnnotationValue(key('agent-cache-listener-port'), '70000')).toMatchObject({outcome: 'agent-fails'})
    expect(checkAnnotationValue(key('agent-disable-keep-alives'), 'auto-auth,caching')).toBeUndefined()
    expect(checkAnnotationValue(key('agent-disable-keep-alives'), 'auto-auth,cache')?.reason).toBe('unknown value "cache"')
    expect(checkAnnotationValue(key('auth-path'), 'auth/k8s-prod')).toBeUndefined()
    expect(checkAnnotationValue(key('secret-volume-path'), 'vault/secrets')).toMatchObject({outcome: 'agent-fails'})
    expect(checkAnnotationValue(key('client-timeout'), '60')).toBeUndefined()
    expect(checkAnnotationValue(key('go-max-procs'), '0')).toMatchObject({outcome: 'ignored'})
  })
})

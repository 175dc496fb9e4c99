import {describe, expect, it} from 'vitest'

import {isTransient, requiredCapability, toVaultError, vaultErrorText} from '../../../src/vault/errors.js'

/** What node-vault 0.12 rejects with for an HTTP answer (its ApiResponseError). */
function apiError(statusCode: number, body: unknown): Error {
  const errors = (body as {errors?: string[]})?.errors
  return Object.assign(new Error(errors?.[0] ?? `Status ${statusCode}`), {response: {statusCode, body}})
}

const context = {addr: 'https://vault.example:8200', tokenSource: 'VAULT_TOKEN'}

describe('Vault error mapping', () => {
  it('unwraps Vault multierror text', () => {
    expect(vaultErrorText(apiError(403, {errors: ['1 error occurred:\n\t* permission denied\n\n']}))).toBe('permission denied')
  })

  it('names the path, the missing capability and what the token has on a 403', () => {
    const error = toVaultError(apiError(403, {errors: ['1 error occurred:\n\t* permission denied\n\n']}), {method: 'POST', path: 'sys/policies/acl/app'}, {...context, capabilities: ['read']})
    expect(error.code).toBe('vault-permission-denied')
    expect(error.message).toBe('Permission denied: the Vault token lacks "create" or "update" on sys/policies/acl/app (its capabilities there: read)')
    expect(error.hint).toContain('path "sys/policies/acl/app" { capabilities = ["create", "update"] }')
    expect(error.exitCode).toBe(1)
  })

  it('tells an expired token from a missing capability', () => {
    const error = toVaultError(apiError(403, {errors: ['permission denied: invalid token']}), {method: 'GET', path: 'sys/mounts'}, context)
    expect(error.code).toBe('vault-token-invalid')
    expect(error.message).toContain('(from VAULT_TOKEN)')
  })

  it('maps sealed, bad requests and transport failures', () => {
    expect(toVaultError(apiError(503, {errors: ['Vault is sealed']}), {method: 'GET', path: 'sys/mounts'}, context).code).toBe('vault-sealed')
    const bad = toVaultError(apiError(400, {errors: ['failed to parse policy: bad']}), {method: 'POST', path: 'sys/policies/acl/x'}, context)
    expect(bad.message).toBe('Vault rejected POST sys/policies/acl/x: failed to parse policy: bad')
    const refused = toVaultError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {code: 'ECONNREFUSED'}), {method: 'GET', path: 'sys/mounts'}, context)
    expect(refused.message).toBe('Cannot reach Vault at https://vault.example:8200: connection refused')
    const tls = toVaultError(Object.assign(new Error('self-signed certificate in certificate chain'), {code: 'SELF_SIGNED_CERT_IN_CHAIN'}), {method: 'GET', path: 'sys/mounts'}, context)
    expect(tls.code).toBe('vault-tls')
    expect(tls.hint).toContain('VAULT_CACERT')
  })

  it('retries connection resets and 500/502/504, not 503 or 4xx', () => {
    expect(isTransient(Object.assign(new Error('socket hang up'), {code: 'ECONNRESET'}))).toBe(true)
    expect(isTransient(apiError(502, ''))).toBe(true)
    expect(isTransient(apiError(503, {errors: ['Vault is sealed']}))).toBe(false)
    expect(isTransient(apiError(400, {errors: ['x']}))).toBe(false)
    expect(isTransient(Object.assign(new Error('refused'), {code: 'ECONNREFUSED'}))).toBe(false)
  })

  it('knows which capability each request needs', () => {
    expect(requiredCapability({method: 'GET', path: 'auth/kubernetes/role/?list=true'})).toBe('list')
    expect(requiredCapability({method: 'GET', path: 'internal/data/x'})).toBe('read')
    expect(requiredCapability({method: 'DELETE', path: 'internal/data/x'})).toBe('delete')
    expect(requiredCapability({method: 'POST', path: 'sys/auth/kubernetes'})).toBe('update" and "sudo')
    // No existence check on the Kubernetes auth config: a first write is an update.
    expect(requiredCapability({method: 'POST', path: 'auth/kubernetes/config'})).toBe('update')
    expect(requiredCapability({method: 'POST', path: 'auth/kubernetes/role/app'})).toBe('create" or "update')
  })
})

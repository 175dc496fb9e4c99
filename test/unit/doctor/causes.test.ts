import {describe, expect, it} from 'vitest'

import type {CauseContext} from '../../../src/agent/causes.js'
import {diagnose, lastAgentError, oneLine} from '../../../src/agent/causes.js'

const ctx: CauseContext = {role: 'internal-app', authMount: 'kubernetes', serviceAccount: 'internal-app', namespace: 'default'}

/** A vault-agent-init log as hclog writes it: a multi-line `error=` value, then the other fields. */
function agentLog(method: string, path: string, code: number, error: string): string {
  return [
    '==> Vault Agent started! Log data will stream in below:',
    '2026-01-01T00:00:00.000Z [INFO]  agent.auth.handler: authenticating',
    '2026-01-01T00:00:00.100Z [ERROR] agent.auth.handler: error authenticating:',
    '  error=',
    '  | Error making API request.',
    '  | ',
    `  | URL: ${method} http://vault.default.svc:8200/v1/${path}`,
    `  | Code: ${code}. Errors:`,
    '  | ',
    `  | * ${error}`,
    '   backoff=1s',
    '2026-01-01T00:00:01.100Z [INFO]  agent.auth.handler: authenticating',
    '',
  ].join('\n')
}

describe('agent log errors', () => {
  it('takes the last error entry with its continuation lines, and words it on one line', () => {
    const entry = lastAgentError(agentLog('PUT', 'auth/kubernetes/login', 403, 'service account name not authorized'))!
    expect(entry.split('\n')).toHaveLength(9)
    expect(oneLine(entry)).toBe(
      'agent.auth.handler: error authenticating: error= Error making API request. URL: PUT http://vault.default.svc:8200/v1/auth/kubernetes/login Code: 403. Errors: * service account name not authorized backoff=1s',
    )
    expect(lastAgentError('[INFO] all good\n')).toBeUndefined()
  })

  it.each([
    ['service account name not authorized', 'role-binding', 'does not bind service account internal-app'],
    ['namespace not authorized', 'role-binding', 'does not bind namespace default'],
    ['invalid role name "internal-ap"', 'role-missing', 'role "internal-ap" does not exist on auth/kubernetes'],
    ['claim "iss" is invalid', 'issuer', 'issuer'],
    ['permission denied', 'reviewer-jwt', 'TokenReview'],
  ])('maps the login error "%s"', (error, failureClass, reason) => {
    const diagnosis = diagnose(oneLine(lastAgentError(agentLog('PUT', 'auth/kubernetes/login', error === 'permission denied' ? 403 : 400, error))!), ctx)
    expect(diagnosis?.class).toBe(failureClass)
    expect(diagnosis?.reason).toContain(reason)
  })

  it('tells a policy denial on read from a TokenReview failure at login, and names the path', () => {
    const read = 'vault.read(internal/database/config): vault.read(internal/database/config): Error making API request. URL: GET http://vault.default.svc:8200/v1/internal/data/database/config Code: 403. Errors: * permission denied'
    expect(diagnose(read, ctx)).toMatchObject({class: 'policy-denied', reason: "the role's policies do not allow reading internal/data/database/config"})
    expect(diagnose('vault.read(internal/x): no secret exists at internal/data/x', ctx)).toMatchObject({class: 'secret-missing', reason: 'no secret exists at internal/data/x'})
    expect(diagnose('something else entirely', ctx)).toBeUndefined()
  })
})

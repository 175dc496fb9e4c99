import {describe, expect, it} from 'vitest'

import {injectionSpec} from '../../../src/annotations/injection.js'
import type {DoctorContext} from '../../../src/doctor/context.js'
import type {LoginOutcome} from '../../../src/doctor/links/login.js'
import {vaultChecks} from '../../../src/doctor/links/vault.js'
import type {UnsealedVault} from '../../../src/doctor/vault-state.js'
import type {VaultClient} from '../../../src/vault/client.js'
import type {RoleSpec} from '../../../src/vault/kubernetes-auth.js'

const P = 'vault.hashicorp.com/'
const ROLE: RoleSpec = {serviceAccounts: ['internal-app'], namespaces: ['default'], policies: ['internal-app'], ttlSeconds: 86_400}

function context(state: Partial<UnsealedVault>, annotations: Record<string, string> = {}, podSpec: object = {}): DoctorContext {
  const metadata = {annotations: {[`${P}agent-inject`]: 'true', [`${P}role`]: 'internal-app', ...annotations}}
  const spec = {serviceAccountName: 'internal-app', containers: [], ...podSpec}
  return {
    subject: {target: 'deployment/orgchart', kind: 'Deployment', namespace: 'default', podMetadata: metadata, podSpec: spec, objectAnnotations: {}, fromFile: false, ignored: []},
    spec: injectionSpec(metadata, spec),
    kube: {unavailable: 'not used'},
    injector: {unavailable: 'not used'},
    vault: {addr: 'http://127.0.0.1:8200'} as VaultClient,
    vaultState: {
      reachable: true,
      sealed: false,
      authMounts: new Map([['kubernetes/', {type: 'kubernetes'}], ['token/', {type: 'token'}]]),
      authConfig: {kubernetes_host: 'https://kubernetes.default.svc:443', kubernetes_ca_cert: '-----BEGIN CERTIFICATE-----'},
      role: ROLE,
      policies: [],
      roleElsewhere: [],
      ...state,
    },
    lookups: [],
  }
}

const loggedIn: LoginOutcome = {checks: [], loggedIn: true, tokenAudiences: ['https://kubernetes.default.svc.cluster.local']}
const byId = (checks: ReturnType<typeof vaultChecks>) => Object.fromEntries(checks.map((c) => [c.check, c]))

describe('the Vault link', () => {
  it('passes for the tutorial setup', () => {
    const checks = vaultChecks(context({}), loggedIn)
    expect(checks.map((c) => [c.check, c.status])).toEqual([
      ['vault-status', 'pass'],
      ['auth-mount', 'pass'],
      ['auth-config', 'pass'],
      ['reviewer-jwt', 'pass'],
      ['role', 'pass'],
      ['role-binding', 'pass'],
      ['role-audience', 'pass'],
    ])
  })

  it('names the other mount when Kubernetes auth is enabled under another path', () => {
    const checks = byId(
      vaultChecks(context({authMounts: new Map([['k8s-dev/', {type: 'kubernetes'}]]), role: undefined, roleElsewhere: ['k8s-dev']}), loggedIn),
    )
    expect(checks['auth-mount']).toMatchObject({status: 'fail', failure: {class: 'auth-mount', reason: 'no auth method is enabled at auth/kubernetes/ (from the default (no auth-path annotation))'}})
    expect(checks['auth-mount'].failure?.hint).toContain(`set ${P}auth-path: "auth/k8s-dev"`)
    expect(checks.role.status).toBe('skip')
  })

  it('fails the binding for another service account or namespace, with Vault glob rules', () => {
    const otherAccount = byId(vaultChecks(context({role: {...ROLE, serviceAccounts: ['billing']}}), loggedIn))
    expect(otherAccount['role-binding']).toMatchObject({status: 'fail', failure: {class: 'role-binding'}})
    expect(otherAccount['role-binding'].failure?.reason).toContain('binds service accounts billing, not internal-app')
    const otherNamespace = byId(vaultChecks(context({role: {...ROLE, namespaces: ['apps']}}), loggedIn))
    expect(otherNamespace['role-binding'].failure?.reason).toContain('binds namespaces apps, not default')
    expect(byId(vaultChecks(context({role: {...ROLE, serviceAccounts: ['internal-*'], namespaces: ['*']}}), loggedIn))['role-binding'].status).toBe('pass')
  })

  it('judges the audience from the projected token, or from the token the API server issued', () => {
    const role = {...ROLE, audience: 'vault'}
    expect(byId(vaultChecks(context({role}), loggedIn))['role-audience'].failure?.reason).toContain(
      "requires audience vault; the pod's default token has https://kubernetes.default.svc.cluster.local",
    )
    const projected = context(
      {role},
      {[`${P}agent-service-account-token-volume-name`]: 'vault-token'},
      {volumes: [{name: 'vault-token', projected: {sources: [{serviceAccountToken: {path: 'token', audience: 'vault'}}]}}]},
    )
    expect(byId(vaultChecks(projected, loggedIn))['role-audience'].status).toBe('pass')
  })

  it('reports an expired reviewer JWT from the login, and skips what it cannot know', () => {
    const state = {authConfig: {kubernetes_host: 'https://10.0.0.1:443', kubernetes_ca_cert: 'x', token_reviewer_jwt_set: true}}
    const denied: LoginOutcome = {checks: [], loggedIn: false, diagnosis: {class: 'reviewer-jwt', reason: 'TokenReview failed', hint: 'renew it'}}
    expect(byId(vaultChecks(context(state), denied))['reviewer-jwt']).toMatchObject({status: 'fail', failure: {class: 'reviewer-jwt'}})
    expect(byId(vaultChecks(context(state), {checks: [], loggedIn: false, skipped: 'no permission'}))['reviewer-jwt'].status).toBe('skip')
    expect(vaultChecks(context({}), loggedIn).find((c) => c.check === 'vault-status')?.status).toBe('pass')
    expect(vaultChecks({...context({}), vaultState: {reachable: true, sealed: true}}, loggedIn)).toEqual([
      expect.objectContaining({check: 'vault-status', status: 'fail', failure: expect.objectContaining({class: 'vault-sealed'})}),
    ])
  })
})

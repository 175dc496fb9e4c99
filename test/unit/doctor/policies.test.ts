import {describe, expect, it} from 'vitest'

import type {SecretLookup} from '../../../src/agent/secret-source.js'
import {injectionSpec} from '../../../src/annotations/injection.js'
import type {DoctorContext} from '../../../src/doctor/context.js'
import {policyChecks} from '../../../src/doctor/links/policies.js'
import type {NamedPolicy} from '../../../src/doctor/vault-state.js'
import type {VaultClient} from '../../../src/vault/client.js'

const P = 'vault.hashicorp.com/'
const LOOKUP: SecretLookup = {path: 'internal/data/database/config', apiPath: 'internal/data/database/config', kvVersion: 2, state: 'ok'}
const rule = (path: string, capabilities: string[]) => `path "${path}" {\n  capabilities = [${capabilities.map((c) => `"${c}"`).join(', ')}]\n}\n`

function check(policies: NamedPolicy[], lookups: SecretLookup[] = [LOOKUP]) {
  const metadata = {annotations: {[`${P}agent-inject`]: 'true', [`${P}role`]: 'internal-app'}}
  const ctx: DoctorContext = {
    subject: {target: 'deployment/orgchart', kind: 'Deployment', namespace: 'default', podMetadata: metadata, objectAnnotations: {}, fromFile: false, ignored: []},
    spec: injectionSpec(metadata, {serviceAccountName: 'internal-app', containers: []}),
    kube: {unavailable: 'not used'},
    injector: {unavailable: 'not used'},
    vault: {addr: 'http://127.0.0.1:8200'} as VaultClient,
    vaultState: {
      reachable: true,
      sealed: false,
      authMounts: new Map(),
      authConfig: undefined,
      role: {serviceAccounts: ['internal-app'], namespaces: ['default'], policies: policies.map((p) => p.name), ttlSeconds: 3600},
      policies: [...policies, {name: 'default', hcl: rule('sys/capabilities-self', ['update'])}],
      roleElsewhere: [],
    },
    lookups,
  }
  return policyChecks(ctx)
}

describe('the policies link (Vault ACL semantics)', () => {
  it('passes exact, prefix and segment-wildcard grants, naming the policy', () => {
    for (const path of ['internal/data/database/config', 'internal/data/*', 'internal/+/database/*']) {
      const [result] = check([{name: 'app', hcl: rule(path, ['read'])}])
      expect(result).toMatchObject({check: 'policy-read', status: 'pass', subject: 'internal/data/database/config', detail: 'read on internal/data/database/config granted by policy app'})
    }
  })

  it('names the policy on the KV v1 form of a KV v2 path', () => {
    const [result] = check([{name: 'internal-app', hcl: rule('internal/database/config', ['read'])}])
    expect(result.failure).toMatchObject({class: 'policy-denied'})
    expect(result.failure?.reason).toContain('policy internal-app grants read on internal/database/config, the KV v1 form of the path')
    expect(result.failure?.hint).toContain('path "internal/data/database/config" { capabilities = ["read"] }')
  })

  it('names a deny that wins over a grant, and a rule without read', () => {
    const [denied] = check([
      {name: 'app', hcl: rule('internal/data/database/config', ['read'])},
      {name: 'lockdown', hcl: rule('internal/data/database/config', ['deny'])},
    ])
    expect(denied.failure?.reason).toBe('policy lockdown denies internal/data/database/config (path "internal/data/database/config" has "deny", which wins over every grant)')
    const [listOnly] = check([{name: 'app', hcl: rule('internal/data/*', ['list'])}])
    expect(listOnly.failure?.reason).toBe('no policy of role internal-app (app, default) grants read on internal/data/database/config: policy app has path "internal/data/*" with list')
  })

  it('says when a policy of the role does not exist', () => {
    const [result] = check([{name: 'internal-ap'}])
    expect(result.failure?.reason).toContain('(policy internal-ap does not exist)')
  })
})

import {describe, expect, it} from 'vitest'

import {kvApiPath, kvLocationUnder} from '../../../src/vault/kv-path.js'
import {kvPolicyRules, renderPolicy} from '../../../src/vault/policy.js'

describe('kvApiPath', () => {
  it('inserts data/ after the mount on kv v2, as vault kv does', () => {
    expect(kvApiPath('internal/database/config', 'internal', 2)).toBe('internal/data/database/config')
    expect(kvApiPath('/team/kv/app/db/', 'team/kv/', 2, 'metadata')).toBe('team/kv/metadata/app/db')
    expect(kvApiPath('internal', 'internal', 2)).toBe('internal/data')
  })

  it('leaves kv v1 paths alone', () => {
    expect(kvApiPath('secret/app', 'secret', 1)).toBe('secret/app')
  })

  it('keeps an existing prefix only when asked to', () => {
    expect(kvApiPath('internal/data/database/config', 'internal', 2, 'data', true)).toBe('internal/data/database/config')
    expect(kvApiPath('internal/data/database/config', 'internal', 2)).toBe('internal/data/data/database/config')
    expect(kvApiPath('internal/database-data/x', 'internal', 2, 'data', true)).toBe('internal/data/database-data/x')
  })

  it('builds a location under a known mount', () => {
    expect(kvLocationUnder('internal/', 'internal/database/config', 2)).toEqual({path: 'internal/database/config', mount: 'internal', version: 2, key: 'database/config'})
  })
})

describe('kv policies', () => {
  it('renders the tutorial policy for kv v2', () => {
    const hcl = renderPolicy(kvPolicyRules('internal/database/config', {mount: 'internal', version: 2}, ['read']))
    expect(hcl).toBe('path "internal/data/database/config" {\n  capabilities = ["read"]\n}\n')
  })

  it('grants list on metadata/ and the rest on data/ for kv v2; v1 as written', () => {
    const rules = kvPolicyRules('internal/team/*', {mount: 'internal', version: 2}, ['read', 'list'])
    expect(rules).toEqual([
      {path: 'internal/data/team/*', capabilities: ['read']},
      {path: 'internal/metadata/team/*', capabilities: ['list']},
    ])
    expect(kvPolicyRules('secret/*', {mount: 'secret', version: 1}, ['read', 'list'])).toEqual([{path: 'secret/*', capabilities: ['read', 'list']}])
  })
})

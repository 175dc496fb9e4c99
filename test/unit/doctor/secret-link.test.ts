/**
 * The doctor's secret check follows what the agent does with a KV v2 version that is gone: a deleted one (or one
 * deleted and then destroyed) is "no secret exists" and the agent retries; a destroyed one that was never deleted is
 * rendered with .Data.data nil (consul-template dependency/vault_read.go deletedKVv2), so it is a warning.
 */
import {describe, expect, it} from 'vitest'

import type {SecretLookup} from '../../../src/agent/secret-source.js'
import {secretCheck} from '../../../src/doctor/links/secrets.js'

const base = {path: 'internal/data/app', apiPath: 'internal/data/app', kvVersion: 2 as const}

describe('the secret check on a KV v2 version that is gone', () => {
  it('fails on a deleted version: the agent has no secret and retries', () => {
    const lookup: SecretLookup = {...base, state: 'deleted', problem: 'no secret exists at internal/data/app: version 2 was deleted at 2026-01-01T00:00:00Z'}
    expect(secretCheck(lookup)).toMatchObject({status: 'fail', failure: {class: 'secret-missing', reason: expect.stringContaining('the agent retries forever')}})
  })

  it('warns on a destroyed version: the agent renders it with no data', () => {
    const lookup: SecretLookup = {...base, state: 'destroyed', problem: 'version 1 was destroyed: Vault Agent renders it with no data'}
    expect(secretCheck(lookup)).toMatchObject({
      status: 'warn',
      failure: {class: 'secret-missing', reason: 'version 1 was destroyed: Vault Agent renders it with no data: the default template writes "data: <nil>", a template reading .Data.data fails'},
    })
  })
})

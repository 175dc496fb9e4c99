import {describe, expect, it} from 'vitest'

import {nearestAnnotation} from '../../../src/annotations/index.js'

const key = (suffix: string): string => `vault.hashicorp.com/${suffix}`

describe('nearestAnnotation', () => {
  it('suggests the key a typo was meant to be', () => {
    expect(nearestAnnotation(key('agent-injet'))).toBe(key('agent-inject'))
    expect(nearestAnnotation(key('agent-pre-popluate-only'))).toBe(key('agent-pre-populate-only'))
    expect(nearestAnnotation(key('roles'))).toBe(key('role'))
    expect(nearestAnnotation(key('agent-limit-cpu'))).toBe(key('agent-limits-cpu'))
  })

  it('keeps the NAME of a per-secret key and fixes its base', () => {
    expect(nearestAnnotation(key('agent-inject-secrets-db'))).toBe(key('agent-inject-secret-db'))
    expect(nearestAnnotation(key('agent-inject-templat-foobar'))).toBe(key('agent-inject-template-foobar'))
    expect(nearestAnnotation(key('agent-inject-TEMPLATE-foobar'))).toBe(key('agent-inject-template-foobar'))
    expect(nearestAnnotation(key('agent-inject-secret_db'))).toBe(key('agent-inject-secret-db'))
  })

  it('knows the slips edit distance ranks badly', () => {
    expect(nearestAnnotation(key('template-config-static-secret-render-interval'))).toBe(key('template-static-secret-render-interval'))
    expect(nearestAnnotation(key('inject-secret-db'))).toBe(key('agent-inject-secret-db'))
    expect(nearestAnnotation(key('vault-agent-image'))).toBe(key('agent-image'))
    expect(nearestAnnotation('agent-inject')).toBe(key('agent-inject'))
  })

  it('fixes a near miss of the prefix', () => {
    expect(nearestAnnotation('vault.hashicorp.co/role')).toBe(key('role'))
    expect(nearestAnnotation('vault.hashicorp.com.au/role')).toBeUndefined()
    expect(nearestAnnotation('example.com/role')).toBeUndefined()
  })

  it('stays quiet when nothing is close, or the key is already right', () => {
    expect(nearestAnnotation(key('completely-different'))).toBeUndefined()
    expect(nearestAnnotation(key('xyz'))).toBeUndefined()
    expect(nearestAnnotation(key('agent-inject'))).toBeUndefined()
  })
})

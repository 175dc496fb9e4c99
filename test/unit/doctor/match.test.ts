import {describe, expect, it} from 'vitest'

import {goGlob, roleBinds, selectorMatches} from '../../../src/doctor/match.js'

describe('goGlob (ryanuber/go-glob, as Vault matches bound service accounts)', () => {
  it.each([
    ['*', 'anything', true],
    ['', '', true],
    ['', 'x', false],
    ['app', 'app', true],
    ['app', 'app2', false],
    ['app-*', 'app-web', true],
    ['app-*', 'web-app', false],
    ['*-app', 'web-app', true],
    ['*-app', 'web-app-2', false],
    ['team-*-prod', 'team-a-prod', true],
    ['team-*-prod', 'team-a-dev', false],
    ['*web*', 'my-web-app', true],
    ['a*b*c', 'axxbyyc', true],
    ['a*b*c', 'acb', false],
  ])('%s matches %s: %s', (pattern, subject, expected) => {
    expect(goGlob(pattern, subject)).toBe(expected)
  })
})

describe('roleBinds', () => {
  const role = (serviceAccounts: string[], namespaces: string[]) => ({serviceAccounts, namespaces})

  it('follows the Kubernetes auth login rules', () => {
    expect(roleBinds(role(['internal-app'], ['default']), 'internal-app', 'default')).toEqual({name: true, namespace: true})
    expect(roleBinds(role(['other-app'], ['default']), 'internal-app', 'default')).toEqual({name: false, namespace: true})
    expect(roleBinds(role(['internal-app'], ['apps']), 'internal-app', 'default')).toEqual({name: true, namespace: false})
    expect(roleBinds(role(['*'], ['*']), 'x', 'y')).toEqual({name: true, namespace: true})
    expect(roleBinds(role(['internal-*'], ['team-*']), 'internal-app', 'team-a')).toEqual({name: true, namespace: true})
    // No namespaces bound at all (only a namespace selector, which vsi does not evaluate): not bound.
    expect(roleBinds(role(['internal-app'], []), 'internal-app', 'default').namespace).toBe(false)
  })
})

describe('selectorMatches', () => {
  it('evaluates matchLabels and matchExpressions; an empty selector selects everything', () => {
    const injectorDefault = {matchExpressions: [{key: 'app.kubernetes.io/name', operator: 'NotIn', values: ['vault-agent-injector']}]}
    expect(selectorMatches(injectorDefault, {app: 'orgchart'})).toBe(true)
    expect(selectorMatches(injectorDefault, {'app.kubernetes.io/name': 'vault-agent-injector'})).toBe(false)
    expect(selectorMatches(undefined, {})).toBe(true)
    expect(selectorMatches({}, {a: 'b'})).toBe(true)
    expect(selectorMatches({matchLabels: {inject: 'yes'}}, {inject: 'no'})).toBe(false)
    expect(selectorMatches({matchExpressions: [{key: 'env', operator: 'In', values: ['prod']}]}, {env: 'prod'})).toBe(true)
    expect(selectorMatches({matchExpressions: [{key: 'env', operator: 'Exists'}]}, {})).toBe(false)
    expect(selectorMatches({matchExpressions: [{key: 'env', operator: 'DoesNotExist'}]}, {})).toBe(true)
  })
})

/**
 * One golden table for both ACL implementations (vsi's src/vault/acl, used by doctor, and the Vault emulator's own):
 * test/golden/vault-acl.json, transcribed as data from hashicorp/vault vault/acl_test.go and vault/policy_test.go.
 */
import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'

export interface AclUnderTest {
  /** An ACL from policy texts; `root` stands for Vault's root policy. */
  build(policies: string[], root: boolean): {
    allow(path: string, op: string): {allowed: boolean; sudo: boolean}
    capabilities(path: string): string[]
    mountAccess(mount: string): boolean
  }
  /** The parse error text, or undefined when the policy parses. */
  parseError(policy: string): string | undefined
}

interface Golden {
  policies: Record<string, string>
  operations: {test: string; policies: string[]; cases: {op: string; path: string; allowed: boolean; sudo: boolean}[]}[]
  capabilities: {test: string; policies: string[]; path: string; capabilities: string[]}[]
  priority: {test: string; policy: string; path: string; update: boolean; read: boolean}[]
  mountAccess: {test: string; policy: string; mount: string; access: boolean}[]
  parseErrors: {test: string; policy: string; includes: string[]}[]
}

const golden = JSON.parse(readFileSync(new URL('vault-acl.json', import.meta.url), 'utf8')) as Golden

export function describeAclGolden(name: string, impl: AclUnderTest): void {
  const build = (names: string[]) => impl.build(names.filter((n) => n !== 'root').map((n) => golden.policies[n]!), names.includes('root'))

  describe(`${name} against Vault's own ACL tests`, () => {
    for (const group of golden.operations) {
      it.each(group.cases.map((c) => [c.op, c.path, c]))(`${group.test}: %s %s`, (_op, _path, c) => {
        expect(build(group.policies).allow(c.path, c.op)).toEqual({allowed: c.allowed, sudo: c.sudo})
      })
    }
    it.each(golden.capabilities.map((c) => [c.test, c.path, c]))('%s: capabilities of %s', (_test, _path, c) => {
      expect(build(c.policies).capabilities(c.path)).toEqual(c.capabilities)
    })
    it.each(golden.priority.map((c, i) => [i, c]))('TestACL_SegmentWildcardPriority case %i: the more specific rule wins', (_i, c) => {
      const acl = impl.build([c.policy], false)
      expect([acl.allow(c.path, 'update').allowed, acl.allow(c.path, 'read').allowed]).toEqual([c.update, c.read])
    })
    it.each(golden.mountAccess.map((c, i) => [i, c]))('TestACL_SegmentWildcardPriority_BareMount case %i', (_i, c) => {
      expect(impl.build([c.policy], false).mountAccess(c.mount)).toBe(c.access)
    })
    it.each(golden.parseErrors.map((c) => [c.test, c]))('%s', (_test, c) => {
      const error = impl.parseError(c.policy)
      expect(error).toBeDefined()
      for (const text of c.includes) expect(error).toContain(text)
    })
  })
}

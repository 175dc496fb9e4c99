import {describe, expect, it} from 'vitest'
import {Acl} from '../../../src/vault/acl/acl.js'
import {DEFAULT_POLICY} from '../../emulators/vault/policy/builtin.js'
import {parsePolicy} from '../../../src/vault/acl/parse.js'

const acl = (...policies: string[]): Acl => Acl.fromPolicies(policies.map(parsePolicy))
const parseError = (text: string): string => {
  try {
    parsePolicy(text)
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('policy parsed without error')
}

describe('policy parsing', () => {
  it('reads HCL path blocks, comments, trailing commas and the JSON form alike', () => {
    const hcl = parsePolicy(`
      # comment
      path "internal/data/*" { capabilities = ["read", "list",] }
      // another
      path "/sys/mounts" {
        capabilities = ["read"]
      }`)
    const json = parsePolicy('{"path": {"internal/data/*": {"capabilities": ["read", "list"]}, "/sys/mounts": {"capabilities": ["read"]}}}')
    expect(json).toEqual(hcl)
    expect(hcl.paths.map((p) => [p.path, p.isPrefix])).toEqual([
      ['internal/data/', true],
      ['sys/mounts', false],
    ])
  })

  it('accepts the built-in default policy, including its templated and + paths', () => {
    const parsed = parsePolicy(DEFAULT_POLICY)
    expect(parsed.paths.find((p) => p.path.startsWith('identity/entity/id/'))?.templated).toBe(true)
    expect(parsed.paths.find((p) => p.path === 'identity/oidc/provider/+/authorize')?.hasSegmentWildcards).toBe(true)
  })

  it('maps the old policy = "write" style to capabilities', () => {
    expect(acl('path "a" { policy = "write" }').capabilities('a')).toEqual(['read', 'list', 'update', 'delete', 'create'])
    expect(parseError('path "a" { policy = "nope" }')).toBe('failed to parse policy: path "a": invalid policy "nope"')
  })

  it('rejects unknown capabilities, keys and wildcard misuse with Vault\'s messages', () => {
    expect(parseError('path "secret/*" { capabilities = ["write"] }')).toBe('failed to parse policy: path "secret/*": invalid capability "write"')
    expect(parseError('path "a" {\n  capabilities = ["read"]\n  foo = "bar"\n}')).toBe(
      'failed to parse policy: 1 error occurred:\n\t* path "a": invalid key "foo" on line 3\n\n',
    )
    expect(parseError('name = "x"\nbogus = 1\nother = 2')).toBe(
      'failed to parse policy: 2 errors occurred:\n\t* invalid key "bogus" on line 2\n\t* invalid key "other" on line 3\n\n',
    )
    expect(parseError('path "a/+*" { capabilities = ["read"] }')).toBe(`failed to parse policy: path "a/+*": invalid use of wildcards ('+*' is forbidden)`)
    expect(parseError('path "a" { capabilities = "read" }')).toBe('failed to parse policy: path "a": At 1:27: unknown slice type: *ast.LiteralType')
  })

  it('reports HCL syntax errors in the hcl v1 format', () => {
    expect(parseError('path "a" {\n  capabilities = ["read"]\n')).toBe('failed to parse policy: At 3:1: object expected closing RBRACE got: EOF')
    expect(parseError('path "a" { capabilities = ["read" "list"] }')).toBe(
      'failed to parse policy: At 1:35: error parsing list, expected comma or list end, got: STRING',
    )
    expect(parseError('path "a\n')).toBe('failed to parse policy: 1:8: literal not terminated')
    expect(parseError('path "a" }')).toBe('failed to parse policy: At 1:10: key \'path "a"\' expected start of object (\'{\') or assignment (\'=\')')
  })
})

describe('ACL evaluation', () => {
  it('uses an exact rule before any prefix rule, and the longest prefix otherwise', () => {
    const a = acl('path "secret/*" { capabilities = ["read"] }', 'path "secret/data/*" { capabilities = ["deny"] }', 'path "secret/data/open" { capabilities = ["update"] }')
    expect(a.allowOperation('secret/other', 'read').allowed).toBe(true)
    expect(a.allowOperation('secret/data/x', 'read').allowed).toBe(false)
    expect(a.allowOperation('secret/data/open', 'update').allowed).toBe(true)
    expect(a.allowOperation('secret/data/open', 'read').allowed).toBe(false)
    expect(a.allowOperation('elsewhere', 'read').allowed).toBe(false)
  })

  it('merges the same path across policies, with deny winning', () => {
    expect(acl('path "p" { capabilities = ["read"] }', 'path "p" { capabilities = ["update"] }').capabilities('p')).toEqual(['read', 'update'])
    expect(acl('path "p" { capabilities = ["read"] }', 'path "p" { capabilities = ["deny"] }').capabilities('p')).toEqual(['deny'])
    expect(acl('path "p" { capabilities = ["deny"] }', 'path "p" { capabilities = ["read"] }').allowOperation('p', 'read').allowed).toBe(false)
  })

  it('ranks + and * rules the way Vault does', () => {
    const a = acl(
      'path "secret/*" { capabilities = ["read"] }',
      'path "secret/+/bar" { capabilities = ["update"] }',
      'path "secret/foo/+" { capabilities = ["delete"] }',
      'path "secret/+/+" { capabilities = ["list"] }',
    )
    // The later first wildcard wins: secret/foo/+ beats secret/+/bar.
    expect(a.capabilities('secret/foo/bar')).toEqual(['delete'])
    // A + rule beats a * prefix with the wildcard at the same position.
    expect(a.capabilities('secret/baz/bar')).toEqual(['update'])
    // Fewer + segments win: secret/+/bar over secret/+/+ is covered above; here only +/+ and * apply.
    expect(a.capabilities('secret/baz/qux')).toEqual(['list'])
    // + matches exactly one segment; deeper paths fall back to the prefix.
    expect(a.capabilities('secret/a/b/c')).toEqual(['read'])
  })

  it('lets list on "foo/" use rules written without the trailing slash', () => {
    const a = acl('path "secret/metadata/app" { capabilities = ["list"] }', 'path "kv/team*" { capabilities = ["list"] }')
    expect(a.allowOperation('secret/metadata/app/', 'list').allowed).toBe(true)
    expect(a.allowOperation('kv/team/', 'list').allowed).toBe(true)
    expect(a.allowOperation('secret/metadata/app/', 'read').allowed).toBe(false)
  })

  it('reports sudo as root privileges and root policies as allowing everything', () => {
    expect(acl('path "sys/auth/*" { capabilities = ["create", "update"] }').allowOperation('sys/auth/k8s', 'update')).toEqual({allowed: true, rootPrivs: false})
    expect(acl('path "sys/auth/*" { capabilities = ["update", "sudo"] }').allowOperation('sys/auth/k8s', 'update')).toEqual({allowed: true, rootPrivs: true})
    expect(Acl.root().capabilities('anything')).toEqual(['root'])
  })

  it('enforces allowed, denied and required parameters', () => {
    const a = acl(`path "auth/kubernetes/role/*" {
      capabilities = ["create", "update"]
      allowed_parameters = { "policies" = ["app-*"], "bound_service_account_names" = [] }
      denied_parameters = { "bound_service_account_names" = ["*admin*"] }
      required_parameters = ["policies"]
    }`)
    const allowed = (data: Record<string, unknown>): boolean => a.allowOperation('auth/kubernetes/role/r', 'update', data).allowed
    expect(allowed({policies: 'app-one', bound_service_account_names: 'web'})).toBe(true)
    expect(allowed({policies: 'app-one,app-two'})).toBe(true)
    expect(allowed({policies: 'other'})).toBe(false)
    expect(allowed({policies: 'app-one', ttl: '1h'})).toBe(false)
    expect(allowed({policies: 'app-one', bound_service_account_names: ['web', 'the-admin-sa']})).toBe(false)
    expect(allowed({bound_service_account_names: 'web'})).toBe(false)
  })

  it('drops templated paths for tokens without an identity entity', () => {
    const a = acl('path "identity/entity/id/{{identity.entity.id}}" { capabilities = ["read"] }')
    expect(a.capabilities('identity/entity/id/{{identity.entity.id}}')).toEqual(['deny'])
  })

  it('finds mount access anywhere under a mount, as the KV preflight needs', () => {
    expect(acl('path "internal/data/database/config" { capabilities = ["read"] }').hasMountAccess('internal/')).toBe(true)
    expect(acl('path "internal/data/*" { capabilities = ["deny"] }').hasMountAccess('internal/')).toBe(false)
    expect(acl('path "+/data/x" { capabilities = ["read"] }').hasMountAccess('internal/')).toBe(true)
    expect(acl('path "other/*" { capabilities = ["read"] }').hasMountAccess('internal/')).toBe(false)
    expect(acl('path "*" { capabilities = ["read"] }').hasMountAccess('internal/')).toBe(true)
  })

  it('never allows requests on paths with a wrapping TTL bound (requests here are never wrapped)', () => {
    expect(acl('path "p" { capabilities = ["read"]\n max_wrapping_ttl = "1h" }').allowOperation('p', 'read').allowed).toBe(false)
  })
})

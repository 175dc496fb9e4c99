// The token auth method at auth/token/ (vault/token_store.go): enough of create, lookup,
// renew and revoke for a client to mint and inspect limited tokens.
import type {Backend, HandlerRequest} from '../framework.js'
import {SYSTEM_TTL} from '../mounts.js'
import {errorResponse, nil, ok, type Reply} from '../reply.js'
import {sanitizePolicies, type TokenStore} from '../tokens.js'

const CREATE_FIELDS = {
  id: 'string',
  role_name: 'string',
  policies: 'commaStrings',
  meta: 'kvPairs',
  no_parent: 'bool',
  no_default_policy: 'bool',
  renewable: {type: 'bool', default: true},
  ttl: 'duration',
  type: 'string',
  explicit_max_ttl: 'duration',
  display_name: 'string',
  num_uses: 'int',
  period: 'duration',
  entity_alias: 'string',
} as const

export function tokenBackend(tokens: TokenStore): Backend {
  const create = (orphan: boolean) => (req: HandlerRequest): Reply => {
    const parent = req.token!
    const f = req.fields
    const parentIsRoot = parent.policies.includes('root')
    const requested = f.has('policies') ? f.get<string[]>('policies') : []
    const noDefault = f.get<boolean>('no_default_policy')
    let policies: string[]
    if (requested.length === 0) {
      // No policies asked for: the child inherits the parent's (a root parent makes a root token).
      policies = sanitizePolicies(parent.policies, false).filter((p) => !(noDefault && p === 'default'))
    } else {
      policies = sanitizePolicies(requested, !noDefault)
      if (!parentIsRoot) {
        const allowed = new Set(sanitizePolicies(parent.policies, true))
        if (policies.includes('root')) return errorResponse('root tokens may not be created from non-root tokens')
        if (!policies.every((p) => allowed.has(p))) return errorResponse('child policies must be subset of parent')
      }
    }
    const numUses = f.get<number>('num_uses')
    if (numUses < 0) return errorResponse('number of uses cannot be negative')
    const ttl = f.get<number>('ttl')
    if (ttl < 0) return errorResponse('ttl must be positive')
    const isRoot = policies.includes('root')
    // vault/token_store.go handleCreateCommon: "token-" + display_name, displayNameSanitize ([^a-zA-Z0-9-] → "-", case
    // kept), then strings.TrimSuffix of one "-".
    const given = f.get<string>('display_name')
    const display = given === '' ? 'token' : `token-${given}`.replace(/[^a-zA-Z0-9-]/g, '-').replace(/-$/, '')
    const entry = tokens.issue({
      policies,
      path: orphan ? 'auth/token/create-orphan' : 'auth/token/create',
      ttl: ttl > 0 ? Math.min(ttl, SYSTEM_TTL) : isRoot ? 0 : SYSTEM_TTL,
      displayName: display,
      meta: f.has('meta') ? f.get('meta') : null,
      numUses,
      orphan: orphan || f.get<boolean>('no_parent'),
      parent: parent.id,
      explicitMaxTtl: f.get('explicit_max_ttl'),
      renewable: isRoot ? false : f.get<boolean>('renewable'),
    })
    return {...ok(null), auth: tokens.authBlock(entry)}
  }

  return {
    mountType: 'token',
    rootPaths: ['revoke-orphan/*', 'accessors*'],
    routes: [
      {pattern: 'create', fields: CREATE_FIELDS, operations: {update: create(false)}},
      {pattern: 'create-orphan', fields: CREATE_FIELDS, operations: {update: create(true)}},
      {pattern: 'lookup-self', fields: {token: 'string'}, operations: {read: (req) => ok(tokens.lookupData(req.token!))}},
      {
        pattern: 'lookup',
        fields: {token: 'string'},
        operations: {
          update: (req) => {
            const entry = tokens.lookup(req.fields.get('token'))
            return entry === undefined ? errorResponse('bad token', 403) : ok(tokens.lookupData(entry))
          },
        },
      },
      {
        pattern: 'renew-self',
        fields: {token: 'string', increment: 'duration'},
        operations: {
          update: (req) => {
            const entry = req.token!
            // vault/expiration.go RenewToken: a token without a lease entry (the root token of `vault operator init`) is
            // "invalid lease ID"; one with a lease that is not renewable (the dev root token, renewable=false) is
            // leaseEntry.renewable()'s "lease is not renewable".
            if (!entry.renewable) return errorResponse(entry.path === 'auth/token/root' ? 'invalid lease ID' : 'lease is not renewable')
            const granted = tokens.renew(entry, req.fields.get('increment'))
            return {...ok(null), auth: {...tokens.authBlock(entry), lease_duration: granted}}
          },
        },
      },
      {
        pattern: 'revoke-self',
        operations: {
          update: (req) => {
            tokens.revoke(req.token!.id)
            return nil()
          },
        },
      },
    ],
  }
}

// Vault's token store: service tokens with policies, TTL, use counts and parent/child revocation
// (hashicorp/vault vault/token_store.go), and the two shapes tokens are shown in: the
// lookup-self data and the `auth` block of a login/create response.
import {randomBytes, randomUUID} from 'node:crypto'
import type {Clock} from './clock.js'
import {rfc3339Nano} from './clock.js'
import type {AuthBlock} from './reply.js'

export interface TokenEntry {
  id: string
  accessor: string
  policies: string[]
  /** The path that created it: auth/token/root, auth/token/create, auth/kubernetes/login. */
  path: string
  meta: Record<string, string> | null
  displayName: string
  /** Remaining uses; 0 means unlimited. */
  numUses: number
  orphan: boolean
  parent?: string
  creationMs: number
  /** Seconds; 0 = never expires. */
  creationTtl: number
  expireMs: number | null
  explicitMaxTtl: number
  entityId: string
  renewable: boolean
}

export interface IssueParams {
  policies: string[]
  path: string
  ttl: number
  displayName: string
  meta?: Record<string, string> | null
  numUses?: number
  orphan?: boolean
  parent?: string
  explicitMaxTtl?: number
  renewable?: boolean
  entityId?: string
}

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

function randomBase62(length: number): string {
  return [...randomBytes(length)].map((b) => BASE62[b % 62]).join('')
}

export class TokenStore {
  private readonly tokens = new Map<string, TokenEntry>()

  constructor(private readonly clock: Clock) {}

  /**
   * The root token. `vault operator init` makes one at auth/token/root (display name "root", no lease). `vault server
   * -dev -dev-root-token-id=root` (what the Helm chart's dev mode runs) then creates the token it prints through
   * auth/token/create with {id, policies: [root], no_parent, no_default_policy} and revokes the first
   * (hashicorp/vault command/server.go "dev-gen-root"): that one reads back with path auth/token/create, display
   * name "token" and, having a lease entry, issue_time and renewable false.
   */
  createRoot(id: string, devMode: boolean): TokenEntry {
    return this.add({
      id,
      accessor: randomBase62(24),
      policies: ['root'],
      path: devMode ? 'auth/token/create' : 'auth/token/root',
      meta: null,
      displayName: devMode ? 'token' : 'root',
      numUses: 0,
      orphan: true,
      creationMs: this.clock.nowMs(),
      creationTtl: 0,
      expireMs: null,
      explicitMaxTtl: 0,
      entityId: '',
      renewable: false,
    })
  }

  issue(params: IssueParams): TokenEntry {
    const now = this.clock.nowMs()
    return this.add({
      id: `hvs.${randomBase62(24)}`,
      accessor: randomBase62(24),
      policies: params.policies,
      path: params.path,
      meta: params.meta ?? null,
      displayName: params.displayName,
      numUses: params.numUses ?? 0,
      orphan: params.orphan ?? false,
      parent: params.parent,
      creationMs: now,
      creationTtl: params.ttl,
      expireMs: params.ttl > 0 ? now + params.ttl * 1000 : null,
      explicitMaxTtl: params.explicitMaxTtl ?? 0,
      entityId: params.entityId ?? '',
      renewable: params.renewable ?? params.ttl > 0,
    })
  }

  private add(entry: TokenEntry): TokenEntry {
    this.tokens.set(entry.id, entry)
    return entry
  }

  /** A live token, or undefined for unknown, revoked or expired ones. */
  lookup(id: string): TokenEntry | undefined {
    const entry = this.tokens.get(id)
    if (entry === undefined) return undefined
    if (entry.expireMs !== null && entry.expireMs <= this.clock.nowMs()) {
      this.revoke(id)
      return undefined
    }
    return entry
  }

  /** Spends one use before the request runs; true when that was the last (revoke afterwards). */
  use(entry: TokenEntry): boolean {
    if (entry.numUses === 0) return false
    entry.numUses--
    return entry.numUses === 0
  }

  revoke(id: string): void {
    if (!this.tokens.delete(id)) return
    for (const child of [...this.tokens.values()].filter((t) => t.parent === id && !t.orphan)) this.revoke(child.id)
  }

  /** Disabling an auth method revokes every token it issued. */
  revokeIssuedUnder(pathPrefix: string): void {
    for (const entry of [...this.tokens.values()]) if (entry.path.startsWith(pathPrefix)) this.revoke(entry.id)
  }

  /** Returns the TTL granted, which is what Vault reports as the renewal's lease_duration. */
  renew(entry: TokenEntry, increment: number): number {
    const ttl = increment > 0 ? increment : entry.creationTtl
    if (ttl > 0) entry.expireMs = this.clock.nowMs() + ttl * 1000
    return ttl
  }

  all(): TokenEntry[] {
    return [...this.tokens.values()]
  }

  remainingTtl(entry: TokenEntry): number {
    return entry.expireMs === null ? 0 : Math.max(0, Math.floor((entry.expireMs - this.clock.nowMs()) / 1000))
  }

  /** auth/token/lookup-self `data`. */
  lookupData(entry: TokenEntry): Record<string, unknown> {
    const data: Record<string, unknown> = {
      accessor: entry.accessor,
      creation_time: Math.floor(entry.creationMs / 1000),
      creation_ttl: entry.creationTtl,
      display_name: entry.displayName,
      entity_id: entry.entityId,
      expire_time: entry.expireMs === null ? null : rfc3339Nano(entry.expireMs),
      explicit_max_ttl: entry.explicitMaxTtl,
      id: entry.id,
      meta: entry.meta,
      num_uses: entry.numUses,
      orphan: entry.orphan,
      path: entry.path,
      policies: entry.policies,
      ttl: this.remainingTtl(entry),
      type: 'service',
    }
    if (entry.path !== 'auth/token/root') {
      data['issue_time'] = rfc3339Nano(entry.creationMs)
      data['renewable'] = entry.renewable
    }
    return data
  }

  authBlock(entry: TokenEntry): AuthBlock {
    return {
      client_token: entry.id,
      accessor: entry.accessor,
      policies: entry.policies,
      token_policies: entry.policies,
      metadata: entry.meta,
      lease_duration: entry.creationTtl,
      renewable: entry.renewable,
      entity_id: entry.entityId,
      token_type: 'service',
      orphan: entry.orphan,
      mfa_requirement: null,
      num_uses: entry.numUses,
    }
  }
}

export const newEntityId = (): string => randomUUID()

/** policyutil.SanitizePolicies: trim, lower-case, `root` swallows the rest, optional `default`, dedupe + sort. */
export function sanitizePolicies(policies: string[], addDefault: boolean): string[] {
  let list = policies.map((p) => p.trim().toLowerCase()).filter((p) => p !== '')
  if (list.includes('root')) list = ['root']
  else if (addDefault && !list.includes('default')) list.push('default')
  return [...new Set(list)].sort()
}

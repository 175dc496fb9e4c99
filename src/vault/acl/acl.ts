// The ACL Vault builds from a token's policies and how it answers "may this operation
// run on this path" (hashicorp/vault vault/acl.go NewACL, AllowOperation,
// CheckAllowedFromNonExactPaths, Capabilities; vault/logical_system.go hasMountAccess).
import {CAP, type ParsedPolicy, type PathRule} from './parse.js'

export type Operation = 'create' | 'read' | 'update' | 'delete' | 'list' | 'patch' | 'recover' | 'help'

/** What one path grants once every policy's rule for it is merged. */
type Permissions = Omit<PathRule, 'path' | 'isPrefix' | 'hasSegmentWildcards' | 'templated'>

export interface AclResult {
  allowed: boolean
  /** The path grants `sudo` (or the token is root): needed for root-protected paths. */
  rootPrivs: boolean
}

const ALL_BUT_DENY = CAP.create | CAP.read | CAP.update | CAP.delete | CAP.list | CAP.sudo | CAP.patch

export class Acl {
  private readonly exact = new Map<string, Permissions>()
  private readonly prefix = new Map<string, Permissions>()
  private readonly segment = new Map<string, Permissions>()

  private constructor(readonly root: boolean) {}

  static root(): Acl {
    return new Acl(true)
  }

  /** Templated paths (`{{identity.…}}`) are left out: emulated tokens have no identity entity. */
  static fromPolicies(policies: ParsedPolicy[]): Acl {
    const acl = new Acl(false)
    for (const policy of policies) {
      for (const rule of policy.paths) {
        if (!rule.templated) acl.insert(rule)
      }
    }
    return acl
  }

  private insert(rule: PathRule): void {
    const table = rule.hasSegmentWildcards ? this.segment : rule.isPrefix ? this.prefix : this.exact
    const existing = table.get(rule.path)
    if (existing === undefined) {
      table.set(rule.path, {
        capabilities: rule.capabilities,
        allowedParameters: rule.allowedParameters && {...rule.allowedParameters},
        deniedParameters: rule.deniedParameters && {...rule.deniedParameters},
        requiredParameters: rule.requiredParameters && [...rule.requiredParameters],
        minWrappingTtl: rule.minWrappingTtl,
        maxWrappingTtl: rule.maxWrappingTtl,
      })
      return
    }
    // An explicit deny anywhere wins and wipes parameter constraints.
    if (existing.capabilities & CAP.deny) return
    if (rule.capabilities & CAP.deny) {
      existing.capabilities = CAP.deny
      existing.allowedParameters = undefined
      existing.deniedParameters = undefined
      return
    }
    existing.capabilities |= rule.capabilities
    // The smaller of two wrapping TTL bounds wins.
    for (const key of ['minWrappingTtl', 'maxWrappingTtl'] as const) {
      if (rule[key] > 0 && (existing[key] === 0 || rule[key] < existing[key])) existing[key] = rule[key]
    }
    existing.allowedParameters = mergeParameters(existing.allowedParameters, rule.allowedParameters)
    existing.deniedParameters = mergeParameters(existing.deniedParameters, rule.deniedParameters)
    if (rule.requiredParameters?.length) {
      const merged = new Set([...(existing.requiredParameters ?? []), ...rule.requiredParameters])
      existing.requiredParameters = [...merged]
    }
  }

  private permissionsFor(path: string, op: Operation | 'capabilities'): Permissions | undefined {
    const exact = this.exact.get(path)
    if (exact !== undefined) return exact
    const listLike = op === 'list' || op === 'capabilities'
    if (listLike) {
      const trimmed = this.exact.get(path.replace(/\/$/, ''))
      if (trimmed !== undefined) return trimmed
      // List checks first try without the trailing slash: a `foo*` rule should match `foo/`.
      if (path.endsWith('/')) {
        const withoutSlash = this.fromNonExactPaths(path.slice(0, -1))
        if (withoutSlash !== undefined) return withoutSlash
      }
    }
    return this.fromNonExactPaths(path)
  }

  allowOperation(rawPath: string, op: Operation, data: Record<string, unknown> = {}): AclResult {
    if (this.root) return {allowed: true, rootPrivs: true}
    // Help is always allowed, before any rule is looked up.
    if (op === 'help') return {allowed: true, rootPrivs: false}
    const path = rawPath.replace(/^\/+/, '')
    const perms = this.permissionsFor(path, op)
    if (perms === undefined) return {allowed: false, rootPrivs: false}
    const rootPrivs = (perms.capabilities & CAP.sudo) !== 0
    if ((perms.capabilities & CAP[op]) === 0) return {allowed: false, rootPrivs}
    // Requests never carry response-wrapping info here, so any wrapping bound refuses them.
    if (perms.maxWrappingTtl > 0 || perms.minWrappingTtl > 0) return {allowed: false, rootPrivs}
    if (op === 'read' || op === 'update' || op === 'create' || op === 'patch' || op === 'recover') {
      return {allowed: parametersAllowed(perms, data), rootPrivs}
    }
    return {allowed: true, rootPrivs}
  }

  /** What `sys/capabilities-self` reports: sorted Vault order, `["deny"]` when nothing applies. */
  capabilities(rawPath: string): string[] {
    if (this.root) return ['root']
    const perms = this.permissionsFor(rawPath.replace(/^\/+/, ''), 'capabilities')
    const bits = perms?.capabilities ?? 0
    if (bits & CAP.deny) return ['deny']
    const order = ['sudo', 'read', 'list', 'update', 'delete', 'create', 'patch', 'subscribe', 'recover'] as const
    const names = order.filter((name) => bits & CAP[name])
    return names.length === 0 ? ['deny'] : names
  }

  /** Whether the token may do anything at all under a mount (the KV preflight's check). */
  hasMountAccess(mountPath: string): boolean {
    if (this.root) return true
    if (!this.capabilities(mountPath).includes('deny')) return true
    const grants = (p: Permissions): boolean => (p.capabilities & CAP.deny) === 0 && (p.capabilities & ALL_BUT_DENY) !== 0
    for (const table of [this.exact, this.prefix]) {
      for (const [key, perms] of table) {
        if (key.startsWith(mountPath) && grants(perms)) return true
      }
    }
    return this.segmentGrantsUnderMount(mountPath)
  }

  private fromNonExactPaths(path: string): Permissions | undefined {
    interface Candidate {
      firstWildcard: number
      isPrefix: boolean
      wildcards: number
      path: string
      perms: Permissions
    }
    const candidates: Candidate[] = []
    const longest = [...this.prefix.keys()].filter((k) => path.startsWith(k)).sort((a, b) => b.length - a.length)[0]
    if (longest !== undefined) {
      if (this.segment.size === 0) return this.prefix.get(longest)
      candidates.push({firstWildcard: longest.length, isPrefix: true, wildcards: 0, path: longest, perms: this.prefix.get(longest)!})
    }
    const parts = path.split('/')
    for (const [fullPath, perms] of this.segment) {
      if (fullPath === '') continue
      const isPrefix = fullPath.endsWith('*')
      const rulePath = isPrefix ? fullPath.slice(0, -1) : fullPath
      const ruleParts = rulePath.split('/')
      if (parts.length < ruleParts.length) continue
      if (!isPrefix && ruleParts.length !== parts.length) continue
      let wildcards = 0
      const matches = ruleParts.every((rulePart, i) => {
        if (rulePart === '+') {
          wildcards++
          return true
        }
        if (rulePart === parts[i]) return true
        return isPrefix && i === ruleParts.length - 1 && parts[i]!.startsWith(rulePart)
      })
      if (matches) candidates.push({firstWildcard: fullPath.indexOf('+'), isPrefix, wildcards, path: rulePath, perms})
    }
    if (candidates.length === 0) return undefined
    // Priority (highest last): later first wildcard, not a prefix, fewer `+`, longer, lexically larger.
    const lessThan = (a: Candidate, b: Candidate): number => {
      if (a.firstWildcard !== b.firstWildcard) return a.firstWildcard - b.firstWildcard
      if (a.isPrefix !== b.isPrefix) return a.isPrefix ? -1 : 1
      if (a.wildcards !== b.wildcards) return b.wildcards - a.wildcards
      if (a.path.length !== b.path.length) return a.path.length - b.path.length
      return a.path < b.path ? -1 : a.path > b.path ? 1 : 0
    }
    return candidates.sort(lessThan).at(-1)!.perms
  }

  /** CheckAllowedFromNonExactPaths with bareMount=true: any non-deny `+` rule reaching into the mount. */
  private segmentGrantsUnderMount(mountPath: string): boolean {
    const parts = mountPath.split('/')
    for (const [fullPath, perms] of this.segment) {
      if (fullPath === '') continue
      const isPrefix = fullPath.endsWith('*')
      const ruleParts = (isPrefix ? fullPath.slice(0, -1) : fullPath).split('/')
      const segments: string[] = []
      for (let i = 0; i < ruleParts.length; i++) {
        const rulePart = ruleParts[i]!
        if (rulePart === '+' || rulePart === parts[i]) segments.push(parts[i] ?? '')
        else if (isPrefix && i === ruleParts.length - 1 && (parts[i] ?? '').startsWith(rulePart)) segments.push(...parts.slice(i))
        // With a bare mount a mismatching segment does not disqualify the rule yet.
        if (i === parts.length - 2) {
          const joined = `${segments.join('/')}/`
          if (joined.startsWith(mountPath) && (perms.capabilities & CAP.deny) === 0 && perms.capabilities > 0) return true
          break
        }
      }
    }
    return false
  }
}

function mergeParameters(
  existing: Record<string, unknown[]> | undefined,
  added: Record<string, unknown[]> | undefined,
): Record<string, unknown[]> | undefined {
  if (added === undefined || Object.keys(added).length === 0) return existing
  if (existing === undefined) return {...added}
  const merged = {...existing}
  for (const [key, values] of Object.entries(added)) {
    const current = merged[key]
    // An empty list means "any value" and absorbs everything else.
    merged[key] = values.length === 0 || (current !== undefined && current.length === 0) ? [] : [...values, ...(current ?? [])]
  }
  return merged
}

function parametersAllowed(perms: Permissions, data: Record<string, unknown>): boolean {
  const lowerData = new Map(Object.entries(data).map(([k, v]) => [k.toLowerCase(), v]))
  for (const required of perms.requiredParameters ?? []) {
    if (!lowerData.has(required.toLowerCase())) return false
  }
  if (lowerData.size === 0) return true
  const denied = perms.deniedParameters ?? {}
  if (Object.keys(denied).length > 0) {
    if ('*' in denied) return false
    for (const [name, value] of lowerData) {
      const list = denied[name]
      if (list !== undefined && valueMatches(value, list, 'any')) return false
    }
  }
  const allowed = perms.allowedParameters ?? {}
  const names = Object.keys(allowed)
  if (names.length === 0) return true
  const allowAll = '*' in allowed
  if (names.length === 1 && allowAll) return true
  for (const [name, value] of lowerData) {
    const list = allowed[name]
    if (list === undefined) {
      if (!allowAll) return false
      continue
    }
    if (!valueMatches(value, list, 'all')) return false
  }
  return true
}

/** Empty list = every value. Lists and comma strings match element-wise (all for allow, any for deny). */
function valueMatches(value: unknown, list: unknown[], mode: 'all' | 'any'): boolean {
  if (list.length === 0) return true
  if (list.some((el) => parameterEquals(el, value))) return true
  const elements = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',').map((s) => s.trim()) : undefined
  if (elements === undefined) return false
  const test = (v: unknown): boolean => list.some((el) => parameterEquals(el, v))
  return mode === 'all' ? elements.every(test) : elements.some(test)
}

function parameterEquals(allowed: unknown, value: unknown): boolean {
  if (typeof allowed === 'string' && typeof value === 'string') return globbedStringsMatch(allowed, value)
  return JSON.stringify(allowed) === JSON.stringify(value)
}

/** strutil.GlobbedStringsMatch: `*` only at the start and/or end. */
export function globbedStringsMatch(item: string, val: string): boolean {
  if (item.length < 2) return val === item
  const hasPrefix = item.startsWith('*')
  const hasSuffix = item.endsWith('*')
  if (hasPrefix && hasSuffix) return val.includes(item.slice(1, -1))
  if (hasPrefix) return val.endsWith(item.slice(1))
  if (hasSuffix) return val.startsWith(item.slice(0, -1))
  return val === item
}

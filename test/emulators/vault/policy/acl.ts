// The emulator's own ACL: policy documents read as vault/policy.go parsePaths reads them, merged and evaluated as
// vault/acl.go NewACL, AllowOperation, CheckAllowedFromNonExactPaths (with the LIST trailing-slash resolution,
// resolveACLPermsForListOp) and CapabilitiesAndSubscribeEventTypes do; hasMountAccess follows
// vault/logical_system.go. Independent of vsi's src/vault/acl: test/golden/vault-acl.json checks both.
import {multierror, parseDurationSecond} from '../go-strconv.js'
import {HclSyntaxError, parseHclDocument, type Item, type Value} from './hcl.js'

/** Capability bits (vault/policy.go cap2Int). */
const BIT = {deny: 1, create: 2, read: 4, update: 8, delete: 16, list: 32, sudo: 64, patch: 128, recover: 256, subscribe: 512} as const
type CapabilityName = keyof typeof BIT
export type AclOperation = 'create' | 'read' | 'update' | 'delete' | 'list' | 'patch' | 'recover' | 'help'

/** Old `policy = "…"` values (vault/policy.go). */
const OLD_POLICY: Record<string, CapabilityName[]> = {
  deny: ['deny'],
  read: ['read', 'list'],
  write: ['create', 'read', 'update', 'delete', 'list'],
  sudo: ['create', 'read', 'update', 'delete', 'list', 'sudo'],
}
const PATH_KEYS = new Set([
  'comment',
  'policy',
  'capabilities',
  'allowed_parameters',
  'denied_parameters',
  'required_parameters',
  'min_wrapping_ttl',
  'max_wrapping_ttl',
  'mfa_methods',
  'control_group',
  'subscribe_event_types',
])

interface Grant {
  bits: number
  allowed?: Map<string, unknown[]>
  denied?: Map<string, unknown[]>
  required?: string[]
  minWrap: number
  maxWrap: number
}

export interface PolicyRule {
  /** As stored in the ACL: prefix rules without their `*`, segment-wildcard rules with it. */
  key: string
  kind: 'exact' | 'prefix' | 'segment'
  templated: boolean
  grant: Grant
}

export class PolicySyntaxError extends Error {}

/** vault/policy.go ParseACLPolicy: the rules, or PolicySyntaxError with Vault's "failed to parse policy: …" text. */
export function readPolicy(text: string): PolicyRule[] {
  let items: Item[]
  try {
    items = parseHclDocument(text)
  } catch (error) {
    if (error instanceof HclSyntaxError) throw new PolicySyntaxError(`failed to parse policy: ${error.message}`)
    throw error
  }
  const badTop = items.filter((item) => item.keys[0] !== 'name' && item.keys[0] !== 'path').map((item) => `invalid key ${JSON.stringify(item.keys[0])} on line ${item.line}`)
  if (badTop.length > 0) throw new PolicySyntaxError(`failed to parse policy: ${multierror(badTop)}`)
  const name = items.find((item) => item.keys[0] === 'name')?.value
  if (name !== undefined && name.kind !== 'literal') throw new PolicySyntaxError(`failed to parse policy: At ${name.line}:${name.column}: name must be a string`)
  return items.filter((item) => item.keys[0] === 'path').map((item) => readPathBlock(item))
}

function readPathBlock(item: Item): PolicyRule {
  const label = item.keys[1] ?? ''
  const fail = (message: string): never => {
    throw new PolicySyntaxError(`failed to parse policy: ${message}`)
  }
  if (item.value.kind !== 'object') return fail(`path ${JSON.stringify(label)}: At ${item.value.line}:${item.value.column}: not an object type for struct`)
  const fields = item.value.items
  const badKeys = fields.filter((f) => !PATH_KEYS.has(f.keys[0]!)).map((f) => `path ${JSON.stringify(label)}: invalid key ${JSON.stringify(f.keys[0])} on line ${f.line}`)
  if (badKeys.length > 0) fail(multierror(badKeys))
  const field = (name: string): Value | undefined => fields.filter((f) => f.keys[0] === name).at(-1)?.value

  let path = label.replace(/^\//, '')
  if (path.includes('+*')) fail(`path ${JSON.stringify(path)}: invalid use of wildcards ('+*' is forbidden)`)
  const segment = path === '+' || path.includes('/+') || path.startsWith('+/')
  const prefix = !segment && path.endsWith('*')
  if (prefix) path = path.slice(0, -1)

  const listOf = (value: Value | undefined): unknown[] => {
    if (value === undefined) return []
    if (value.kind !== 'list') return fail(`path ${JSON.stringify(label)}: At ${value.line}:${value.column}: unknown slice type: *ast.LiteralType`)
    return value.items.map(plain)
  }
  let names = listOf(field('capabilities')).map(String)
  const old = field('policy')
  if (old !== undefined) {
    const mapped = OLD_POLICY[String(plain(old))]
    if (mapped === undefined) fail(`path ${JSON.stringify(label)}: invalid policy ${JSON.stringify(plain(old))}`)
    names = String(plain(old)) === 'deny' ? ['deny'] : [...names, ...mapped!]
  }
  const grant: Grant = {bits: 0, minWrap: 0, maxWrap: 0}
  for (const name of names) {
    if (!(name in BIT)) fail(`path ${JSON.stringify(label)}: invalid capability ${JSON.stringify(name)}`)
    if (name === 'deny') {
      grant.bits = BIT.deny
      break
    }
    grant.bits |= BIT[name as CapabilityName]
  }
  if (grant.bits !== BIT.deny) {
    for (const [name, target] of [
      ['allowed_parameters', 'allowed'],
      ['denied_parameters', 'denied'],
    ] as const) {
      const value = field(name)
      if (value?.kind === 'object') grant[target] = new Map(value.items.map((p) => [p.keys[0]!.toLowerCase(), listOfAny(p.value)]))
    }
    const required = field('required_parameters')
    if (required !== undefined) grant.required = listOf(required).map(String)
    for (const [name, target] of [
      ['min_wrapping_ttl', 'minWrap'],
      ['max_wrapping_ttl', 'maxWrap'],
    ] as const) {
      const value = field(name)
      if (value !== undefined) grant[target] = parseDurationSecond(plain(value) as string | number)
    }
    if (grant.minWrap > 0 && grant.maxWrap > 0 && grant.maxWrap < grant.minWrap) fail('max_wrapping_ttl cannot be less than min_wrapping_ttl')
  }
  return {key: path, kind: segment ? 'segment' : prefix ? 'prefix' : 'exact', templated: /\{\{.+\}\}/.test(path), grant}
}

function plain(value: Value): unknown {
  if (value.kind === 'literal') return value.value
  if (value.kind === 'list') return value.items.map(plain)
  return Object.fromEntries(value.items.map((item) => [item.keys[0], plain(item.value)]))
}

function listOfAny(value: Value): unknown[] {
  return value.kind === 'list' ? value.items.map(plain) : [plain(value)]
}

interface Candidate {
  firstWildcard: number
  wildcards: number
  isPrefix: boolean
  path: string
  grant: Grant
}

/** wildcardPathDescriptorComparePriority: true when a ranks below b. */
function ranksBelow(a: Candidate, b: Candidate): boolean {
  if (a.firstWildcard !== b.firstWildcard) return a.firstWildcard < b.firstWildcard
  if (a.isPrefix !== b.isPrefix) return a.isPrefix
  if (a.wildcards !== b.wildcards) return a.wildcards > b.wildcards
  if (a.path.length !== b.path.length) return a.path.length < b.path.length
  return a.path < b.path
}

const best = (candidates: Candidate[]): Candidate | undefined => candidates.reduce<Candidate | undefined>((top, c) => (top === undefined || ranksBelow(top, c) ? c : top), undefined)

export interface Decision {
  allowed: boolean
  /** The matched rule grants sudo (or the token is root). */
  sudo: boolean
}

export class EmulatorAcl {
  private readonly exact = new Map<string, Grant>()
  private readonly prefixes = new Map<string, Grant>()
  private readonly segments = new Map<string, Grant>()

  constructor(
    rules: PolicyRule[],
    readonly isRoot = false,
  ) {
    for (const rule of rules) {
      // Templated paths need an identity entity, which emulated tokens never have.
      if (rule.templated) continue
      const table = rule.kind === 'segment' ? this.segments : rule.kind === 'prefix' ? this.prefixes : this.exact
      table.set(rule.key, merge(table.get(rule.key), rule.grant))
    }
  }

  private candidates(path: string): Candidate[] {
    const found: Candidate[] = []
    const longest = [...this.prefixes.keys()].filter((p) => path.startsWith(p)).sort((a, b) => b.length - a.length)[0]
    if (longest !== undefined) found.push({firstWildcard: longest.length, wildcards: 0, isPrefix: true, path: longest, grant: this.prefixes.get(longest)!})
    const parts = path.split('/')
    for (const [full, grant] of this.segments) {
      const isPrefix = full.endsWith('*')
      const rulePath = isPrefix ? full.slice(0, -1) : full
      const ruleParts = rulePath.split('/')
      if (parts.length < ruleParts.length || (!isPrefix && parts.length !== ruleParts.length)) continue
      let wildcards = 0
      const matched = ruleParts.every((part, i) => {
        if (part === '+') return ++wildcards > 0
        return part === parts[i] || (isPrefix && i === ruleParts.length - 1 && parts[i]!.startsWith(part))
      })
      if (matched) found.push({firstWildcard: full.indexOf('+'), wildcards, isPrefix, path: rulePath, grant})
    }
    return found
  }

  private grantFor(path: string, op: AclOperation): Grant | undefined {
    const exact = this.exact.get(path) ?? (op === 'list' ? this.exact.get(path.replace(/\/$/, '')) : undefined)
    if (exact !== undefined) return exact
    if (op === 'list' && path.endsWith('/')) {
      const all = [...this.candidates(path.slice(0, -1)), ...this.candidates(path)]
      if (all.length === 0) return undefined
      const deny = best(all.filter((c) => c.grant.bits & BIT.deny))
      const list = best(all.filter((c) => c.grant.bits & BIT.list))
      if (deny !== undefined && (list === undefined || ranksBelow(list, deny))) return deny.grant
      return (list ?? best(all))!.grant
    }
    return best(this.candidates(path))?.grant
  }

  decide(rawPath: string, op: AclOperation, data: Record<string, unknown> = {}): Decision {
    if (this.isRoot) return {allowed: true, sudo: true}
    if (op === 'help') return {allowed: true, sudo: false}
    const grant = this.grantFor(rawPath.replace(/^\/+/, ''), op)
    if (grant === undefined) return {allowed: false, sudo: false}
    const sudo = (grant.bits & BIT.sudo) !== 0
    if ((grant.bits & BIT[op]) === 0) return {allowed: false, sudo}
    // Emulated requests are never response-wrapped, so a wrapping bound refuses them.
    if (grant.maxWrap > 0 || grant.minWrap > 0) return {allowed: false, sudo}
    if (op === 'read' || op === 'update' || op === 'create' || op === 'patch' || op === 'recover') return {allowed: parametersPass(grant, data), sudo}
    return {allowed: true, sudo}
  }

  /** sys/capabilities-self: Vault's order, ["deny"] when nothing applies. */
  capabilities(rawPath: string): string[] {
    if (this.isRoot) return ['root']
    const bits = this.grantFor(rawPath.replace(/^\/+/, ''), 'list')?.bits ?? 0
    if (bits & BIT.deny) return ['deny']
    const names = (['sudo', 'read', 'list', 'update', 'delete', 'create', 'patch', 'subscribe', 'recover'] as const).filter((n) => bits & BIT[n])
    return names.length > 0 ? names : ['deny']
  }

  /** vault/logical_system.go hasMountAccess: any non-deny grant at or under the mount. */
  hasMountAccess(mount: string): boolean {
    if (this.isRoot || !this.capabilities(mount).includes('deny')) return true
    const grants = (g: Grant) => (g.bits & BIT.deny) === 0 && (g.bits & ~BIT.deny) !== 0
    for (const table of [this.exact, this.prefixes]) {
      for (const [key, grant] of [...table].sort(([a], [b]) => (a < b ? -1 : 1))) if (key.startsWith(mount) && grants(grant)) return true
    }
    const parts = mount.split('/')
    for (const [full, grant] of this.segments) {
      const isPrefix = full.endsWith('*')
      const ruleParts = (isPrefix ? full.slice(0, -1) : full).split('/')
      const taken: string[] = []
      for (let i = 0; i < ruleParts.length; i++) {
        const part = ruleParts[i]!
        const here = parts[i] ?? ''
        if (part === '+' || part === here) taken.push(here)
        else if (isPrefix && i === ruleParts.length - 1 && here.startsWith(part)) taken.push(...parts.slice(i))
        else break
        if (i === parts.length - 2) {
          if (`${taken.join('/')}/`.startsWith(mount) && grants(grant)) return true
          break
        }
      }
    }
    return false
  }
}

/** NewACL's merge of two rules for one path. */
function merge(existing: Grant | undefined, added: Grant): Grant {
  if (existing === undefined) return {...added, allowed: added.allowed && new Map(added.allowed), denied: added.denied && new Map(added.denied), required: added.required && [...added.required]}
  if (existing.bits & BIT.deny) return existing
  if (added.bits & BIT.deny) return {bits: BIT.deny, minWrap: 0, maxWrap: 0}
  const smaller = (a: number, b: number) => (a === 0 ? b : b === 0 ? a : Math.min(a, b))
  return {
    bits: existing.bits | added.bits,
    minWrap: smaller(existing.minWrap, added.minWrap),
    maxWrap: smaller(existing.maxWrap, added.maxWrap),
    allowed: mergeParameterLists(existing.allowed, added.allowed),
    denied: mergeParameterLists(existing.denied, added.denied),
    required: existing.required || added.required ? [...new Set([...(existing.required ?? []), ...(added.required ?? [])])] : undefined,
  }
}

function mergeParameterLists(a: Map<string, unknown[]> | undefined, b: Map<string, unknown[]> | undefined): Map<string, unknown[]> | undefined {
  if (b === undefined || b.size === 0) return a
  if (a === undefined) return new Map(b)
  const out = new Map(a)
  for (const [key, values] of b) {
    const current = out.get(key)
    // An empty list allows (or denies) every value and absorbs the other list.
    out.set(key, values.length === 0 || current?.length === 0 ? [] : [...values, ...(current ?? [])])
  }
  return out
}

function parametersPass(grant: Grant, data: Record<string, unknown>): boolean {
  const entries = Object.entries(data)
  const lowerKeys = new Set(entries.map(([k]) => k.toLowerCase()))
  if ((grant.required ?? []).some((name) => !lowerKeys.has(name.toLowerCase()))) return false
  if (entries.length === 0) return true
  if (grant.denied && grant.denied.size > 0) {
    if (grant.denied.has('*')) return false
    for (const [name, value] of entries) {
      const list = grant.denied.get(name.toLowerCase())
      if (list !== undefined && inList(value, list, 'any')) return false
    }
  }
  if (grant.allowed === undefined || grant.allowed.size === 0) return true
  const star = grant.allowed.has('*')
  if (star && grant.allowed.size === 1) return true
  return entries.every(([name, value]) => {
    const list = grant.allowed!.get(name.toLowerCase())
    return list === undefined ? star : inList(value, list, 'all')
  })
}

/** valueInAllowedParameterList / valueInDeniedParameterList: slices and comma strings match element-wise. */
function inList(value: unknown, list: unknown[], mode: 'all' | 'any'): boolean {
  if (list.length === 0) return true
  const matches = (v: unknown) => list.some((item) => sameParameter(item, v))
  if (matches(value)) return true
  const elements = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',').map((s) => s.trim()) : undefined
  if (elements === undefined) return false
  return mode === 'all' ? elements.every(matches) : elements.some(matches)
}

/** reflect.DeepEqual, or strutil.GlobbedStringsMatch for strings (`*` at either end). */
function sameParameter(item: unknown, value: unknown): boolean {
  if (typeof item === 'string' && typeof value === 'string') {
    if (item.length < 2) return item === value
    const head = item.startsWith('*')
    const tail = item.endsWith('*')
    if (head && tail) return value.includes(item.slice(1, -1))
    if (head) return value.endsWith(item.slice(1))
    if (tail) return value.startsWith(item.slice(0, -1))
    return item === value
  }
  return JSON.stringify(item) === JSON.stringify(value)
}

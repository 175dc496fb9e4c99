// Vault's reading of an ACL policy document (hashicorp/vault vault/policy.go
// parseACLPolicyWithTemplating / parsePaths): which keys are allowed, how paths become exact,
// prefix (`*`) or segment-wildcard (`+`) rules, and how capabilities map to a bitmap.
import {DurationError, parseDurationSecond} from '../../duration.js'
import {multierror} from '../go-errors.js'
import {HclError, parseHcl, type HclItem, type HclValue} from './hcl.js'

export const CAP = {
  deny: 1 << 0,
  create: 1 << 1,
  read: 1 << 2,
  update: 1 << 3,
  delete: 1 << 4,
  list: 1 << 5,
  sudo: 1 << 6,
  patch: 1 << 7,
  recover: 1 << 8,
  subscribe: 1 << 9,
} as const

export type Capability = keyof typeof CAP

export interface PathRule {
  /** Path without a trailing `*` for prefix rules; segment-wildcard rules keep their `*`. */
  path: string
  isPrefix: boolean
  hasSegmentWildcards: boolean
  capabilities: number
  allowedParameters?: Record<string, unknown[]>
  deniedParameters?: Record<string, unknown[]>
  requiredParameters?: string[]
  minWrappingTtl: number
  maxWrappingTtl: number
  /** Paths with `{{identity…}}` templates only apply to tokens with an entity. */
  templated: boolean
}

export interface ParsedPolicy {
  paths: PathRule[]
}

export class PolicyParseError extends Error {}

const OLD_POLICIES: Record<string, Capability[]> = {
  deny: ['deny'],
  read: ['read', 'list'],
  write: ['create', 'read', 'update', 'delete', 'list'],
  sudo: ['create', 'read', 'update', 'delete', 'list', 'sudo'],
}

const PATH_KEYS = [
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
]

export function parsePolicy(raw: string): ParsedPolicy {
  const fail = (msg: string): never => {
    throw new PolicyParseError(`failed to parse policy: ${msg}`)
  }
  let items: HclItem[]
  try {
    items = parseHcl(raw)
  } catch (error) {
    if (error instanceof HclError) return fail(error.message)
    throw error
  }
  const invalidTop = checkKeys(items, ['name', 'path'])
  if (invalidTop.length > 0) fail(multierror(invalidTop))
  const name = items.find((item) => item.keys[0]!.value === 'name')
  if (name !== undefined && name.value.kind !== 'literal') fail(`At ${name.value.pos.line}:${name.value.pos.column}: name must be a string`)
  const paths: PathRule[] = []
  for (const item of items) {
    if (item.keys[0]!.value.toLowerCase() !== 'path') continue
    const rule = parsePath(item)
    if (typeof rule === 'string') return fail(rule)
    paths.push(rule)
  }
  return {paths}
}

function checkKeys(items: HclItem[], valid: string[]): string[] {
  return items
    .filter((item) => !valid.includes(item.keys[0]!.value))
    .map((item) => `invalid key ${JSON.stringify(item.keys[0]!.value)} on line ${item.assign.line}`)
}

/** Returns the rule, or the error text that follows "failed to parse policy: ". */
function parsePath(item: HclItem): PathRule | string {
  const key = item.keys[1]?.value ?? 'path'
  const prefix = `path ${JSON.stringify(key)}:`
  if (item.value.kind !== 'object') return `${prefix} At ${item.value.pos.line}:${item.value.pos.column}: not an object type for struct`
  const fields = item.value.list
  const invalid = checkKeys(fields, PATH_KEYS)
  if (invalid.length > 0) return multierror(invalid.map((m) => `${prefix} ${m}`))
  const field = (name: string): HclValue | undefined => fields.filter((f) => f.keys[0]!.value === name).at(-1)?.value

  let path = key.startsWith('/') ? key.slice(1) : key
  if (path.includes('+*')) return `path ${JSON.stringify(path)}: invalid use of wildcards ('+*' is forbidden)`
  const hasSegmentWildcards = path === '+' || path.includes('/+') || path.startsWith('+/')
  let isPrefix = false
  if (path.endsWith('*') && !hasSegmentWildcards) {
    path = path.slice(0, -1)
    isPrefix = true
  }

  let capabilityNames: string[]
  try {
    capabilityNames = stringList(field('capabilities'))
  } catch (error) {
    return `${prefix} ${(error as Error).message}`
  }
  const oldPolicy = field('policy')
  if (oldPolicy !== undefined) {
    const name = String(literalValue(oldPolicy))
    const mapped = OLD_POLICIES[name]
    if (mapped === undefined) return `path ${JSON.stringify(key)}: invalid policy ${JSON.stringify(name)}`
    capabilityNames = name === 'deny' ? mapped : [...capabilityNames, ...mapped]
  }
  const rule: PathRule = {path, isPrefix, hasSegmentWildcards, capabilities: 0, minWrappingTtl: 0, maxWrappingTtl: 0, templated: /\{\{.*\}\}/.test(path)}
  for (const cap of capabilityNames) {
    if (cap === 'deny') {
      rule.capabilities = CAP.deny
      return rule
    }
    if (!(cap in CAP)) return `path ${JSON.stringify(key)}: invalid capability ${JSON.stringify(cap)}`
    rule.capabilities |= CAP[cap as Capability]
  }
  for (const [name, target] of [
    ['allowed_parameters', 'allowedParameters'],
    ['denied_parameters', 'deniedParameters'],
  ] as const) {
    const value = field(name)
    if (value?.kind !== 'object') continue
    rule[target] = Object.fromEntries(value.list.map((p) => [p.keys[0]!.value.toLowerCase(), toPlainList(p.value)]))
  }
  const required = field('required_parameters')
  if (required !== undefined) rule.requiredParameters = stringList(required)
  for (const [name, target] of [
    ['min_wrapping_ttl', 'minWrappingTtl'],
    ['max_wrapping_ttl', 'maxWrappingTtl'],
  ] as const) {
    const value = field(name)
    if (value === undefined) continue
    try {
      rule[target] = parseDurationSecond(literalValue(value))
    } catch (error) {
      if (error instanceof DurationError) return `error parsing ${name}: ${error.message}`
      throw error
    }
  }
  if (rule.minWrappingTtl > 0 && rule.maxWrappingTtl > 0 && rule.maxWrappingTtl < rule.minWrappingTtl) {
    return `max_wrapping_ttl cannot be less than min_wrapping_ttl`
  }
  return rule
}

function literalValue(value: HclValue): unknown {
  return value.kind === 'literal' ? value.value : undefined
}

/** hcl's decodeSlice: only a list (or object list) decodes into []string. */
function stringList(value: HclValue | undefined): string[] {
  if (value === undefined) return []
  if (value.kind !== 'list') throw new Error(`At ${value.pos.line}:${value.pos.column}: unknown slice type: *ast.LiteralType`)
  return value.items.map((v) => String(literalValue(v)))
}

function toPlainList(value: HclValue): unknown[] {
  if (value.kind === 'list') return value.items.map((v) => (v.kind === 'literal' ? v.value : toPlainList(v)))
  return value.kind === 'literal' ? [value.value] : []
}

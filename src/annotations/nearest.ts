/** "Did you mean …?" for annotation keys the injector would ignore. */
import {ANNOTATION_PREFIX, POD_ANNOTATION_BASES, SECRET_ANNOTATION_BASES, lookupAnnotation} from './catalog.js'

const PREFIX_DOMAIN = ANNOTATION_PREFIX.slice(0, -1)

/** How far `vault.hashicorp.co`-style slips may be from the real domain (`.com.au` is someone else's). */
export const MAX_DOMAIN_DISTANCE = 2

/** Well-known slips that edit distance ranks badly: a missing or extra word at the start. */
const REWRITES: ReadonlyArray<readonly [string, string]> = [
  ['template-config-', 'template-'],
  ['template-', 'template-config-'],
  ['vault-agent-', 'agent-'],
  ['vault-', ''],
  ['', 'agent-'],
  ['agent-', ''],
]

/**
 * The known key closest to `key` (a misspelling, wrong case, a slip in the prefix), or undefined when nothing is
 * close or `key` is itself known. `secretNames` (raw NAMEs used elsewhere on the pod) help with per-secret keys whose NAME is misspelt.
 */
export function nearestAnnotation(key: string, secretNames: readonly string[] = []): string | undefined {
  const slash = key.lastIndexOf('/')
  if (slash < 0) return lookupAnnotation(`${ANNOTATION_PREFIX}${key}`) ? `${ANNOTATION_PREFIX}${key}` : undefined
  const domain = key.slice(0, slash)
  if (domain !== PREFIX_DOMAIN && distance(domain.toLowerCase(), PREFIX_DOMAIN) > MAX_DOMAIN_DISTANCE) return undefined
  const name = key.slice(slash + 1)
  const known = (suffix: string): boolean => lookupAnnotation(`${ANNOTATION_PREFIX}${suffix}`) !== undefined
  if (name !== '' && known(name)) return domain === PREFIX_DOMAIN ? undefined : `${ANNOTATION_PREFIX}${name}`

  for (const [from, to] of REWRITES) {
    if (!name.startsWith(from)) continue
    const rewritten = `${to}${name.slice(from.length)}`
    if (known(rewritten)) return `${ANNOTATION_PREFIX}${rewritten}`
  }

  let best: {suffix: string; cost: number} | undefined
  for (const candidate of candidates(name, secretNames)) {
    const cost = caseAwareDistance(name, candidate)
    if (cost > 0 && (!best || cost < best.cost)) best = {suffix: candidate, cost}
  }
  if (!best || best.cost > allowedDistance(name)) return undefined
  return `${ANNOTATION_PREFIX}${best.suffix}`
}

function* candidates(name: string, secretNames: readonly string[]): Generator<string> {
  yield* POD_ANNOTATION_BASES
  // Any tail after a separator may be the NAME of a per-secret key (or the param of a prefix key).
  const tails = new Set(secretNames)
  for (let index = 0; index < name.length; index++) {
    if ('-_.'.includes(name[index]!) && index + 1 < name.length) tails.add(name.slice(index + 1))
  }
  for (const tail of tails) {
    for (const base of [...SECRET_ANNOTATION_BASES, 'auth-config', 'agent-telemetry']) yield `${base}-${tail}`
  }
}

function allowedDistance(name: string): number {
  if (name.length < 8) return 1
  return name.length < 16 ? 2 : 3
}

/** Edit distance where a change of case alone costs half: `agent-inject-TEMPLATE-x` is close to the real key. */
function caseAwareDistance(a: string, b: string): number {
  const folded = distance(a.toLowerCase(), b.toLowerCase())
  return folded === 0 ? (a === b ? 0 : 0.5) : folded
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions. */
export function distance(a: string, b: string): number {
  const rows = Array.from({length: a.length + 1}, (_, i) => Array.from({length: b.length + 1}, (_, j) => (i === 0 ? j : j === 0 ? i : 0)))
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const substitution = a[i - 1] === b[j - 1] ? 0 : 1
      let cost = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + substitution)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) cost = Math.min(cost, rows[i - 2]![j - 2]! + 1)
      rows[i]![j] = cost
    }
  }
  return rows[a.length]![b.length]!
}

import type {ParsedTemplate} from '../go-template/index.js'
import {fieldReferences} from '../go-template/index.js'

/** A key the template reads that the secret does not have: Vault Agent renders `<no value>` there, or fails with error-on-missing-key. */
export interface MissingKey {
  /** The secret path of the `secret` call the reference reads from. */
  secretPath: string
  /** How the template reaches it from the secret, e.g. `.Data.data.usernme`. */
  reference: string
  key: string
  /** The keys that exist where the template looked. */
  available: string[]
  line: number
  col: number
  /** A likely fix: the KV v2 `.Data.data` level, or the nearest existing key. */
  hint?: string
}

const isMap = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value)

/** Levenshtein distance, for "did you mean" on short key names. */
function distance(a: string, b: string): number {
  let previous = Array.from({length: b.length + 1}, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    previous = current
  }
  return previous[b.length]
}

function nearest(key: string, candidates: string[]): string | undefined {
  const scored = candidates.map((candidate) => ({candidate, score: distance(key.toLowerCase(), candidate.toLowerCase())}))
  const best = scored.sort((a, b) => a.score - b.score)[0]
  return best && best.score <= Math.max(2, Math.floor(key.length / 3)) ? best.candidate : undefined
}

function hintFor(chain: string[], at: number, data: Record<string, unknown>, kvVersion: 1 | 2 | undefined): string | undefined {
  const key = chain[at]
  const inner = isMap(data.data) ? data.data : undefined
  // .Data.username on KV v2: the values are one level down.
  if (kvVersion === 2 && at === 1 && inner && key in inner) return `on KV v2 the values are under .Data.data: write .Data.data.${key}`
  // .Data.data.username on KV v1: there is no data level.
  if (kvVersion === 1 && at === 1 && key === 'data' && chain[2] !== undefined && chain[2] in data) return `this is a KV v1 secret (no data level): write .Data.${chain[2]}`
  return undefined
}

/**
 * Field references whose keys the secret lacks, found without rendering (so every one is reported, not only the
 * first). `responses` maps each `secret` path to Vault's response body.
 */
export function findMissingKeys(template: ParsedTemplate, responses: Map<string, {response: Record<string, unknown>; kvVersion?: 1 | 2}>): MissingKey[] {
  const missing: MissingKey[] = []
  for (const ref of fieldReferences(template)) {
    const read = ref.inSecretWith === undefined ? undefined : responses.get(ref.inSecretWith)
    const chain = ref.secretChain
    // Only `.Data…` walks into the secret's data; other fields belong to consul-template's Secret struct.
    if (!read || !chain || chain[0] !== 'Data' || !isMap(read.response.data)) continue
    const data = read.response.data
    let current: unknown = data
    for (let at = 1; at < chain.length; at++) {
      if (!isMap(current)) break
      const key = chain[at]
      if (!(key in current)) {
        const available = Object.keys(current).sort()
        const near = nearest(key, available)
        const hint = hintFor(chain, at, data, read.kvVersion) ?? (near ? `did you mean ${near}?` : undefined)
        missing.push({secretPath: ref.inSecretWith!, reference: `.${chain.slice(0, at + 1).join('.')}`, key, available, line: ref.line, col: ref.col, ...(hint ? {hint} : {})})
        break
      }
      current = current[key]
    }
  }
  return missing
}

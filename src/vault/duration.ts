import {usageError} from '../errors.js'

const UNIT_SECONDS: Record<string, number> = {ns: 1e-9, us: 1e-6, 'µs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600, d: 86_400}

/**
 * Seconds for a TTL as Vault's parseutil.ParseDurationSecond reads it: an integer number of seconds, or a Go
 * duration such as "24h", "1h30m", "90s" (Vault also takes a "d" unit). Undefined when it is neither.
 */
export function parseTtlSeconds(text: string): number | undefined {
  const value = text.trim()
  if (/^\d+$/.test(value)) return Number(value)
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h|d))+$/.test(value)) return undefined
  let seconds = 0
  for (const match of value.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d)/g)) seconds += Number(match[1]) * UNIT_SECONDS[match[2]]
  return Math.floor(seconds)
}

/** A --ttl flag's value in seconds; a usage error (exit 2) when it is not a duration. */
export function ttlFlagSeconds(text: string): number {
  const seconds = parseTtlSeconds(text)
  if (seconds === undefined) throw usageError(`--ttl ${JSON.stringify(text)} is not a duration`, 'Use seconds or a Go duration such as 24h, 90m or 3600s.')
  return seconds
}

/** "86400" → "24h", "5400" → "1h30m": how a TTL read back from Vault is shown. */
export function formatSeconds(total: number): string {
  if (total === 0) return '0s'
  const parts: string[] = []
  let rest = total
  for (const [unit, size] of [['h', 3600], ['m', 60], ['s', 1]] as const) {
    const count = Math.floor(rest / size)
    if (count > 0) parts.push(`${count}${unit}`)
    rest -= count * size
  }
  return parts.join('')
}

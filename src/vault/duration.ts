import {usageError} from '../errors.js'
import {DurationError, parseDurationSecond} from './go-duration.js'

/**
 * Seconds for a TTL as Vault reads it (parseutil.ParseDurationSecond: integer seconds, a Go duration such as "24h"
 * or "1h30m", or whole days "2d"). Undefined when Vault would reject it, or for an empty or negative TTL.
 */
export function parseTtlSeconds(text: string): number | undefined {
  const value = text.trim()
  if (value === '') return undefined
  try {
    const seconds = parseDurationSecond(value)
    return seconds >= 0 ? seconds : undefined
  } catch (error) {
    if (error instanceof DurationError) return undefined
    throw error
  }
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

// The one duration parser and formatter. Go's rules as Vault, the injector and kubectl apply them
// (time.ParseDuration, go-secure-stdlib parseutil.ParseDurationSecond, time.Duration.String), so TTL errors and
// "0s"-style values match the real servers.

import {usageError} from './errors.js'
import {goQuote} from './go-template/quote.js'

const UNIT_NS: Record<string, number> = {ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9}

export class DurationError extends Error {}

/** Returns whole seconds. Accepts numbers, integer strings (seconds), "Nd" days and Go durations. */
export function parseDurationSecond(input: unknown): number {
  if (input === undefined || input === null || input === '') return 0
  if (typeof input === 'boolean') throw new DurationError('cannot parse duration from boolean value')
  if (typeof input === 'number') return Math.trunc(input)
  if (typeof input !== 'string') throw new DurationError('could not parse duration from input')
  if (/^[-+]?\d+$/.test(input)) return Number(input)
  if (input.endsWith('d')) {
    const days = input.slice(0, -1)
    if (!/^[-+]?\d+$/.test(days)) throw new DurationError(`strconv.ParseInt: parsing ${goQuote(days)}: invalid syntax`)
    return Number(days) * 86400
  }
  return Math.trunc(parseGoDuration(input) / 1e9)
}

/** Go's time.ParseDuration; returns nanoseconds. */
export function parseGoDuration(text: string): number {
  // Quoted only for an error: goQuote's first call compiles a Unicode-class regexp, which every `vsi patch` paid for
  // its --timeout default.
  const quoted = (): string => goQuote(text)
  let rest = text
  let sign = 1
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1
    rest = rest.slice(1)
  }
  if (rest === '0') return 0
  if (rest === '') throw new DurationError(`time: invalid duration ${quoted()}`)
  let total = 0
  while (rest !== '') {
    const number = /^(\d*)(\.\d*)?/.exec(rest)!
    if (number[0] === '' || number[0] === '.') throw new DurationError(`time: invalid duration ${quoted()}`)
    rest = rest.slice(number[0].length)
    const unit = /^[^\d.]*/.exec(rest)![0]
    if (unit === '') throw new DurationError(`time: missing unit in duration ${quoted()}`)
    const scale = UNIT_NS[unit]
    if (scale === undefined) throw new DurationError(`time: unknown unit ${goQuote(unit)} in duration ${quoted()}`)
    total += Number(number[0]) * scale
    rest = rest.slice(unit.length)
  }
  return sign * Math.round(total)
}

/** Hours, minutes and seconds of a whole number of seconds (its absolute value). */
function clock(seconds: number): {h: number; m: number; s: number} {
  const total = Math.abs(seconds)
  return {h: Math.floor(total / 3600), m: Math.floor((total % 3600) / 60), s: total % 60}
}

/** "86400" → "24h", "5400" → "1h30m": Go's form without its zero units, as vsi shows a TTL read back from Vault. */
export function formatSeconds(total: number): string {
  if (total === 0) return '0s'
  const {h, m, s} = clock(total)
  return [h && `${h}h`, m && `${m}m`, s && `${s}s`].filter(Boolean).join('')
}

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

/** Milliseconds for a kubectl-style --timeout: a Go duration (`5m`, `1m30s`, `500ms`) or plain seconds. */
export function parseTimeout(text: string, flag = 'timeout'): number {
  const value = text.trim()
  let ms: number | undefined
  if (/^\d+(\.\d+)?$/.test(value)) ms = Number(value) * 1000
  else if (/^[\d.]/.test(value)) {
    try {
      ms = parseGoDuration(value) / 1e6
    } catch (error) {
      if (!(error instanceof DurationError)) throw error
    }
  }
  if (ms === undefined || ms <= 0) throw usageError(`--${flag} ${JSON.stringify(text)}: expected a duration such as 90s, 5m or 1m30s`)
  return Math.round(ms)
}

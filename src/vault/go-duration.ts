// Go duration parsing and printing as Vault does it (go-secure-stdlib parseutil.ParseDurationSecond
// and time.Duration.String), so TTL errors and "0s"-style values match the real server.

import {goQuote} from '../go-template/quote.js'

export {goQuote}

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
  const quoted = goQuote(text)
  let rest = text
  let sign = 1
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1
    rest = rest.slice(1)
  }
  if (rest === '0') return 0
  if (rest === '') throw new DurationError(`time: invalid duration ${quoted}`)
  let total = 0
  while (rest !== '') {
    const number = /^(\d*)(\.\d*)?/.exec(rest)!
    if (number[0] === '' || number[0] === '.') throw new DurationError(`time: invalid duration ${quoted}`)
    rest = rest.slice(number[0].length)
    const unit = /^[^\d.]*/.exec(rest)![0]
    if (unit === '') throw new DurationError(`time: missing unit in duration ${quoted}`)
    const scale = UNIT_NS[unit]
    if (scale === undefined) throw new DurationError(`time: unknown unit ${goQuote(unit)} in duration ${quoted}`)
    total += Number(number[0]) * scale
    rest = rest.slice(unit.length)
  }
  return sign * Math.round(total)
}

/** Go's time.Duration.String() for a whole number of seconds. */
export function formatGoDuration(seconds: number): string {
  if (seconds === 0) return '0s'
  const sign = seconds < 0 ? '-' : ''
  let rest = Math.abs(seconds)
  const h = Math.floor(rest / 3600)
  rest -= h * 3600
  const m = Math.floor(rest / 60)
  const s = rest - m * 60
  if (h > 0) return `${sign}${h}h${m}m${s}s`
  if (m > 0) return `${sign}${m}m${s}s`
  return `${sign}${s}s`
}


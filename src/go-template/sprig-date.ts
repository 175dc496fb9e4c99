/**
 * sprig v3.3.0's date functions that consul-template keeps (Masterminds/sprig date.go: toDate, mustToDate,
 * unixEpoch, mustDateModify, ago, duration, durationRound; HermeticTxtFuncMap drops date, dateInZone, dateModify,
 * now, htmlDate and htmlDateInZone), over Go's time package: time.Time values that print with Time.String, Go
 * layouts (time/format.go nextStdChunk, Format, Parse) and durations (time.Duration.String, time.ParseDuration).
 * The agent's time.Local is UTC (the Vault image sets no TZ), so a parsed time without a zone is UTC.
 */
import type {CallContext, GoFunc, ParamType} from './functions.js'
import type {Instant} from './gotime.js'
import {durationString, fields, floorDiv, format, MAX_INT64, NANOS, parseDuration, parseTime, timeString, ZERO_SECONDS, zeroTime} from './gotime.js'
import {GoInt, GoObject, int64} from './values.js'

const instants = new WeakMap<GoObject, Instant>()

/** A time.Time as the template sees it: prints as Time.String, with the methods templates call most. */
export function goTime(t: Instant): GoObject {
  const method = (params: ParamType[], call: (args: unknown[]) => unknown): GoFunc => ({params, call})
  const f = () => fields(t)
  const object = new GoObject(
    'time.Time',
    {
      Format: method(['string'], ([layout]) => format(t, layout as string)),
      String: method([], () => timeString(t)),
      Unix: method([], () => new GoInt(t.seconds)),
      UnixNano: method([], () => int64(t.seconds * NANOS + BigInt(t.nanos))),
      Year: method([], () => BigInt(f().year)),
      Day: method([], () => BigInt(f().day)),
      Hour: method([], () => BigInt(f().hour)),
      Minute: method([], () => BigInt(f().minute)),
      Second: method([], () => BigInt(f().second)),
      Nanosecond: method([], () => BigInt(t.nanos)),
      YearDay: method([], () => BigInt(f().yearDay)),
      UTC: method([], () => goTime({...t, zone: 'UTC', offset: 0})),
      IsZero: method([], () => t.seconds === ZERO_SECONDS && t.nanos === 0),
    },
    () => timeString(t),
    () => format(t, '2006-01-02T15:04:05.999999999Z07:00'),
  )
  instants.set(object, t)
  return object
}

export const instantOf = (value: unknown): Instant | undefined => (value instanceof GoObject ? instants.get(value) : undefined)

/** Duration.Round(time.Second). */
function roundToSecond(d: bigint): bigint {
  let r = d % NANOS
  if (d < 0n) {
    r = -r
    return r + r < NANOS ? d + r : d - NANOS + r
  }
  return r + r < NANOS ? d - r : d + NANOS - r
}

const since = (t: Instant, context: CallContext): bigint => {
  const now = BigInt(context.now().getTime()) * 1_000_000n
  return BigInt.asIntN(64, now - (t.seconds * NANOS + BigInt(t.nanos)))
}

/** The time.Time, *time.Time, int64 or int that ago and durationRound take; other types are sprig's default. */
function timeArgument(value: unknown, withInt: boolean): Instant | undefined {
  const instant = instantOf(value)
  if (instant) return instant
  if (value instanceof GoInt && value.type === 'int64') return {seconds: value.value, nanos: 0, zone: 'UTC', offset: 0}
  if (withInt && typeof value === 'bigint') return {seconds: value, nanos: 0, zone: 'UTC', offset: 0}
  return undefined
}

function durationRound(value: unknown, context: CallContext): string {
  let d = 0n
  if (typeof value === 'string') {
    try {
      d = parseDuration(value)
    } catch {
      d = 0n
    }
  } else if (value instanceof GoInt && value.type === 'int64') d = value.value
  else if (instantOf(value)) d = since(instantOf(value)!, context)
  const u = d < 0n ? -d : d
  const hour = 3600n * NANOS
  const steps: Array<[bigint, string]> = [[hour * 24n * 365n, 'y'], [hour * 24n * 30n, 'mo'], [hour * 24n, 'd'], [hour, 'h'], [60n * NANOS, 'm'], [NANOS, 's']]
  for (const [size, unit] of steps) if (u > size) return `${u / size}${unit}`
  return '0s'
}

function durationOfSeconds(value: unknown): string {
  let n = 0n
  if (typeof value === 'string') {
    n = /^[+-]?[0-9]+$/.test(value) && BigInt(value) <= MAX_INT64 && BigInt(value) >= -MAX_INT64 - 1n ? BigInt(value) : 0n
  } else if (value instanceof GoInt && value.type === 'int64') n = value.value
  return durationString(BigInt.asIntN(64, n * NANOS))
}

/** A time.Time decoded from RFC 3339 text, as time.Time's UnmarshalJSON does (the zero time when it does not parse). */
export function rfc3339Time(text: string): GoObject {
  try {
    return goTime(parseTime('2006-01-02T15:04:05Z07:00', text))
  } catch {
    return goTime(zeroTime())
  }
}

const fn = (params: ParamType[], call: (args: unknown[], context: CallContext) => unknown): GoFunc => ({params, call})
const instant = (value: unknown): Instant => instantOf(value)!

export const DATE_SPRIG: Record<string, GoFunc> = {
  toDate: fn(['string', 'string'], ([layout, text]) => {
    try {
      return goTime(parseTime(layout as string, text as string))
    } catch {
      return goTime(zeroTime())
    }
  }),
  mustToDate: fn(['string', 'string'], ([layout, text]) => goTime(parseTime(layout as string, text as string))),
  unixEpoch: fn(['time'], ([t]) => instant(t).seconds.toString()),
  mustDateModify: fn(['string', 'time'], ([change, t]) => {
    const d = parseDuration(change as string)
    const total = instant(t).seconds * NANOS + BigInt(instant(t).nanos) + d
    const seconds = floorDiv(total, NANOS)
    return goTime({...instant(t), seconds, nanos: Number(total - seconds * NANOS)})
  }),
  ago: fn(['any'], ([value], context) => {
    const t = timeArgument(value, true)
    return durationString(t ? roundToSecond(since(t, context)) : 0n)
  }),
  duration: fn(['any'], ([value]) => durationOfSeconds(value)),
  durationRound: fn(['any'], ([value], context) => durationRound(value, context)),
}
DATE_SPRIG.must_date_modify = DATE_SPRIG.mustDateModify


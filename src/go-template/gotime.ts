/**
 * Go's time package as templates meet it (time/format.go nextStdChunk, Time.Format, Time.String, ParseInLocation and
 * its errors; time.Duration.String, time.ParseDuration), on instants of any year, with their zone's name and offset.
 */
export const NANOS = 1_000_000_000n

/** A time.Time: seconds since the epoch, nanoseconds, and its zone (name "" prints the numeric offset). */
export interface Instant {
  seconds: bigint
  nanos: number
  zone: string
  offset: number
}

/** time's own quote (format.go): `"` and `\\` escaped, every byte of a non-ASCII or control rune as \xNN. */
function quote(text: string): string {
  let out = '"'
  for (const char of text) {
    const code = char.codePointAt(0)!
    if (code >= 0x80 || code < 0x20) out += [...Buffer.from(char, 'utf8')].map((byte) => `\\x${byte.toString(16).padStart(2, '0')}`).join('')
    else out += char === '"' || char === '\\' ? `\\${char}` : char
  }
  return `${out}"`
}

// Days from 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil), exact for any year.
export function daysFromCivil(year: bigint, month: number, day: number): bigint {
  const y = month <= 2 ? year - 1n : year
  const era = (y >= 0n ? y : y - 399n) / 400n
  const yoe = y - era * 400n
  const mp = BigInt((month + 9) % 12)
  const doy = (153n * mp + 2n) / 5n + BigInt(day) - 1n
  const doe = yoe * 365n + yoe / 4n - yoe / 100n + doy
  return era * 146097n + doe - 719468n
}

function civilFromDays(days: bigint): {year: bigint; month: number; day: number} {
  const z = days + 719468n
  const era = (z >= 0n ? z : z - 146096n) / 146097n
  const doe = z - era * 146097n
  const yoe = (doe - doe / 1460n + doe / 36524n - doe / 146096n) / 365n
  const doy = doe - (365n * yoe + yoe / 4n - yoe / 100n)
  const mp = (5n * doy + 2n) / 153n
  const day = Number(doy - (153n * mp + 2n) / 5n + 1n)
  const month = Number(mp < 10n ? mp + 3n : mp - 9n)
  return {year: yoe + era * 400n + (month <= 2 ? 1n : 0n), month, day}
}

export const floorDiv = (a: bigint, b: bigint): bigint => (a >= 0n ? a / b : -((-a + b - 1n) / b))

/** The calendar fields of an instant in its own zone. */
export function fields(t: Instant) {
  const local = t.seconds + BigInt(t.offset)
  const days = floorDiv(local, 86400n)
  const secondOfDay = Number(local - days * 86400n)
  const {year, month, day} = civilFromDays(days)
  const weekday = Number(((days % 7n) + 11n) % 7n) // 1970-01-01 was a Thursday (4)
  const yearDay = Number(days - daysFromCivil(year, 1, 1)) + 1
  return {year, month, day, hour: Math.floor(secondOfDay / 3600), minute: Math.floor(secondOfDay / 60) % 60, second: secondOfDay % 60, weekday, yearDay}
}

const LONG_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']
const LONG_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']

/** One chunk of a layout: time/format.go's std values, named by their layout text. */
type Chunk = {std: string; digits?: number; separator?: string}

const startsWithLower = (text: string): boolean => /^[a-z]/.test(text)

/** nextStdChunk: the text before the next layout element, the element, and the rest. */
function nextChunk(layout: string): [string, Chunk | undefined, string] {
  for (let i = 0; i < layout.length; i++) {
    const rest = layout.slice(i)
    const hit = (std: string, length = std.length): [string, Chunk, string] => [layout.slice(0, i), {std}, layout.slice(i + length)]
    switch (layout[i]) {
      case 'J':
        if (rest.startsWith('January')) return hit('January')
        if (rest.startsWith('Jan') && !startsWithLower(rest.slice(3))) return hit('Jan')
        break
      case 'M':
        if (rest.startsWith('Monday')) return hit('Monday')
        if (rest.startsWith('Mon') && !startsWithLower(rest.slice(3))) return hit('Mon')
        if (rest.startsWith('MST')) return hit('MST')
        break
      case '0':
        if (/^0[1-6]/.test(rest)) return hit(rest.slice(0, 2))
        if (rest.startsWith('002')) return hit('002')
        break
      case '1':
        return rest.startsWith('15') ? hit('15') : hit('1')
      case '2':
        return rest.startsWith('2006') ? hit('2006') : hit('2')
      case '_':
        if (rest.startsWith('_2')) {
          if (rest.startsWith('_2006')) return [layout.slice(0, i + 1), {std: '2006'}, layout.slice(i + 5)]
          return hit('_2')
        }
        if (rest.startsWith('__2')) return hit('__2')
        break
      case '3':
      case '4':
      case '5':
        return hit(layout[i])
      case 'P':
        if (rest.startsWith('PM')) return hit('PM')
        break
      case 'p':
        if (rest.startsWith('pm')) return hit('pm')
        break
      case '-':
      case 'Z':
        for (const std of ['070000', '07:00:00', '0700', '07:00', '07']) if (rest.slice(1).startsWith(std)) return hit(layout[i] + std)
        break
      case '.':
      case ',': {
        const digit = rest[1]
        if (digit === '0' || digit === '9') {
          let j = 1
          while (rest[j] === digit) j++
          if (!/[0-9]/.test(rest[j] ?? '')) return [layout.slice(0, i), {std: digit === '0' ? '.000' : '.999', digits: j - 1, separator: layout[i]}, rest.slice(j)]
        }
        break
      }
    }
  }
  return [layout, undefined, '']
}

const pad = (n: number | bigint, width: number): string => {
  const text = (n < 0 ? -n : n).toString().padStart(width, '0')
  return n < 0 ? `-${text}` : text
}

function formatOffset(std: string, offset: number, zone: string): string {
  if (std === 'MST') {
    if (zone !== '') return zone
    const minutes = Math.trunc(offset / 60)
    return (minutes < 0 ? '-' : '+') + pad(Math.floor(Math.abs(minutes) / 60), 2) + pad(Math.abs(minutes) % 60, 2)
  }
  if (std.startsWith('Z') && offset === 0) return 'Z'
  const abs = Math.abs(offset)
  const body = std.slice(1)
  let out = (offset < 0 ? '-' : '+') + pad(Math.floor(abs / 3600), 2)
  if (body !== '07') out += (body.includes(':') ? ':' : '') + pad(Math.floor(abs / 60) % 60, 2)
  if (body === '070000' || body === '07:00:00') out += (body.includes(':') ? ':' : '') + pad(abs % 60, 2)
  return out
}

/** Time.Format. */
export function format(t: Instant, layout: string): string {
  const f = fields(t)
  let out = ''
  let rest = layout
  for (;;) {
    const [prefix, chunk, suffix] = nextChunk(rest)
    out += prefix
    if (!chunk) return out
    rest = suffix
    const hour12 = f.hour % 12 === 0 ? 12 : f.hour % 12
    switch (chunk.std) {
      case '2006': out += pad(f.year, 4); break
      case '06': out += pad(((f.year % 100n) + 100n) % 100n, 2); break
      case 'January': out += LONG_MONTHS[f.month - 1]; break
      case 'Jan': out += LONG_MONTHS[f.month - 1].slice(0, 3); break
      case '1': out += f.month; break
      case '01': out += pad(f.month, 2); break
      case 'Monday': out += LONG_DAYS[f.weekday]; break
      case 'Mon': out += LONG_DAYS[f.weekday].slice(0, 3); break
      case '2': out += f.day; break
      case '_2': out += String(f.day).padStart(2, ' '); break
      case '02': out += pad(f.day, 2); break
      case '__2': out += String(f.yearDay).padStart(3, ' '); break
      case '002': out += pad(f.yearDay, 3); break
      case '15': out += pad(f.hour, 2); break
      case '3': out += hour12; break
      case '03': out += pad(hour12, 2); break
      case '4': out += f.minute; break
      case '04': out += pad(f.minute, 2); break
      case '5': out += f.second; break
      case '05': out += pad(f.second, 2); break
      case 'PM': out += f.hour >= 12 ? 'PM' : 'AM'; break
      case 'pm': out += f.hour >= 12 ? 'pm' : 'am'; break
      case '.000': out += chunk.separator! + pad(t.nanos, 9).slice(0, chunk.digits); break
      case '.999': {
        const digits = pad(t.nanos, 9).slice(0, chunk.digits).replace(/0+$/, '')
        if (digits !== '') out += chunk.separator! + digits
        break
      }
      default: out += formatOffset(chunk.std, t.offset, t.zone)
    }
  }
}

export const timeString = (t: Instant): string => format(t, '2006-01-02 15:04:05.999999999 -0700 MST')

/** time.Time{}: January 1, year 1, 00:00:00 UTC. */
export const ZERO_SECONDS = daysFromCivil(1n, 1, 1) * 86400n
export const zeroTime = (): Instant => ({seconds: ZERO_SECONDS, nanos: 0, zone: 'UTC', offset: 0})

/** A JavaScript Date as a Go time.Time in UTC (millisecond precision). */
export const utcInstant = (date: Date): Instant => {
  const ms = BigInt(date.getTime())
  const seconds = floorDiv(ms, 1000n)
  return {seconds, nanos: Number(ms - seconds * 1000n) * 1_000_000, zone: 'UTC', offset: 0}
}


// ---- time.Parse (format.go, Go 1.19), with Local = UTC ----

const isDigit = (text: string, i: number): boolean => i < text.length && text[i] >= '0' && text[i] <= '9'

/** ASCII case-insensitive prefix match against a table of names (time's lookup). */
function lookup(names: string[], value: string): [number, string] | undefined {
  const index = names.findIndex((name) => value.length >= name.length && value.slice(0, name.length).toLowerCase() === name.toLowerCase())
  return index < 0 ? undefined : [index, value.slice(names[index].length)]
}

/** leadingInt: the leading digits, or undefined on overflow past 1<<63. */
function leadingInt(text: string): [bigint, string] | undefined {
  let i = 0
  let x = 0n
  for (; isDigit(text, i); i++) {
    x = x * 10n + BigInt(text.charCodeAt(i) - 48)
    if (x > 1n << 63n) return undefined
  }
  return [x, text.slice(i)]
}

/** time's atoi: an optional sign and digits, nothing else. */
function atoi(text: string): number | undefined {
  const negative = text[0] === '-'
  const lead = leadingInt(text[0] === '-' || text[0] === '+' ? text.slice(1) : text)
  if (!lead || lead[1] !== '') return undefined
  return Number(negative ? -lead[0] : lead[0])
}

/** getnum: one or two digits (exactly two when fixed); undefined leaves the value as it was. */
function getnum(value: string, fixed: boolean): [number, string] | undefined {
  if (!isDigit(value, 0)) return undefined
  if (!isDigit(value, 1)) return fixed ? undefined : [Number(value[0]), value.slice(1)]
  return [Number(value.slice(0, 2)), value.slice(2)]
}

function getnum3(value: string, fixed: boolean): [number, string] | undefined {
  let n = 0
  let i = 0
  for (; i < 3 && isDigit(value, i); i++) n = n * 10 + Number(value[i])
  if (i === 0 || (fixed && i !== 3)) return undefined
  return [n, value.slice(i)]
}

/** skip: the layout's literal text must match, a space matching any run of spaces. */
function skip(value: string, prefix: string): [string, boolean] {
  while (prefix.length > 0) {
    if (prefix[0] === ' ') {
      if (value.length > 0 && value[0] !== ' ') return [value, false]
      prefix = prefix.replace(/^ +/, '')
      value = value.replace(/^ +/, '')
      continue
    }
    if (value.length === 0 || value[0] !== prefix[0]) return [value, false]
    prefix = prefix.slice(1)
    value = value.slice(1)
  }
  return [value, true]
}

const isLeap = (year: number): boolean => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
const daysIn = (month: number, year: number): number => (month === 2 && isLeap(year) ? 29 : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1])
const DAYS_BEFORE = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365]

/** parseNanoseconds: the fraction's digits (at most 9 kept) scaled to nanoseconds. */
function parseNanoseconds(value: string, nbytes: number): {nanos?: number; range?: string} {
  if (value[0] !== '.' && value[0] !== ',') return {}
  const digits = Math.min(nbytes, 10)
  const n = atoi(value.slice(1, digits))
  if (n === undefined) return {}
  if (n < 0) return {range: 'fractional second'}
  return {nanos: n * 10 ** (10 - digits)}
}

function parseSignedOffset(value: string): number {
  if (value[0] !== '-' && value[0] !== '+') return 0
  const lead = leadingInt(value.slice(1))
  if (!lead || lead[1] === value.slice(1) || lead[0] > 23n) return 0
  return value.length - lead[1].length
}

/** parseTimeZone: the length of a zone abbreviation at the start of value, or 0. */
function parseTimeZone(value: string): number {
  if (value.length < 3) return 0
  if (value.startsWith('ChST') || value.startsWith('MeST')) return 4
  if (value.startsWith('GMT')) return value.length === 3 ? 3 : 3 + parseSignedOffset(value.slice(3))
  if (value[0] === '+' || value[0] === '-') return parseSignedOffset(value)
  let upper = 0
  while (upper < 6 && upper < value.length && value[upper] >= 'A' && value[upper] <= 'Z') upper++
  if (upper === 3) return 3
  if (upper === 4 && (value[3] === 'T' || value.startsWith('WITA'))) return 4
  if (upper === 5 && value[4] === 'T') return 5
  return 0
}

const NUMERIC_ZONES: Record<string, [width: number, colons: number[], parts: Array<[number, number]>]> = {
  '07:00': [6, [3], [[1, 3], [4, 6]]],
  '07': [3, [], [[1, 3]]],
  '07:00:00': [9, [3, 6], [[1, 3], [4, 6], [7, 9]]],
  '070000': [7, [], [[1, 3], [3, 5], [5, 7]]],
  '0700': [5, [], [[1, 3], [3, 5]]],
}

/** time.ParseInLocation(layout, value, time.Local) with Local = UTC; errors are time.ParseError's text. */
export function parseTime(layout: string, original: string): Instant {
  const fail = (valueElem: string, layoutElem: string, message = ''): never => {
    if (message !== '') throw new Error(`parsing time ${quote(original)}${message}`)
    throw new Error(`parsing time ${quote(original)} as ${quote(layout)}: cannot parse ${quote(valueElem)} as ${quote(layoutElem)}`)
  }
  let value = original
  let rest = layout
  let [year, month, day, yday, hour, minute, second, nanos] = [0, -1, -1, -1, 0, 0, 0, 0]
  let pm = false
  let am = false
  let utc = false
  let zoneOffset: number | undefined
  let zoneName = ''
  for (;;) {
    const [prefix, chunk, suffix] = nextChunk(rest)
    const stdText = rest.slice(prefix.length, rest.length - suffix.length)
    const [skipped, ok] = skip(value, prefix)
    value = skipped
    if (!ok) fail(value, prefix)
    if (!chunk) {
      if (value.length > 0) fail('', '', `: extra text: ${quote(value)}`)
      break
    }
    rest = suffix
    let bad = false
    let range = ''
    const num = (found: [number, string] | undefined): number => {
      if (!found) {
        bad = true
        return 0
      }
      value = found[1]
      return found[0]
    }
    switch (chunk.std) {
      case '06': {
        if (value.length < 2) {
          bad = true
          break
        }
        const n = atoi(value.slice(0, 2))
        if (n === undefined) bad = true
        else [year, value] = [n >= 69 ? n + 1900 : n + 2000, value.slice(2)]
        break
      }
      case '2006': {
        if (value.length < 4 || !isDigit(value, 0)) {
          bad = true
          break
        }
        const n = atoi(value.slice(0, 4))
        value = value.slice(4)
        if (n === undefined) bad = true
        else year = n
        break
      }
      case 'Jan':
      case 'January': {
        const found = lookup(chunk.std === 'Jan' ? LONG_MONTHS.map((m) => m.slice(0, 3)) : LONG_MONTHS, value)
        month = num(found ? [found[0] + 1, found[1]] : undefined)
        break
      }
      case 'Mon':
      case 'Monday':
        num(lookup(chunk.std === 'Mon' ? LONG_DAYS.map((d) => d.slice(0, 3)) : LONG_DAYS, value))
        break
      case '1':
      case '01':
        month = num(getnum(value, chunk.std === '01'))
        if (!bad && (month <= 0 || month > 12)) range = 'month'
        break
      case '2':
      case '_2':
      case '02':
        if (chunk.std === '_2' && value[0] === ' ') value = value.slice(1)
        day = num(getnum(value, chunk.std === '02'))
        break
      case '__2':
      case '002':
        if (chunk.std === '__2') value = value.replace(/^ {1,2}/, '')
        yday = num(getnum3(value, chunk.std === '002'))
        break
      case '15':
        hour = num(getnum(value, false))
        if (hour < 0 || hour >= 24) range = 'hour'
        break
      case '3':
      case '03':
        hour = num(getnum(value, chunk.std === '03'))
        if (hour < 0 || hour > 12) range = 'hour'
        break
      case '4':
      case '04':
        minute = num(getnum(value, chunk.std === '04'))
        if (minute < 0 || minute >= 60) range = 'minute'
        break
      case '5':
      case '05': {
        second = num(getnum(value, chunk.std === '05'))
        if (second < 0 || second >= 60) {
          range = 'second'
          break
        }
        // A fractional second in the value that the layout does not name is read anyway.
        if (value.length >= 2 && (value[0] === '.' || value[0] === ',') && isDigit(value, 1) && !nextChunk(rest)[1]?.std.startsWith('.')) {
          let n = 2
          while (isDigit(value, n)) n++
          const fraction = parseNanoseconds(value, n)
          ;[nanos, range, bad] = [fraction.nanos ?? 0, fraction.range ?? '', fraction.nanos === undefined && !fraction.range]
          value = value.slice(n)
        }
        break
      }
      case 'PM':
      case 'pm': {
        if (value.length < 2) {
          bad = true
          break
        }
        const text = value.slice(0, 2)
        value = value.slice(2)
        const [p, a] = chunk.std === 'PM' ? ['PM', 'AM'] : ['pm', 'am']
        if (text === p) pm = true
        else if (text === a) am = true
        else bad = true
        break
      }
      case 'MST': {
        if (value.startsWith('UTC')) {
          ;[utc, value] = [true, value.slice(3)]
          break
        }
        const n = parseTimeZone(value)
        if (n === 0) bad = true
        else [zoneName, value] = [value.slice(0, n), value.slice(n)]
        break
      }
      case '.000': {
        const digits = chunk.digits! + 1
        if (value.length < digits) {
          bad = true
          break
        }
        const fraction = parseNanoseconds(value, digits)
        ;[nanos, range, bad] = [fraction.nanos ?? 0, fraction.range ?? '', fraction.nanos === undefined && !fraction.range]
        value = value.slice(digits)
        break
      }
      case '.999': {
        if (value.length < 2 || (value[0] !== '.' && value[0] !== ',') || !isDigit(value, 1)) break
        let i = 0
        while (i < 9 && isDigit(value, i + 1)) i++
        const fraction = parseNanoseconds(value, 1 + i)
        ;[nanos, range, bad] = [fraction.nanos ?? 0, fraction.range ?? '', fraction.nanos === undefined && !fraction.range]
        value = value.slice(1 + i)
        break
      }
      default: {
        // The numeric zones: -0700, -07:00, -07, -070000, -07:00:00 and their Z (ISO 8601) forms.
        const body = chunk.std.slice(1)
        if (chunk.std.startsWith('Z') && ['0700', '07', '07:00'].includes(body) && value[0] === 'Z') {
          ;[utc, value] = [true, value.slice(1)]
          break
        }
        const [width, colons, parts] = NUMERIC_ZONES[body]
        if (value.length < width || colons.some((at) => value[at] !== ':')) {
          bad = true
          break
        }
        const sign = value[0]
        const numbers = parts.map(([from, to]) => atoi(value.slice(from, to)))
        value = value.slice(width)
        if (numbers.includes(undefined) || (sign !== '+' && sign !== '-')) {
          bad = true
          break
        }
        const [hh, mm = 0, ss = 0] = numbers as number[]
        zoneOffset = ((hh * 60 + mm) * 60 + ss) * (sign === '-' ? -1 : 1)
      }
    }
    if (range !== '') fail(value, stdText, `: ${range} out of range`)
    if (bad) fail(value, stdText)
  }
  if (pm && hour < 12) hour += 12
  else if (am && hour === 12) hour = 0
  if (yday >= 0) {
    let d = 0
    let m = 0
    if (isLeap(year)) {
      if (yday === 31 + 29) [m, d] = [2, 29]
      else if (yday > 31 + 29) yday--
    }
    if (yday < 1 || yday > 365) fail(value, '', ': day-of-year out of range')
    if (m === 0) {
      m = Math.floor((yday - 1) / 31) + 1
      if (DAYS_BEFORE[m] < yday) m++
      d = yday - DAYS_BEFORE[m - 1]
    }
    if (month >= 0 && month !== m) fail(value, '', ': day-of-year does not match month')
    month = m
    if (day >= 0 && day !== d) fail(value, '', ': day-of-year does not match day')
    day = d
  } else {
    if (month < 0) month = 1
    if (day < 0) day = 1
  }
  if (day < 1 || day > daysIn(month, year)) fail(value, '', ': day out of range')
  // Date normalizes: hour 24 or second 60 cannot come through the checks above, so the clock reading is exact.
  const clock = daysFromCivil(BigInt(year), month, day) * 86400n + BigInt(hour * 3600 + minute * 60 + second)
  if (utc) return {seconds: clock, nanos, zone: 'UTC', offset: 0}
  if (zoneOffset !== undefined) {
    // Local (UTC) is used when the offset and name are its own, else a fixed zone with the name given (or none).
    const local = zoneOffset === 0 && (zoneName === '' || zoneName === 'UTC')
    return {seconds: clock - BigInt(zoneOffset), nanos, zone: local ? 'UTC' : zoneName, offset: zoneOffset}
  }
  if (zoneName !== '') {
    // An abbreviation Local does not know keeps the clock reading as UTC; GMT+N is its only known offset.
    const offset = zoneName.length > 3 && zoneName.startsWith('GMT') ? Number(zoneName.slice(3)) * 3600 : 0
    return {seconds: clock, nanos, zone: zoneName, offset}
  }
  return {seconds: clock, nanos, zone: 'UTC', offset: 0}
}

const UNITS: Record<string, bigint> = {ns: 1n, us: 1000n, 'µs': 1000n, 'μs': 1000n, ms: 1_000_000n, s: NANOS, m: 60n * NANOS, h: 3600n * NANOS}
export const MAX_INT64 = (1n << 63n) - 1n

/** time.ParseDuration. */
export function parseDuration(text: string): bigint {
  const fail = (message: string): never => {
    throw new Error(message)
  }
  const invalid = () => fail(`time: invalid duration ${quote(text)}`)
  let s = text
  let negative = false
  if (s[0] === '-' || s[0] === '+') {
    negative = s[0] === '-'
    s = s.slice(1)
  }
  if (s === '0') return 0n
  if (s === '') invalid()
  let total = 0n
  while (s !== '') {
    if (!/^[0-9.]/.test(s)) invalid()
    const whole = /^[0-9]*/.exec(s)![0]
    s = s.slice(whole.length)
    let fraction = ''
    const hadDot = s[0] === '.'
    if (hadDot) {
      s = s.slice(1)
      fraction = /^[0-9]*/.exec(s)![0]
      s = s.slice(fraction.length)
    }
    if (whole === '' && fraction === '') invalid()
    const unit = /^[^0-9.]*/.exec(s)![0]
    s = s.slice(unit.length)
    if (unit === '') fail(`time: missing unit in duration ${quote(text)}`)
    const scale = UNITS[unit] ?? fail(`time: unknown unit ${quote(unit)} in duration ${quote(text)}`)
    const v = BigInt(whole === '' ? '0' : whole)
    if (v > MAX_INT64 / scale) invalid()
    let part = v * scale
    if (fraction !== '') {
      // The fraction is truncated to what fits (Go keeps the leading digits of f/scale).
      part += (BigInt(fraction) * scale) / 10n ** BigInt(fraction.length)
    }
    total += part
    if (total > MAX_INT64 + (negative ? 1n : 0n)) invalid()
  }
  return negative ? -total : total
}

/** Duration.String: "1h2m3.5s", "1.5ms", "0s". */
export function durationString(d: bigint): string {
  const negative = d < 0n
  let u = negative ? -d : d
  if (u === 0n) return '0s'
  const fraction = (value: bigint, precision: number): [string, bigint] => {
    let digits = ''
    let printed = false
    for (let i = 0; i < precision; i++) {
      const digit = value % 10n
      printed ||= digit !== 0n
      if (printed) digits = digit.toString() + digits
      value /= 10n
    }
    return [printed ? `.${digits}` : '', value]
  }
  let out: string
  if (u < NANOS) {
    const [unit, precision] = u < 1000n ? ['ns', 0] : u < 1_000_000n ? ['µs', 3] : ['ms', 6]
    const [frac, rest] = fraction(u, precision as number)
    out = `${rest}${frac}${unit}`
  } else {
    const [frac, seconds] = fraction(u, 9)
    u = seconds
    out = `${u % 60n}${frac}s`
    u /= 60n
    if (u > 0n) {
      out = `${u % 60n}m${out}`
      u /= 60n
      if (u > 0n) out = `${u}h${out}`
    }
  }
  return negative ? `-${out}` : out
}


// The emulator's own copies of the Go library behaviour Vault's answers carry (it never shares vsi's parsers):
// strconv.Quote, time.ParseDuration, go-secure-stdlib parseutil.ParseDurationSecond, and go-multierror's format.

const ESCAPES: Record<string, string> = {'\u0007': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '\\': '\\\\', '"': '\\"'}

/** strconv.Quote: printable runes as they are, the rest escaped (\x for ASCII, \u or \U beyond). */
export function goQuote(text: string): string {
  let out = '"'
  for (const char of text) {
    const code = char.codePointAt(0)!
    if (ESCAPES[char] !== undefined) out += ESCAPES[char]
    else if (/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(char)) out += char
    else if (code < 0x80) out += `\\x${code.toString(16).padStart(2, '0')}`
    else if (code < 0x10000) out += `\\u${code.toString(16).padStart(4, '0')}`
    else out += `\\U${code.toString(16).padStart(8, '0')}`
  }
  return `${out}"`
}

export class DurationError extends Error {}

const NANOS: Record<string, number> = {ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9}

/** time.ParseDuration (src/time/format.go), in nanoseconds, with its error texts. */
export function parseGoDuration(text: string): number {
  const invalid = () => new DurationError(`time: invalid duration ${goQuote(text)}`)
  let rest = text
  const negative = rest.startsWith('-')
  if (negative || rest.startsWith('+')) rest = rest.slice(1)
  if (rest === '0') return 0
  if (rest === '') throw invalid()
  let total = 0
  while (rest !== '') {
    const number = /^\d*(\.\d*)?/.exec(rest)![0]
    if (number === '' || number === '.') throw invalid()
    rest = rest.slice(number.length)
    const unit = /^[^\d.]*/.exec(rest)![0]
    if (unit === '') throw new DurationError(`time: missing unit in duration ${goQuote(text)}`)
    const scale = NANOS[unit]
    if (scale === undefined) throw new DurationError(`time: unknown unit ${goQuote(unit)} in duration ${goQuote(text)}`)
    total += Number(number) * scale
    rest = rest.slice(unit.length)
  }
  return (negative ? -1 : 1) * Math.round(total)
}

/** parseutil.ParseDurationSecond, in whole seconds: integer seconds, "<n>d" days, or a Go duration. */
export function parseDurationSecond(input: unknown): number {
  if (input === undefined || input === null || input === '') return 0
  if (typeof input === 'number') return Math.trunc(input)
  if (typeof input === 'boolean') throw new DurationError('cannot parse duration from boolean value')
  if (typeof input !== 'string') throw new DurationError('could not parse duration from input')
  if (/^[-+]?\d+$/.test(input)) return Number(input)
  if (input.endsWith('d')) {
    const days = input.slice(0, -1)
    if (!/^[-+]?\d+$/.test(days)) throw new DurationError(`strconv.ParseInt: parsing ${goQuote(days)}: invalid syntax`)
    return Number(days) * 86400
  }
  return Math.trunc(parseGoDuration(input) / 1e9)
}

/** hashicorp/go-multierror ListFormatFunc, as Vault writes a multierror into `errors`. */
export function multierror(messages: string[]): string {
  if (messages.length === 1) return `1 error occurred:\n\t* ${messages[0]}\n\n`
  return `${messages.length} errors occurred:\n\t${messages.map((m) => `* ${m}`).join('\n\t')}\n\n`
}

/**
 * The Go parsers the injector runs on annotation values, with their error texts: go-secure-stdlib parseutil
 * (ParseBool = mitchellh/mapstructure v1.5.0 WeakDecode, ParseInt), strconv, time.ParseDuration,
 * k8s.io/apimachinery resource.ParseQuantity and encoding/json's errors for jsonpatch.DecodePatch.
 */
const quote = (value: string): string => JSON.stringify(value)

/** parseutil.ParseBool: strconv.ParseBool's words, "" is false; errors wrapped by mapstructure's decodeBool. */
export function parseBool(value: string): boolean {
  if (value === '') return false
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false
  throw new Error(`cannot parse '' as bool: strconv.ParseBool: parsing ${quote(value)}: invalid syntax`)
}

/** parseutil.ParseInt: "" is 0, else strconv.ParseInt(s, 10, 64). */
export function parseInt64(value: string): number {
  if (value === '') return 0
  if (!/^[+-]?\d+$/.test(value)) throw new Error(`strconv.ParseInt: parsing ${quote(value)}: invalid syntax`)
  const big = BigInt(value)
  if (big > 2n ** 63n - 1n || big < -(2n ** 63n)) throw new Error(`strconv.ParseInt: parsing ${quote(value)}: value out of range`)
  return Number(big)
}

export function parseUint64(value: string): number {
  if (!/^\d+$/.test(value)) throw new Error(`strconv.ParseUint: parsing ${quote(value)}: invalid syntax`)
  if (BigInt(value) > 2n ** 64n - 1n) throw new Error(`strconv.ParseUint: parsing ${quote(value)}: value out of range`)
  return Number(value)
}

/**
 * strconv.ParseFloat(s, 64) (golang/go src/strconv/atof.go readFloat, atoi.go underscoreOK): decimal and
 * hexadecimal (`0x1.8p1`, the `p` exponent required) mantissas, `_` only between digits or after `0x`, and Inf,
 * Infinity (signed or not) and NaN (unsigned only) in any case.
 */
export function parseFloat64(value: string): number {
  const special = /^([+-]?)(inf|infinity)$/i.exec(value)
  if (special) return special[1] === '-' ? -Infinity : Infinity
  if (/^nan$/i.test(value)) return NaN
  const dec = '\\d+(?:_\\d+)*'
  const hex = '[0-9a-f]+(?:_[0-9a-f]+)*'
  let number: number | undefined
  const hexMatch = new RegExp(`^([+-]?)0x_?(${hex})?(?:\\.(${hex})?)?p([+-]?${dec})$`, 'i').exec(value)
  if (hexMatch && (hexMatch[2] || hexMatch[3])) {
    const [, sign, whole = '', fraction = '', exponent = '0'] = hexMatch
    const digits = (whole + fraction).replaceAll('_', '')
    const bits = Number(exponent.replaceAll('_', '')) - 4 * fraction.replaceAll('_', '').length
    number = (sign === '-' ? -1 : 1) * parseInt(digits, 16) * 2 ** bits
  } else if (new RegExp(`^[+-]?(${dec}(\\.(${dec})?)?|\\.${dec})([eE][+-]?${dec})?$`).test(value)) {
    number = Number(value.replaceAll('_', ''))
  }
  if (number === undefined) throw new Error(`strconv.ParseFloat: parsing ${quote(value)}: invalid syntax`)
  if (!Number.isFinite(number)) throw new Error(`strconv.ParseFloat: parsing ${quote(value)}: value out of range`)
  return number
}

/** time.ParseDuration's verdict (the injector only validates; Vault Agent reads the text). */
export function checkDuration(value: string): void {
  if (value === '0' || /^[+-]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$/.test(value)) return
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(value)) throw new Error(`time: missing unit in duration ${quote(value)}`)
  const unit = /^[+-]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))*(?:\d+(?:\.\d*)?|\.\d+)([^\d.]+)/.exec(value)
  if (unit) throw new Error(`time: unknown unit ${quote(unit[1]!)} in duration ${quote(value)}`)
  throw new Error(`time: invalid duration ${quote(value)}`)
}

/**
 * resource.ParseQuantity's verdict (kubernetes/apimachinery v0.36.3, which vault-k8s 1.7.6 builds with:
 * pkg/api/resource/quantity.go parseQuantityString, suffix.go interpret). The string is scanned, not matched
 * against the regular expression its error names: "+", "-", "." and "e3" are zero, "1." is one.
 */
export function parseQuantity(value: string): void {
  const formatWrong = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
  if (value === '') throw new Error(formatWrong)
  const scan = /^[+-]?[0-9]*(?:\.[0-9]*)?([eEinumkKMGTP]*[-+]?[0-9]*)(.*)$/s.exec(value)!
  if (scan[2] !== '') throw new Error(formatWrong)
  const suffix = scan[1]!
  const known = ['', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei']
  if (known.includes(suffix)) return
  // interpret: `e`/`E` then strconv.ParseInt(rest, 10, 64)
  if (suffix.length > 1 && /^[eE][+-]?\d+$/.test(suffix) && BigInt(suffix.slice(1)) <= 2n ** 63n - 1n && BigInt(suffix.slice(1)) >= -(2n ** 63n)) return
  throw new Error("unable to parse quantity's suffix")
}

const DECIMAL_SUFFIXES: Record<string, number> = {n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18}
const BINARY_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei']

/**
 * The text a parsed resource.Quantity marshals to (apimachinery v0.36.3 quantity.go ParseQuantity, MarshalJSON,
 * CanonicalizeBytes; amount.go AsCanonicalBytes / AsCanonicalBase1024Bytes; suffix.go constructBytes): the input
 * itself when ParseQuantity's fast path found it canonical (`500m`, `1Gi`, even `+500m`), else the canonical form
 * (`0.5` → `500m`, `1024Mi` → `1Gi`, `1000m` → `1`), rounded up to a whole nano. The injector's containers carry
 * these, so the pod does too. `value` must already parse.
 */
export function canonicalQuantity(value: string): string {
  if (value === '0') return value
  const [, sign = '', zeros = '', whole = '', denom = '', suffix = ''] = /^([+-]?)(0*)(\d*)(?:\.(\d*))?(.*)$/s.exec(value)!
  const num = whole === '' ? '0' : whole
  void zeros
  const binary = BINARY_SUFFIXES.indexOf(suffix) > 0 ? BINARY_SUFFIXES.indexOf(suffix) * 10 : undefined
  const exponent = binary ?? DECIMAL_SUFFIXES[suffix] ?? Number(suffix.slice(1))
  const format = binary !== undefined ? 'BinarySI' : suffix in DECIMAL_SUFFIXES ? 'DecimalSI' : 'DecimalExponent'
  // ParseQuantity's int64 fast path, which keeps the string when it is already canonical
  const digits = BigInt(num + denom)
  const precision = binary === undefined ? 18 - (num.length + denom.length) : denom === '' ? 15 - num.length - Math.trunc((exponent * 3) / 10) - 1 : -1
  const scale = (binary === undefined ? exponent : 0) - denom.length
  if (precision >= 0 && scale >= -9) {
    const result = digits * (binary === undefined ? 1n : 2n ** BigInt(exponent))
    if (result < 2n ** 63n) {
      if (binary !== undefined ? exponent % 10 === 0 && (digits & 7n) !== 0n : scale % 3 === 0 && !(num + denom).endsWith('000') && (num + denom)[0] !== '0') return value
    }
  }
  // the exact value, rounded up (away from zero) to a multiple of 1e-9: nano units
  let numerator = digits * 10n ** 9n
  let denominator = 10n ** BigInt(denom.length)
  if (binary !== undefined) numerator *= 2n ** BigInt(exponent)
  else if (exponent >= 0) numerator *= 10n ** BigInt(exponent)
  else denominator *= 10n ** BigInt(-exponent)
  let nano = (numerator + denominator - 1n) / denominator
  const cap = (2n ** 63n - 1n) * 10n ** 9n
  if (binary !== undefined && nano > cap) nano = cap
  if (nano === 0n) return '0'
  const negative = sign === '-'
  if (binary !== undefined && nano >= 1024n * 10n ** 9n && nano % 10n ** 9n === 0n) {
    let amount = nano / 10n ** 9n
    let power = 0
    while (amount % 1024n === 0n) {
      amount /= 1024n
      power++
    }
    return `${negative ? '-' : ''}${amount}${BINARY_SUFFIXES[power] ?? ''}`
  }
  let amount = nano
  let power = -9
  while (amount % 10n === 0n) {
    amount /= 10n
    power++
  }
  const down = ((power % 3) + 3) % 3
  amount *= 10n ** BigInt(down)
  power -= down
  // DecimalSI has suffixes from n to E only (constructBytes finds none beyond: the number is written bare)
  const decimalSuffix = format === 'DecimalExponent' ? (power === 0 ? '' : `e${power}`) : (Object.entries(DECIMAL_SUFFIXES).find(([, p]) => p === power)?.[0] ?? '')
  return `${negative ? '-' : ''}${amount}${decimalSuffix}`
}

const jsonKind = (value: unknown): string => (Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value === 'object' ? 'object' : typeof value)

/** json.Unmarshal into jsonpatch.Patch ([]map[string]*json.RawMessage); `null` is an empty patch. */
export function decodePatch(text: string): Array<Record<string, unknown> | null> {
  let decoded: unknown
  try {
    decoded = JSON.parse(text)
  } catch {
    const first = text.trimStart()[0]
    if (first === undefined) throw new Error('unexpected end of JSON input')
    if (!'{["-0123456789tfn'.includes(first)) throw new Error(`invalid character '${first}' looking for beginning of value`)
    throw new Error('unexpected end of JSON input')
  }
  if (decoded === null) return []
  if (!Array.isArray(decoded)) throw new Error(`json: cannot unmarshal ${jsonKind(decoded)} into Go value of type jsonpatch.Patch`)
  for (const item of decoded) {
    if (item !== null && jsonKind(item) !== 'object') throw new Error(`json: cannot unmarshal ${jsonKind(item)} into Go value of type jsonpatch.Operation`)
  }
  return decoded as Array<Record<string, unknown> | null>
}

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

/** strconv.ParseFloat(s, 64): decimal and hex forms, and (signed) Inf, Infinity and NaN in any case. */
export function parseFloat64(value: string): number {
  const special = /^([+-]?)(inf|infinity)$/i.exec(value)
  if (special) return special[1] === '-' ? -Infinity : Infinity
  if (/^nan$/i.test(value)) return NaN
  const decimal = /^[+-]?(\d+(_\d+)*(\.(\d+(_\d+)*)?)?|\.\d+(_\d+)*)([eE][+-]?\d+)?$/.test(value)
  if (!decimal) throw new Error(`strconv.ParseFloat: parsing ${quote(value)}: invalid syntax`)
  const number = Number(value.replaceAll('_', ''))
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

const QUANTITY = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/
const BINARY: Record<string, number> = {Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60}
const DECIMAL: Record<string, number> = {'': 1, n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18}

/** resource.ParseQuantity: the value, or ErrFormatWrong / ErrSuffix / ErrNumeric. */
export function parseQuantity(value: string): number {
  const match = QUANTITY.exec(value)
  if (!match) throw new Error(`quantities must match the regular expression '${QUANTITY.source}'`)
  const [, digits, suffix] = match as unknown as [string, string, string]
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(digits)) throw new Error("unable to parse quantity's numeric part")
  const scale = BINARY[suffix] ?? DECIMAL[suffix] ?? (/^[eE][+-]?\d+$/.test(suffix) ? 10 ** Number(suffix.slice(1)) : undefined)
  if (scale === undefined) throw new Error("unable to parse quantity's suffix")
  return Number(digits) * scale
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

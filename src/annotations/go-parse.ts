/**
 * The parsers the injector (Go) runs on annotation values, reproduced so that vsi accepts exactly what the injector
 * accepts. Each returns Go's error text, or undefined when Go would accept the value.
 */
import {DurationError, parseDurationSecond, parseGoDuration} from '../duration.js'
import {goQuote} from '../go-template/quote.js'

/** strconv.ParseBool's accepted spellings; parseutil.ParseBool also takes "" as false. */
export const GO_BOOL_VALUES = ['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False'] as const

const GO_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True'])

/** parseutil.ParseBool (go-secure-stdlib): strconv.ParseBool, plus "" meaning false. */
export function goBoolError(value: string): string | undefined {
  if (value === '' || (GO_BOOL_VALUES as readonly string[]).includes(value)) return undefined
  return `strconv.ParseBool: parsing ${goQuote(value)}: invalid syntax`
}

/** The boolean the injector reads, or undefined when it would reject the value. */
export function goBool(value: string): boolean | undefined {
  if (goBoolError(value) !== undefined) return undefined
  return GO_TRUE.has(value)
}

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const UINT64_MAX = 2n ** 64n - 1n

/** strconv.ParseInt(s, 10, 64); parseutil.ParseInt treats "" as 0 (`emptyIsZero`). */
export function goIntError(value: string, emptyIsZero = true): string | undefined {
  if (value === '' && emptyIsZero) return undefined
  if (!/^[+-]?\d+$/.test(value)) return `strconv.ParseInt: parsing ${goQuote(value)}: invalid syntax`
  const number = BigInt(value)
  if (number < INT64_MIN || number > INT64_MAX) return `strconv.ParseInt: parsing ${goQuote(value)}: value out of range`
  return undefined
}

/** strconv.ParseUint(s, 10, 64): no sign, no unit. */
export function goUintError(value: string): string | undefined {
  if (!/^\d+$/.test(value)) return `strconv.ParseUint: parsing ${goQuote(value)}: invalid syntax`
  if (BigInt(value) > UINT64_MAX) return `strconv.ParseUint: parsing ${goQuote(value)}: value out of range`
  return undefined
}

// Go's float syntax (strconv readFloat + underscoreOK): `_` only between digits (or after a base prefix); a
// hexadecimal mantissa needs a `p` exponent; Inf/Infinity may be signed, NaN may not.
const DIGITS = String.raw`\d+(?:_\d+)*`
const DECIMAL_FLOAT = new RegExp(String.raw`^[+-]?(?:${DIGITS}(?:\.(?:${DIGITS})?)?|\.${DIGITS})(?:[eE][+-]?${DIGITS})?$`)
const HEX_DIGITS = '[0-9a-fA-F]+(?:_[0-9a-fA-F]+)*'
const HEX_FLOAT = new RegExp(String.raw`^([+-]?)0[xX]_?(?:(${HEX_DIGITS})(?:\.(${HEX_DIGITS})?)?|\.(${HEX_DIGITS}))[pP]([+-]?${DIGITS})$`)

/** strconv.ParseFloat(s, 64): the value, or Go's error text. */
export function goFloat(value: string): number | {error: string} {
  const special = /^([+-]?)(inf|infinity)$/i.exec(value)
  if (special) return special[1] === '-' ? -Infinity : Infinity
  if (/^nan$/i.test(value)) return Number.NaN
  let number: number | undefined
  const hex = HEX_FLOAT.exec(value)
  if (hex) {
    const [, sign, whole, fraction, onlyFraction, exponent] = hex as unknown as [string, string, string | undefined, string | undefined, string | undefined, string]
    const mantissa = `${whole ?? ''}${fraction ?? onlyFraction ?? ''}`.replaceAll('_', '')
    const shift = 4 * (fraction ?? onlyFraction ?? '').replaceAll('_', '').length
    number = (sign === '-' ? -1 : 1) * Number.parseInt(mantissa, 16) * 2 ** (Number(exponent.replaceAll('_', '')) - shift)
  } else if (DECIMAL_FLOAT.test(value)) number = Number(value.replaceAll('_', ''))
  if (number === undefined) return {error: `strconv.ParseFloat: parsing ${goQuote(value)}: invalid syntax`}
  if (!Number.isFinite(number)) return {error: `strconv.ParseFloat: parsing ${goQuote(value)}: value out of range`}
  return number
}

/** strconv.ParseFloat(s, 64). */
export function goFloatError(value: string): string | undefined {
  const parsed = goFloat(value)
  return typeof parsed === 'number' ? undefined : parsed.error
}

/** time.ParseDuration: a unit is required ("5s", "1m30s"); only "0" may go without. */
export function goDurationError(value: string): string | undefined {
  try {
    parseGoDuration(value)
    return undefined
  } catch (error) {
    if (error instanceof DurationError) return error.message
    throw error
  }
}

/** parseutil.ParseDurationSecond, as Vault Agent reads its own durations: bare integers are seconds. */
export function vaultDurationError(value: string): string | undefined {
  try {
    parseDurationSecond(value)
    return undefined
  } catch (error) {
    if (error instanceof DurationError) return error.message
    throw error
  }
}

const QUANTITY_FORMAT = `quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`
const QUANTITY_SUFFIXES = new Set(['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E'])

/**
 * k8s.io/apimachinery resource.ParseQuantity (v0.36, the version vault-k8s 1.7.6 builds with): parseQuantityString
 * scans sign, digits, `.digits`, suffix letters, an exponent sign and digits (no regular expression: "+", "." and
 * "1." are zero or one; "1.2.3" has a character left over), then the suffixer's interpret.
 */
export function quantityError(value: string): string | undefined {
  if (value === '') return QUANTITY_FORMAT
  const digits = (from: number): number => {
    let at = from
    while (at < value.length && value[at]! >= '0' && value[at]! <= '9') at++
    return at
  }
  let at = digits(value[0] === '+' || value[0] === '-' ? 1 : 0)
  if (value[at] === '.') at = digits(at + 1)
  const suffixStart = at
  while (at < value.length && 'eEinumkKMGTP'.includes(value[at]!)) at++
  if (value[at] === '+' || value[at] === '-') at++
  if (digits(at) < value.length) return QUANTITY_FORMAT
  const suffix = value.slice(suffixStart)
  if (QUANTITY_SUFFIXES.has(suffix)) return undefined
  // interpret: a decimal exponent `e<int64>` / `E<int64>`.
  if (suffix.length > 1 && /^[eE]/.test(suffix) && goIntError(suffix.slice(1), false) === undefined) return undefined
  return `unable to parse quantity's suffix`
}

/**
 * jsonpatch.DecodePatch (evanphx/json-patch), as the injector's Init runs it: the JSON must unmarshal into
 * `[]map[string]*json.RawMessage`. `null` decodes to an empty patch; operations are only checked when the patch is
 * applied to the container the injector builds (see lint's admission rules).
 */
export function jsonPatchError(value: string): string | undefined {
  let decoded: unknown
  try {
    decoded = JSON.parse(value)
  } catch (error) {
    return `invalid JSON: ${(error as Error).message}`
  }
  if (decoded === null) return undefined
  if (!Array.isArray(decoded)) return `json: cannot unmarshal ${jsonKind(decoded)} into Go value of type jsonpatch.Patch`
  const index = decoded.findIndex((operation) => operation !== null && (typeof operation !== 'object' || Array.isArray(operation)))
  if (index >= 0) return `json: cannot unmarshal ${jsonKind(decoded[index])} into Go value of type jsonpatch.Operation (element ${index})`
  return undefined
}

function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array'
  if (value === null) return 'null'
  return typeof value === 'object' ? 'object' : typeof value
}

/** consul-template reads a template's `perms` as an octal file mode: strconv.ParseUint(s, 8, 12). */
export function octalModeError(value: string): string | undefined {
  if (!/^[0-7]+$/.test(value)) return `strconv.ParseUint: parsing ${goQuote(value)}: invalid syntax`
  if (Number.parseInt(value, 8) > 0o7777) return `strconv.ParseUint: parsing ${goQuote(value)}: value out of range`
  return undefined
}

/** True only when the injector's own boolean parser reads true. */
export function annotationIsTrue(value: string | undefined): boolean {
  return value !== undefined && goBool(value) === true
}

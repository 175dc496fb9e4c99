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

const DECIMAL_FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/
// Go accepts hexadecimal floats (the p exponent is mandatory) and underscores only after a base prefix.
const HEX_FLOAT = /^[+-]?0[xX](_?[0-9a-fA-F])*(\.([0-9a-fA-F]_?)*)?[pP][+-]?\d+$/
const SPECIAL_FLOAT = /^[+-]?(inf|infinity|nan)$/i

/** strconv.ParseFloat(s, 64). */
export function goFloatError(value: string): string | undefined {
  if (SPECIAL_FLOAT.test(value)) return undefined
  if (HEX_FLOAT.test(value) && /[0-9a-fA-F]/.test(value.replace(/^[+-]?0[xX]/, '').split(/[pP]/)[0] ?? '')) return undefined
  if (!DECIMAL_FLOAT.test(value)) return `strconv.ParseFloat: parsing ${goQuote(value)}: invalid syntax`
  if (!Number.isFinite(Number(value))) return `strconv.ParseFloat: parsing ${goQuote(value)}: value out of range`
  return undefined
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

/** k8s.io/apimachinery resource.ParseQuantity. */
export function quantityError(value: string): string | undefined {
  const match = /^[+-]?(\d*)(?:\.(\d*))?(.*)$/.exec(value)
  if (!match || `${match[1]}${match[2] ?? ''}` === '') return QUANTITY_FORMAT
  const suffix = match[3] ?? ''
  if (QUANTITY_SUFFIXES.has(suffix) || /^[eE][+-]?\d+$/.test(suffix)) return undefined
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

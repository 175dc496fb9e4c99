// Input checks of the KV v2 engine that answer in Go's own words: custom_metadata (vault-plugin-secrets-kv
// path_metadata.go parseCustomMetadata, validateCustomMetadata) and the check-and-set option (path_data.go
// validateCheckAndSetOption, which decodes `cas` with mapstructure.WeakDecode into an int).
import {toStringWeak} from '../fields.js'
import {goQuote, multierror} from '../go-strconv.js'
import {GoJsonNumber} from '../go-json.js'

const MAX_KEYS = 64
const MAX_KEY_LENGTH = 128
const MAX_VALUE_LENGTH = 512
const PREFIX = 'custom_metadata validation failed'

/** unicode.IsPrint for every rune (go-secure-stdlib strutil.Printable): letters, marks, numbers, punctuation, symbols, ASCII space. */
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]*$/u

/**
 * parseCustomMetadata: every value WeakDecoded into a string (null → "", 1.50 → "1.50", true → "1"); with
 * `filterNils` (PATCH) a null is kept as null, meaning "remove this key". Returns the error text on failure.
 */
export function parseCustomMetadata(raw: Record<string, unknown>, filterNils: boolean): Record<string, string | null> | string {
  const parsed: Record<string, string | null> = {}
  for (const [key, value] of Object.entries(raw)) {
    if (value === null) {
      parsed[key] = filterNils ? null : ''
      continue
    }
    try {
      parsed[key] = toStringWeak(value)
    } catch (error) {
      return `${PREFIX}: ${(error as Error).message}`
    }
  }
  return parsed
}

/** validateCustomMetadata: undefined when valid, else the multierror text Vault returns (every problem, per key). */
export function customMetadataProblem(metadata: Record<string, string | null>): string | undefined {
  const entries = Object.entries(metadata).filter((e): e is [string, string] => e[1] !== null)
  if (entries.length > MAX_KEYS) return multierror([`${PREFIX}: payload must contain at most ${MAX_KEYS} keys, provided ${entries.length}`])
  const errors: string[] = []
  for (const [key, value] of entries) {
    // Go's len() counts UTF-8 bytes.
    const keyLength = Buffer.byteLength(key)
    if (keyLength === 0 || keyLength > MAX_KEY_LENGTH) {
      errors.push(`${PREFIX}: length of key ${goQuote(key)} is ${keyLength} but must be 0 < len(key) <= ${MAX_KEY_LENGTH}`)
    }
    const valueLength = Buffer.byteLength(value)
    if (valueLength === 0 || valueLength > MAX_VALUE_LENGTH) {
      errors.push(`${PREFIX}: length of value for key ${goQuote(key)} is ${valueLength} but must be 0 < len(value) <= ${MAX_VALUE_LENGTH}`)
    }
    if (!PRINTABLE.test(key)) errors.push(`${PREFIX}: key ${goQuote(key)} (${key}) contains unprintable characters`)
    if (!PRINTABLE.test(value)) errors.push(`${PREFIX}: value for key ${goQuote(key)} contains unprintable characters`)
  }
  return errors.length > 0 ? multierror(errors) : undefined
}

const INT64 = 2n ** 63n

/** strconv.ParseInt(text, 0, 64): sign, 0x/0o/0b/0 prefixes and Go's underscores; undefined when it fails. */
function parseIntBase0(text: string): number | undefined {
  const m = /^([+-]?)(0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|0(?:_?[0-7])*|[1-9](?:_?\d)*)$/.exec(text)
  if (m === null) return undefined
  let digits = m[2]!.replace(/_/g, '')
  if (/^0\d/.test(digits)) digits = `0o${digits.slice(1)}`
  const value = BigInt(digits) * (m[1] === '-' ? -1n : 1n)
  return value < -INT64 || value >= INT64 ? undefined : Number(value)
}

/** mapstructure.WeakDecode(cas, &int): undefined when it cannot be decoded. */
export function weakDecodeInt(value: unknown): number | undefined {
  if (value === null) return 0
  if (typeof value === 'boolean') return value ? 1 : 0
  // The request body is decoded with UseNumber: json.Number.Int64() accepts only a plain base-10 integer.
  if (value instanceof GoJsonNumber) return /^-?\d+$/.test(value.text) ? parseIntBase0(value.text) : undefined
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined
  if (typeof value === 'string') return parseIntBase0(value === '' ? '0' : value)
  return undefined
}

// Typed request fields as Vault's sdk/framework FieldData converts them, with the same
// conversion errors ("error converting input <v> for field \"<name>\": …").
import {DurationError, goQuote, parseDurationSecond} from './go-strconv.js'
import {GoJsonNumber} from './go-json.js'

export type FieldType = 'string' | 'lowerString' | 'bool' | 'int' | 'duration' | 'commaStrings' | 'strings' | 'map' | 'kvPairs' | 'commaInts'

export interface FieldSchema {
  type: FieldType
  default?: unknown
}

export type Schema = Record<string, FieldType | FieldSchema>

class ConversionError extends Error {}

const schemaOf = (s: FieldType | FieldSchema): FieldSchema => (typeof s === 'string' ? {type: s} : s)

/** Go's fmt %v for decoded JSON values. */
export function goValue(value: unknown): string {
  if (value === null || value === undefined) return '<nil>'
  if (Array.isArray(value)) return `[${value.map(goValue).join(' ')}]`
  if (typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1))
    return `map[${entries.map(([k, v]) => `${k}:${goValue(v)}`).join(' ')}]`
  }
  return String(value)
}

function goTypeName(value: unknown): string {
  if (Array.isArray(value)) return '[]interface {}'
  if (value !== null && typeof value === 'object') return 'map[string]interface {}'
  if (typeof value === 'number') return 'json.Number'
  return typeof value
}

/** mapstructure.WeakDecode into a string (json.Number as written, bools as "1"/"0"); throws on maps and lists. */
export function toStringWeak(value: unknown): string {
  if (typeof value === 'string') return value
  if (value instanceof GoJsonNumber) return value.text
  if (typeof value === 'number') return String(value)
  if (typeof value === 'boolean') return value ? '1' : '0'
  throw new ConversionError(`'' expected type 'string', got unconvertible type '${goTypeName(value)}', value: '${goValue(value)}'`)
}

function parseGoBool(text: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false
  throw new ConversionError(`cannot parse '' as bool: strconv.ParseBool: parsing ${goQuote(text)}: invalid syntax`)
}

function parseGoInt(value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value
  const text = typeof value === 'string' ? value : goValue(value)
  if (!/^[-+]?\d+$/.test(text)) throw new ConversionError(`strconv.ParseInt: parsing ${goQuote(text)}: invalid syntax`)
  return Number(text)
}

function commaStrings(value: unknown): string[] {
  if (value === '') return []
  if (typeof value === 'string') return value.split(',').map((s) => s.trim())
  if (Array.isArray(value)) return value.map((v) => toStringWeak(v).trim())
  return [toStringWeak(value)]
}

export function convert(type: FieldType, value: unknown): unknown {
  switch (type) {
    case 'string':
      return toStringWeak(value)
    case 'lowerString':
      return toStringWeak(value).toLowerCase()
    case 'bool':
      if (typeof value === 'boolean') return value
      if (typeof value === 'number') return value !== 0
      return parseGoBool(toStringWeak(value))
    case 'int':
      return parseGoInt(value)
    case 'duration':
      try {
        return parseDurationSecond(value)
      } catch (error) {
        if (error instanceof DurationError) throw new ConversionError(error.message)
        throw error
      }
    case 'commaStrings':
      return commaStrings(value)
    case 'strings':
      return Array.isArray(value) ? value.map(toStringWeak) : [toStringWeak(value)]
    case 'commaInts':
      return (Array.isArray(value) ? value : commaStrings(value)).map(parseGoInt)
    // mapstructure.WeakDecode(nil, &m) succeeds and leaves m nil (the vault CLI sends `"options": null`)
    case 'map':
      if (value === null) return {}
      if (typeof value === 'object' && !Array.isArray(value)) return value
      throw new ConversionError(`'' expected a map, got '${Array.isArray(value) ? 'slice' : typeof value}'`)
    case 'kvPairs': {
      if (value === null) return {}
      if (typeof value !== 'object' || Array.isArray(value)) {
        throw new ConversionError(`'' expected a map, got '${Array.isArray(value) ? 'slice' : typeof value}'`)
      }
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toStringWeak(v)]))
    }
  }
}

function zero(type: FieldType): unknown {
  switch (type) {
    case 'string':
    case 'lowerString':
      return ''
    case 'bool':
      return false
    case 'int':
    case 'duration':
      return 0
    case 'commaStrings':
    case 'strings':
    case 'commaInts':
      return []
    case 'map':
    case 'kvPairs':
      return {}
  }
}

export class FieldData {
  constructor(
    readonly raw: Record<string, unknown>,
    private readonly schema: Schema,
  ) {}

  /** FieldData.Validate: the first field whose raw value does not convert. */
  validate(): string | undefined {
    for (const [name, spec] of Object.entries(this.schema)) {
      if (!(name in this.raw)) continue
      try {
        convert(schemaOf(spec).type, this.raw[name])
      } catch (error) {
        if (!(error instanceof ConversionError)) throw error
        return `error converting input ${goValue(this.raw[name])} for field ${goQuote(name)}: ${error.message}`
      }
    }
    return undefined
  }

  has(name: string): boolean {
    return name in this.raw && this.raw[name] !== null
  }

  /** The converted value, or the schema default / zero value when absent. */
  get<T>(name: string): T {
    const spec = this.schema[name]
    if (spec === undefined) throw new Error(`field ${name} not in the schema`)
    const {type, default: fallback} = schemaOf(spec)
    if (!this.has(name)) return (fallback !== undefined ? convert(type, fallback) : zero(type)) as T
    return convert(type, this.raw[name]) as T
  }
}

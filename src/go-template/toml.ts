/**
 * consul-template's toTOML: github.com/BurntSushi/toml's Encoder (v1.5.0, the version consul-template v0.42 pins) with
 * its default two-space indent, on template values. Behaviour reproduced here: keys of a table sorted byte-wise,
 * plain values before sub-tables, `[a.b]` headers indented by depth with a blank line before each top-level one,
 * `[[a]]` for arrays whose elements are all tables, inline `{k = v}` tables inside other arrays, bare keys only for
 * [A-Za-z0-9_-], nil values left out, json.Number written as an integer when it is one and as a float otherwise.
 */
import {goTrimSpace} from './unicode.js'
import {GoChannel, GoComplex, GoInt, GoObject, GoStruct, goTypeName, isGoMap, isNilSlice, JsonNumber, NilPointer, sortedKeys} from './values.js'

/** A panic of the encoder that it returns as an error (tomlEncodeError), or one of reflect's that it does not catch. */
class TomlError extends Error {}

type TomlType = 'hash' | 'arrayHash' | 'array' | 'scalar' | undefined

const isNil = (value: unknown): boolean => value === undefined || value === null || value instanceof NilPointer || isNilSlice(value)

const CONTROL_ESCAPES: Record<string, string> = {'\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r', '"': '\\"', '\\': '\\\\'}

/** The encoder's double-quoted form: quotes, backslashes and control characters escaped, everything else as it is. */
function quoted(text: string): string {
  // eslint-disable-next-line no-control-regex -- the control characters are what gets escaped
  const escaped = text.replace(/["\\\u0000-\u001f\u007f]/g, (char) => CONTROL_ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
  return `"${escaped}"`
}

/** A key piece: bare when every character is A-Z, a-z, 0-9, _ or -; quoted otherwise ("" when empty). */
function keyPiece(piece: string): string {
  return /^[A-Za-z0-9_-]+$/.test(piece) ? piece : quoted(piece)
}

/** strconv.FormatFloat(f, 'f', -1, 64) with a `.0` added when it has no decimal point, as TOML floats need one. */
function tomlFloat(value: number): string {
  if (Number.isNaN(value)) return 'nan'
  if (!Number.isFinite(value)) return value < 0 ? '-inf' : 'inf'
  const [mantissa, exponent] = Math.abs(value).toExponential().split('e')
  const digits = mantissa.replace('.', '')
  const point = Number(exponent) + 1
  let fixed: string
  if (point <= 0) fixed = `0.${'0'.repeat(-point)}${digits}`
  else if (point >= digits.length) fixed = digits + '0'.repeat(point - digits.length)
  else fixed = `${digits.slice(0, point)}.${digits.slice(point)}`
  const signed = (value < 0 || Object.is(value, -0) ? '-' : '') + fixed
  return signed.includes('.') ? signed : `${signed}.0`
}

/** json.Number: Int64() when it parses as one, else Float64(), else an error. */
function jsonNumber(number: JsonNumber): string {
  const text = number.text
  if (text === '') return '0'
  if (/^[+-]?\d+$/.test(text)) {
    const value = BigInt(text)
    if (value >= -(2n ** 63n) && value < 2n ** 63n) return value.toString()
  }
  const float = Number(text)
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text) && Number.isFinite(float)) return tomlFloat(float)
  throw new TomlError(`unable to convert ${JSON.stringify(text)} to int64 or float64`)
}

/** Go's reflect.Kind name of a value the encoder cannot write. */
function unsupportedKind(value: unknown): string {
  if (typeof value === 'function') return 'func'
  if (value instanceof GoComplex) return 'complex128'
  if (value instanceof GoChannel) return 'chan'
  return goTypeName(value)
}

function tomlType(value: unknown): TomlType {
  if (isNil(value)) return undefined
  if (value instanceof GoObject && value.marshalText) return 'scalar'
  if (value instanceof GoStruct || value instanceof GoObject || isGoMap(value)) return 'hash'
  if (Array.isArray(value)) {
    if (value.length === 0) return 'array'
    let allTables = true
    for (const item of value) {
      const type = tomlType(item)
      if (type === undefined) throw new TomlError('cannot encode array with nil element')
      if (type !== 'hash') allTables = false
    }
    return allTables ? 'arrayHash' : 'array'
  }
  if (typeof value === 'function' || value instanceof GoComplex || value instanceof GoChannel) {
    throw new TomlError(`unsupported type: ${unsupportedKind(value)}`)
  }
  return 'scalar'
}

const isTable = (value: unknown): boolean => {
  const type = tomlType(value)
  return type === 'hash' || type === 'arrayHash'
}

/** The entries of a table in the encoder's order: plain values (sorted), then sub-tables (sorted). */
function tableEntries(value: Record<string, unknown> | GoStruct | GoObject): {direct: Array<[string, unknown]>; sub: Array<[string, unknown]>} {
  let entries: Array<[string, unknown]>
  if (value instanceof GoStruct) entries = value.fields.map(([name, field]) => [name, field])
  else if (value instanceof GoObject) entries = []
  else {
    if (goTypeName(value) === 'map[interface {}]interface {}') throw new TomlError('cannot encode a map with non-string key type')
    entries = sortedKeys(value).map((key) => [key, value[key]])
  }
  const direct: Array<[string, unknown]> = []
  const sub: Array<[string, unknown]> = []
  for (const entry of entries) (isTable(entry[1]) ? sub : direct).push(entry)
  return {direct, sub}
}

class TomlEncoder {
  private out = ''
  private written = false

  encode(key: string[], value: unknown): void {
    // reflect.ValueOf(nil) is the zero Value, which the encoder's first reflect call does not survive.
    if (value === undefined || value === null) throw new Error('reflect: call of reflect.Value.Type on zero Value')
    // A nil pointer writes nothing; a nil slice is an empty array.
    if (value instanceof NilPointer) return
    if (value instanceof GoStruct || (value instanceof GoObject && !value.marshalText) || isGoMap(value)) return this.table(key, value)
    if (Array.isArray(value) && tomlType(value) === 'arrayHash') return this.arrayOfTables(key, value)
    if (typeof value === 'function' || value instanceof GoComplex || value instanceof GoChannel) {
      throw new TomlError(`unsupported type for key '${key.map(keyPiece).join('.')}': ${unsupportedKind(value)}`)
    }
    this.keyValue(key, value, false)
  }

  result(): string {
    return this.out
  }

  private write(text: string): void {
    this.out += text
    this.written = true
  }

  private newline(): void {
    if (this.written) this.write('\n')
  }

  private indent(key: string[]): string {
    return '  '.repeat(Math.max(key.length - 1, 0))
  }

  private keyValue(key: string[], value: unknown, inline: boolean): void {
    if (key.length === 0) return this.element(value)
    this.write(`${this.indent(key)}${keyPiece(key[key.length - 1])} = `)
    this.element(value)
    if (!inline) this.newline()
  }

  private table(key: string[], value: Record<string, unknown> | GoStruct | GoObject): void {
    // A blank line before each top-level table (unless nothing was written yet).
    if (key.length === 1) this.newline()
    if (key.length > 0) {
      this.write(`${this.indent(key)}[${key.map(keyPiece).join('.')}]`)
      this.newline()
    }
    this.tableBody(key, value, false)
  }

  private arrayOfTables(key: string[], items: unknown[]): void {
    if (key.length === 0) throw new TomlError('top-level values must be Go maps or structs')
    for (const item of items) {
      if (isNil(item)) continue
      this.newline()
      this.write(`${this.indent(key)}[[${key.map(keyPiece).join('.')}]]`)
      this.newline()
      this.tableBody(key, item as Record<string, unknown> | GoStruct, false)
    }
  }

  private tableBody(key: string[], value: Record<string, unknown> | GoStruct | GoObject, inline: boolean): void {
    const {direct, sub} = tableEntries(value)
    if (inline) this.write('{')
    if (value instanceof GoStruct) {
      // Struct fields: a comma after every field but the struct's last declared one.
      const total = value.fields.length
      for (const [name, field] of [...direct, ...sub]) {
        if (isNil(field)) continue
        if (!inline) {
          this.encode([...key, name], field)
          continue
        }
        this.keyValue([name], field, true)
        if (value.fields.findIndex(([fieldName]) => fieldName === name) !== total - 1) this.write(', ')
      }
    } else {
      const group = (entries: Array<[string, unknown]>, trailingComma: boolean): void => {
        entries.forEach(([name, item], i) => {
          if (isNil(item)) return
          if (!inline) return this.encode([...key, name], item)
          this.keyValue([name], item, true)
          if (trailingComma || i !== entries.length - 1) this.write(', ')
        })
      }
      group(direct, sub.length > 0)
      group(sub, false)
    }
    if (inline) this.write('}')
  }

  private element(value: unknown): void {
    if (value instanceof JsonNumber) return this.write(jsonNumber(value))
    if (value instanceof GoInt) return this.write(String(value.value))
    // A time.Time is a TOML datetime; any other TextMarshaler a string.
    if (value instanceof GoObject && value.marshalText) return this.write(value.typeName === 'time.Time' ? value.marshalText() : quoted(value.marshalText()))
    if (value instanceof GoStruct || value instanceof GoObject || isGoMap(value)) return this.tableBody([], value, true)
    if (Array.isArray(value)) {
      this.write('[')
      value.forEach((item, i) => {
        this.element(item)
        if (i !== value.length - 1) this.write(', ')
      })
      return this.write(']')
    }
    switch (typeof value) {
      case 'string':
        return this.write(quoted(value))
      case 'boolean':
      case 'bigint':
        return this.write(String(value))
      case 'number':
        return this.write(tomlFloat(value))
    }
    throw new TomlError(`unexpected type: ${goTypeName(value)}`)
  }
}

/** toTOML: the encoder's output with surrounding space trimmed; errors as consul-template wraps them. */
export function encodeToml(value: unknown): string {
  const encoder = new TomlEncoder()
  try {
    encoder.encode([], value)
  } catch (error) {
    if (error instanceof TomlError) throw new Error(`toTOML: toml: ${error.message}`)
    throw error
  }
  return goTrimSpace(encoder.result())
}

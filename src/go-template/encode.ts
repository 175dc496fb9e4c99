/** Go's encoding/json and gopkg.in/yaml.v2 output for template values (toJSON, toJSONPretty, toYAML). */
import {formatGoValue} from './fmt.js'
import {GoInt, GoObject, GoStruct, goTypeName, isGoMap, isNilSlice, JsonNumber, NilPointer, sortedKeys} from './values.js'

const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/

function quoteJson(text: string, escapeHtml: boolean): string {
  let out = '"'
  for (let i = 0; i < text.length; i++) {
    const char = text[i]
    const code = text.charCodeAt(i)
    if (char === '"' || char === '\\') out += '\\' + char
    else if (char === '\n') out += '\\n'
    else if (char === '\r') out += '\\r'
    else if (char === '\t') out += '\\t'
    else if (char === '\b') out += '\\b'
    else if (char === '\f') out += '\\f'
    else if (code < 0x20 || (escapeHtml && (char === '<' || char === '>' || char === '&')) || code === 0x2028 || code === 0x2029) {
      out += '\\u' + code.toString(16).padStart(4, '0')
    } else if (code >= 0xd800 && code <= 0xdfff) {
      const pair = code <= 0xdbff && /[\udc00-\udfff]/.test(text[i + 1] ?? '')
      out += pair ? char + text[++i] : '\\ufffd'
    } else out += char
  }
  return out + '"'
}

/** json.Marshal (indent "") or json.MarshalIndent(v, "", indent). */
export function encodeJson(value: unknown, options: {escapeHtml: boolean; indent: string}): string {
  const {indent, escapeHtml} = options
  const encode = (v: unknown, depth: number): string => {
    const newline = indent ? '\n' + indent.repeat(depth + 1) : ''
    const close = indent ? '\n' + indent.repeat(depth) : ''
    const colon = indent ? ': ' : ':'
    const group = (open: string, items: string[], end: string): string =>
      items.length === 0 ? open + end : open + newline + items.join(',' + newline) + close + end
    if (v === undefined || v === null || v instanceof NilPointer || isNilSlice(v)) return 'null'
    switch (typeof v) {
      case 'string':
        return quoteJson(v, escapeHtml)
      case 'boolean':
      case 'bigint':
        return String(v)
      case 'number':
        if (!Number.isFinite(v)) throw new Error(`json: unsupported value: ${Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf'}`)
        return Object.is(v, -0) ? '-0' : JSON.stringify(v)
      case 'function':
        throw new Error(`json: unsupported type: ${goTypeName(v)}`)
    }
    if (v instanceof GoInt) return String(v.value)
    if (v instanceof JsonNumber) {
      if (!JSON_NUMBER.test(v.text)) throw new Error(`json: invalid number literal ${JSON.stringify(v.text)}`)
      return v.text
    }
    if (v instanceof GoObject && v.marshalText) return quoteJson(v.marshalText(), escapeHtml)
    if (v instanceof GoStruct) {
      return group('{', v.fields.map(([k, field]) => quoteJson(k, escapeHtml) + colon + encode(field, depth + 1)), '}')
    }
    if (Array.isArray(v)) return group('[', v.map((item) => encode(item, depth + 1)), ']')
    if (isGoMap(v)) {
      return group('{', sortedKeys(v).map((k) => quoteJson(k, escapeHtml) + colon + encode(v[k], depth + 1)), '}')
    }
    throw new Error(`json: unsupported type: ${goTypeName(v)}`)
  }
  return encode(value, 0)
}

// --- YAML (gopkg.in/yaml.v2 Marshal), as far as decoded JSON goes ---

/** Plain scalars that YAML 1.1 would read as something other than a string, so yaml.v2 double-quotes them. */
const NON_STRING_SCALAR =
  /^(~|null|Null|NULL|y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)|[-+]?(0|[1-9][0-9_]*)|[-+]?0b[01_]+|[-+]?0[0-7_]+|[-+]?0x[0-9a-fA-F_]+|[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?|\d{4}-\d{1,2}-\d{1,2}(([Tt]|[ \t]+)\d{1,2}:\d{1,2}:\d{1,2}(\.\d*)?([ \t]*(Z|[-+]\d{1,2}(:?\d{2})?))?)?)$/

/** Shapes the emitter will not write as a plain scalar in block context; it falls back to single quotes. */
function needsQuotes(text: string): boolean {
  if (/^[ \t]|[ \t]$/.test(text) || /^(---|\.\.\.)/.test(text)) return true
  if (/^[,[\]{}#&*!|>'"%@`]/.test(text) || /^[-?:](\s|$)/.test(text)) return true
  return /: | #|:$/.test(text)
}

/** Characters libyaml will not write unescaped (is_printable), so the scalar is double-quoted. */
function isNonPrintable(text: string): boolean {
  for (const char of text) {
    const code = char.codePointAt(0)!
    if (code === 0x09 || (code < 0x20 && code !== 0x0a) || (code >= 0x7f && code <= 0x9f && code !== 0x85)) return true
    if ((code >= 0xd800 && code <= 0xdfff) || code === 0xfffe || code === 0xffff) return true
  }
  return false
}

/** The emitter's best width: plain and single-quoted scalars fold at a space past this column. */
const BEST_WIDTH = 80

/** Writes a scalar starting at `column`, folding at spaces as libyaml's writer does (continuation at `indent` + 2). */
function folded(text: string, column: number, indent: string): string {
  let out = ''
  let col = column
  let previousSpace = false
  const chars = [...text]
  chars.forEach((char, i) => {
    if (char === ' ') {
      if (!previousSpace && col > BEST_WIDTH && chars[i + 1] !== ' ' && i > 0 && i < chars.length - 1) {
        out += '\n' + indent + '  '
        col = indent.length + 2
      } else {
        out += char
        col++
      }
      previousSpace = true
    } else {
      out += char
      col++
      previousSpace = false
    }
  })
  return out
}

function yamlString(text: string, indent: string, column = 0): string {
  if (NON_STRING_SCALAR.test(text) || text === '') return JSON.stringify(text)
  if (isNonPrintable(text)) return JSON.stringify(text)
  if (text.includes('\n')) {
    const chomp = text.endsWith('\n') ? (text.endsWith('\n\n') ? '+' : '') : '-'
    const body = text.endsWith('\n') ? text.slice(0, -1) : text
    const lines = body.split('\n').map((line) => (line === '' ? '' : indent + '  ' + line))
    return `|${chomp}\n${lines.join('\n')}`
  }
  // U+0085, U+2028 and U+2029 are line breaks to YAML: no plain scalar, single quotes keep them.
  if (needsQuotes(text) || /[\u0085\u2028\u2029]/.test(text)) return `'${folded(text.replaceAll("'", "''"), column + 1, indent)}'`
  return folded(text, column, indent)
}

function yamlScalar(value: unknown, indent: string, column = 0): string | null {
  if (value === undefined || value === null || value instanceof NilPointer) return 'null'
  switch (typeof value) {
    case 'string':
      return yamlString(value, indent, column)
    case 'boolean':
    case 'bigint':
      return String(value)
    case 'number':
      return yamlFloat(value)
  }
  if (value instanceof GoInt) return String(value.value)
  if (value instanceof JsonNumber) {
    // yaml.v2 encodes a json.Number as an integer, else a float, else a string.
    if (/^[+-]?\d+$/.test(value.text) && BigInt.asIntN(64, BigInt(value.text)) === BigInt(value.text)) return BigInt(value.text).toString()
    return Number.isNaN(Number(value.text)) ? yamlString(value.text, indent) : yamlFloat(Number(value.text))
  }
  if (Array.isArray(value)) return value.length === 0 ? '[]' : null
  if (isGoMap(value)) return Object.keys(value).length === 0 ? '{}' : null
  if (value instanceof GoStruct) return value.fields.length === 0 ? '{}' : null
  if (value instanceof GoObject && value.marshalText) {
    // yaml.v2 writes a time.Time as a plain RFC 3339 scalar, any other TextMarshaler as a string.
    return value.typeName === 'time.Time' ? value.marshalText() : yamlString(value.marshalText(), indent, column)
  }
  throw new Error(`cannot marshal type: ${goTypeName(value)}`)
}

/** yaml.v2 writes floats with strconv.FormatFloat(f, 'g', -1, 64), which is fmt's %v. */
function yamlFloat(value: number): string {
  if (Number.isNaN(value)) return '.nan'
  if (!Number.isFinite(value)) return value > 0 ? '.inf' : '-.inf'
  return formatGoValue(value)
}

function yamlLines(value: unknown, indent: string): string[] {
  const entries: Array<[string | null, unknown]> = Array.isArray(value)
    ? value.map((item) => [null, item])
    : value instanceof GoStruct
      ? value.fields.map(([k, v]) => [k, v])
      : sortedKeys(value as Record<string, unknown>).map((k) => [k, (value as Record<string, unknown>)[k]])
  const lines: string[] = []
  for (const [key, item] of entries) {
    // yaml.v2 names a struct's fields in lower case.
    const name = key !== null && value instanceof GoStruct ? key.toLowerCase() : key
    const lead = name === null ? `${indent}- ` : `${indent}${yamlString(name, indent)}:`
    const scalar = yamlScalar(item, indent, name === null ? lead.length : lead.length + 1)
    if (scalar !== null) {
      lines.push(key === null ? lead + scalar : `${lead} ${scalar}`)
      continue
    }
    if (key === null) {
      // A nested collection in a list starts on the dash's line.
      const nested = yamlLines(item, indent + '  ')
      lines.push(lead + nested[0].slice(indent.length + 2), ...nested.slice(1))
    } else {
      lines.push(lead, ...yamlLines(item, Array.isArray(item) ? indent : indent + '  '))
    }
  }
  return lines
}

/** yaml.Marshal output with surrounding whitespace trimmed, as consul-template's toYAML returns it. */
export function encodeYaml(value: unknown): string {
  const scalar = yamlScalar(value, '')
  return (scalar ?? yamlLines(value, '').join('\n')).trim()
}

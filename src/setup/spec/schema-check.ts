/**
 * Validates a value against the subset of JSON Schema that SPEC_SCHEMA uses, reporting every problem with the path
 * to it. The keyword list is closed: a schema using anything else is refused rather than half-checked.
 */
export type JsonPath = Array<string | number>

export interface SchemaProblem {
  path: JsonPath
  /** The problem is the key at `path` itself (an unknown field), not its value. */
  atKey?: boolean
  message: string
}

type Schema = Record<string, unknown>

const ANNOTATIONS = new Set(['$schema', 'title', 'description', 'default'])
const CHECKED = new Set([
  'type', 'properties', 'required', 'additionalProperties', 'minProperties', 'maxProperties',
  'const', 'enum', 'pattern', 'minLength', 'maxLength', 'items', 'minItems', 'uniqueItems',
])

export function unsupportedKeywords(schema: unknown, found = new Set<string>()): Set<string> {
  if (schema === null || typeof schema !== 'object') return found
  for (const [keyword, value] of Object.entries(schema)) {
    if (!ANNOTATIONS.has(keyword) && !CHECKED.has(keyword)) found.add(keyword)
    if (keyword === 'properties') for (const sub of Object.values(value as Schema)) unsupportedKeywords(sub, found)
    if (keyword === 'items' || keyword === 'additionalProperties') unsupportedKeywords(value, found)
  }
  return found
}

const typeOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value

function typeMatches(wanted: string, value: unknown): boolean {
  const actual = typeOf(value)
  return actual === wanted || (wanted === 'number' && actual === 'integer')
}

const show = (value: unknown) => JSON.stringify(value)

export function checkSchema(schema: Schema, value: unknown, path: JsonPath = [], problems: SchemaProblem[] = []): SchemaProblem[] {
  const problem = (message: string, atKey = false) => problems.push({path, message, ...(atKey ? {atKey} : {})})
  if (schema.const !== undefined && value !== schema.const) return (problem(`must be ${show(schema.const)}`), problems)
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) return (problem(`must be one of ${schema.enum.join(', ')}`), problems)
  if (typeof schema.type === 'string' && !typeMatches(schema.type, value)) {
    return (problem(`must be ${schema.type === 'object' ? 'a mapping' : schema.type === 'array' ? 'a list' : `a ${schema.type}`}, not ${describe(value)}`), problems)
  }
  if (typeof value === 'string') checkString(schema, value, problem)
  if (Array.isArray(value)) checkArray(schema, value, path, problems, problem)
  if (typeOf(value) === 'object') checkObject(schema, value as Record<string, unknown>, path, problems, problem)
  return problems
}

function describe(value: unknown): string {
  const type = typeOf(value)
  if (type === 'null') return 'empty'
  if (type === 'object') return 'a mapping'
  if (type === 'array') return 'a list'
  return `${type === 'integer' ? 'a number' : `a ${type}`} (${show(value)})`
}

/** Each pattern compiled once per process, not once per value checked (50 apps check each pattern 50 times). */
const patterns = new Map<string, RegExp>()
function patternOf(source: string): RegExp {
  let pattern = patterns.get(source)
  if (!pattern) {
    pattern = new RegExp(source, 'u')
    patterns.set(source, pattern)
  }
  return pattern
}

function checkString(schema: Schema, value: string, problem: (message: string) => void): void {
  if (typeof schema.minLength === 'number' && value.length < schema.minLength) problem(value === '' ? 'must not be empty' : `must have at least ${schema.minLength} characters`)
  if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) problem(`must have at most ${schema.maxLength} characters`)
  if (typeof schema.pattern === 'string' && !patternOf(schema.pattern).test(value)) problem(`${show(value)} does not match ${schema.pattern}`)
}

function checkArray(schema: Schema, value: unknown[], path: JsonPath, problems: SchemaProblem[], problem: (message: string) => void): void {
  if (typeof schema.minItems === 'number' && value.length < schema.minItems) problem(`must have at least ${schema.minItems} item${schema.minItems === 1 ? '' : 's'}`)
  if (schema.uniqueItems === true) {
    const seen = new Set<string>()
    value.forEach((item, index) => {
      if (seen.has(show(item))) problems.push({path: [...path, index], message: `${show(item)} is listed twice`})
      seen.add(show(item))
    })
  }
  if (schema.items && typeof schema.items === 'object') value.forEach((item, index) => checkSchema(schema.items as Schema, item, [...path, index], problems))
}

function checkObject(schema: Schema, value: Record<string, unknown>, path: JsonPath, problems: SchemaProblem[], problem: (message: string) => void): void {
  const properties = (schema.properties ?? {}) as Record<string, Schema>
  const keys = Object.keys(value)
  for (const required of (schema.required ?? []) as string[]) if (!Object.hasOwn(value, required)) problem(`${required} is required`)
  if (typeof schema.minProperties === 'number' && keys.length < schema.minProperties) problem(schemaPropertyList(properties) ? `must have one of ${schemaPropertyList(properties)}` : `must have at least ${schema.minProperties} entry`)
  if (typeof schema.maxProperties === 'number' && keys.length > schema.maxProperties) problem(`must have only one of ${schemaPropertyList(properties)}, not ${keys.join(' and ')}`)
  for (const key of keys) {
    const sub = Object.hasOwn(properties, key) ? properties[key] : schema.additionalProperties
    if (sub === false || (sub === undefined && schema.additionalProperties === false)) {
      const known = Object.keys(properties)
      problems.push({path: [...path, key], atKey: true, message: `unknown field ${show(key)}${known.length ? ` (expected ${known.join(', ')})` : ''}`})
    } else if (sub && typeof sub === 'object') {
      checkSchema(sub as Schema, value[key], [...path, key], problems)
    }
  }
}

function schemaPropertyList(properties: Record<string, Schema>): string {
  return Object.keys(properties).join(', ')
}

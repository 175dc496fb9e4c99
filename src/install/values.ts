/**
 * Enough of Helm's value handling to tell whether a re-run would change the release: `--set a.b=c,d=e` as
 * helm/helm pkg/strvals/parser.go reads it (typed values: true/false/null/integers), `--values` files as YAML,
 * merged in Helm's order (files, then --set; later wins). Anything beyond dotted keys (lists `a[0]`, escapes)
 * is reported as undecidable, and vsi then lets Helm do the upgrade.
 */
import {readFile} from 'node:fs/promises'

import {inputError} from '../errors.js'

export type Values = Record<string, unknown>

/** undefined when the expression uses syntax this reader does not follow. */
export function parseSet(expression: string): Values | undefined {
  if (/[[\]\\{}]/.test(expression)) return undefined
  const values: Values = {}
  for (const assignment of expression.split(',')) {
    const at = assignment.indexOf('=')
    if (at <= 0) return undefined
    const path = assignment.slice(0, at).split('.')
    if (path.some((key) => key === '')) return undefined
    setPath(values, path, typedValue(assignment.slice(at + 1)))
  }
  return values
}

/** strvals typedVal: true, false and null by name (any case), integers without a leading zero; else a string. */
function typedValue(text: string): unknown {
  if (text.toLowerCase() === 'true') return true
  if (text.toLowerCase() === 'false') return false
  if (text.toLowerCase() === 'null') return null
  if (/^-?(0|[1-9]\d*)$/.test(text) && Number.isSafeInteger(Number(text))) return Number(text)
  return text
}

function setPath(target: Values, path: string[], value: unknown): void {
  let node = target
  for (const key of path.slice(0, -1)) {
    const next = node[key]
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[key] = {}
    node = node[key] as Values
  }
  node[path[path.length - 1]] = value
}

/** Helm's coalescing of user values: maps merge key by key, anything else is replaced. */
export function mergeValues(base: Values, overlay: Values): Values {
  const out: Values = {...base}
  for (const [key, value] of Object.entries(overlay)) {
    const current = out[key]
    out[key] = isMap(current) && isMap(value) ? mergeValues(current, value) : value
  }
  return out
}

export async function readValuesFile(path: string): Promise<Values> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw inputError(`--values ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`)
  }
  const {parse} = await import('yaml')
  let parsed: unknown
  try {
    parsed = parse(text)
  } catch (error) {
    throw inputError(`--values ${path}: not valid YAML: ${(error as Error).message.split('\n')[0]}`)
  }
  if (parsed === null || parsed === undefined) return {}
  if (!isMap(parsed)) throw inputError(`--values ${path}: expected a YAML map of chart values`)
  return parsed
}

/** The user-supplied values the release would get, or undefined when a --set cannot be read here. */
export async function desiredValues(files: string[], sets: string[]): Promise<Values | undefined> {
  let values: Values = {}
  for (const file of files) values = mergeValues(values, await readValuesFile(file))
  for (const expression of sets) {
    const parsed = parseSet(expression)
    if (!parsed) return undefined
    values = mergeValues(values, parsed)
  }
  return values
}

export function sameValues(a: unknown, b: unknown): boolean {
  if (isMap(a) && isMap(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)])
    return [...keys].every((key) => sameValues(a[key], b[key]))
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => sameValues(item, b[i]))
  return a === b
}

function isMap(value: unknown): value is Values {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

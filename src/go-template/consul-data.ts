/**
 * consul-template's functions over maps and YAML (template/funcs.go parseYAML, explodeMap, mergeMap,
 * mergeMapWithOverride; template/scratch.go Scratch).
 */
import {createRequire} from 'node:module'

import type * as Yaml from 'yaml'

import type {CallContext, GoFunc} from './functions.js'
import {formatGoValue, sprintf} from './fmt.js'
import {yamlV2Error} from './yaml-errors.js'
import {GoObject, interfaceMap, isGoMap, isTrue, sortedKeys} from './values.js'

type GoMap = Record<string, unknown>

/** The YAML library, loaded when a template first calls parseYAML. */
let yamlLibrary: typeof Yaml | undefined
const yaml = (): typeof Yaml => (yamlLibrary ??= createRequire(import.meta.url)('yaml') as typeof Yaml)

/** yaml.Unmarshal into interface{} (yaml.v2, YAML 1.1): maps are map[interface {}]interface {}, integers int. */
export function parseYaml(text: string): unknown {
  if (text === '') return {}
  // yaml.v2 lets a later duplicate key replace an earlier one.
  const [doc] = yaml().parseAllDocuments(text, {version: '1.1', intAsBigInt: true, logLevel: 'silent', uniqueKeys: false})
  if (!doc) return null
  if (doc.errors.length > 0) throw new Error(yamlV2Error(text, doc.errors[0]))
  const convertKey = (key: unknown): unknown => {
    if (key === undefined || key === null) return null
    if (typeof key === 'bigint' || typeof key === 'number' || typeof key === 'boolean' || typeof key === 'string') return key
    // A key that is itself a map or list is not hashable in Go; yaml.v2 fails on it. Use its text.
    return key instanceof Date ? key.toISOString() : String(key)
  }
  const convert = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(convert)
    if (value instanceof Map) {
      // yaml.v2 keeps each key's type (int, bool, float64, nil); the entry is held under the key as %v prints it.
      const map: GoMap = {}
      const keys = new Map<string, unknown>()
      for (const [k, v] of value as Map<unknown, unknown>) {
        const key = convertKey(k)
        const property = typeof key === 'string' ? key : formatGoValue(key)
        if (typeof key === 'string') keys.delete(property)
        else keys.set(property, key)
        map[property] = convert(v)
      }
      return interfaceMap(map, keys)
    }
    if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
      return interfaceMap(Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v)])))
    }
    if (value instanceof Date) return value.toISOString()
    return value === undefined ? null : value
  }
  let js: unknown
  try {
    js = doc.toJS({mapAsMap: true, logLevel: 'silent'})
  } catch (error) {
    // yaml.v2's decoder (decode.go d.alias) on an alias to an anchor it has not seen.
    const alias = /Unresolved alias[^:]*: (.*)$/.exec((error as Error).message)
    if (alias !== null) throw new Error(`yaml: unknown anchor '${alias[1]}' referenced`)
    throw error
  }
  return convert(js)
}

/** explodeMap: "a/b" keys become nested maps, in sorted key order; a key both a value and a prefix fails. */
export function explodeMap(input: GoMap): GoMap {
  const out: GoMap = {}
  const place = (map: GoMap, key: string, value: unknown, path: string): void => {
    if (key.includes('/')) {
      const [top, ...rest] = key.split('/')
      if (!Object.hasOwn(map, top)) map[top] = {}
      const nested = map[top]
      if (!isGoMap(nested)) throw new Error(`explodeMap: not a map: ${sprintf('%q', [path])}: ${sprintf('%q', [top])} already has value ${sprintf('%q', [nested])}`)
      place(nested, rest.join('/'), value, key)
    } else if (key !== '') {
      map[key] = value
    }
  }
  for (const key of sortedKeys(input)) place(out, key, input[key], key)
  return out
}

/** mergo's idea of an empty value, which a merge fills even without override. */
const isEmpty = (value: unknown): boolean => !isTrue(value)

/** mergo.Map(&dst, src[, WithOverride]): fills dst (in place, as Go's maps are references) from src, maps deeply. */
export function mergeMaps(dst: GoMap, src: GoMap, override: boolean): GoMap {
  for (const [key, value] of Object.entries(src)) {
    const current = dst[key]
    if (isGoMap(current) && isGoMap(value)) mergeMaps(current, value, override)
    else if (!Object.hasOwn(dst, key) || isEmpty(current) || (override && !isEmpty(value))) dst[key] = value
  }
  return dst
}

const scratches = new WeakMap<CallContext, GoObject>()

/** `scratch`: one *Scratch per render, as consul-template's funcMap makes one per Execute. */
export function scratchOf(context: CallContext): GoObject {
  let scratch = scratches.get(context)
  if (scratch) return scratch
  const values = new Map<string, unknown>()
  const method = (params: GoFunc['params'], call: (args: unknown[]) => unknown): GoFunc => ({params, call})
  const mapSet = (key: string, mapKey: string, value: unknown, override: boolean): string => {
    if (!values.has(key)) values.set(key, {})
    const typed = values.get(key)
    if (!isGoMap(typed)) throw new Error(`${sprintf('%q', [key])} is not a map`)
    if (override || !Object.hasOwn(typed, mapKey)) typed[mapKey] = value
    return ''
  }
  scratch = new GoObject('*template.Scratch', {
    Key: method(['string'], ([k]) => values.has(k as string)),
    Get: method(['string'], ([k]) => values.get(k as string) ?? null),
    Set: method(['string', 'any'], ([k, v]) => {
      values.set(k as string, v)
      return ''
    }),
    SetX: method(['string', 'any'], ([k, v]) => {
      if (!values.has(k as string)) values.set(k as string, v)
      return ''
    }),
    MapSet: method(['string', 'string', 'any'], ([k, mk, v]) => mapSet(k as string, mk as string, v, true)),
    MapSetX: method(['string', 'string', 'any'], ([k, mk, v]) => mapSet(k as string, mk as string, v, false)),
    MapValues: method(['string'], ([k]) => {
      const typed = values.get(k as string)
      return isGoMap(typed) ? sortedKeys(typed).map((key) => typed[key]) : null
    }),
  })
  scratches.set(context, scratch)
  return scratch
}

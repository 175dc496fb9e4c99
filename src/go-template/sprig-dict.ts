/**
 * sprig v3.3.0's merge, mergeOverwrite and deepCopy (Masterminds/sprig dict.go): mergo v1.0.2's Merge on
 * map[string]interface{} (consul-template's mergeMap calls mergo.Map instead), and copystructure's Copy.
 */
import type {GoFunc, ParamType} from './functions.js'
import {GoChannel, GoComplex, GoInt, GoObject, GoStruct, goTypeName, interfaceMap, isGoMap, isStringMap, isStringSlice, JsonNumber, NilPointer, stringMap, stringSlice} from './values.js'

type GoMap = Record<string, unknown>

const fn = (params: ParamType[], call: (args: unknown[]) => unknown, variadic?: ParamType): GoFunc => ({params, variadic, call: (args) => call(args)})

/** mergo's isEmptyValue (dereferencing): "", 0, false, nil and empty maps and slices; json.Number is a string. */
function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === '' || value === false || value === 0) return true
  if (typeof value === 'bigint') return value === 0n
  if (value instanceof GoInt) return value.value === 0n
  if (value instanceof JsonNumber) return value.text === ''
  if (Array.isArray(value)) return value.length === 0
  return isGoMap(value) && Object.keys(value).length === 0
}

/**
 * mergo v1.0.2's deepMerge of two map[string]interface{} (merge.go, case reflect.Map), with its quirks: a nil in src
 * clears the key only with override; maps merge deeply into dst's own maps; a slice replaces dst's only with
 * override, or when dst's value is empty; with override every other value of src wins, even an empty one.
 */
function mergoMerge(dst: GoMap, src: GoMap, override: boolean): void {
  for (const [key, value] of Object.entries(src)) {
    const present = Object.hasOwn(dst, key)
    const current = dst[key]
    if (value === null || value === undefined) {
      if (override) dst[key] = null
      continue
    }
    if (isGoMap(value) && isGoMap(current)) mergoMerge(current, value, override)
    if (Array.isArray(value)) {
      if (override || Object.keys(dst).length === 0) dst[key] = value
      else if (!present || current === null) dst[key] = isStringSlice(value) ? stringSlice([]) : []
    }
    if (present && !isEmpty(current) && (Array.isArray(value) || (isGoMap(value) && isGoMap(current)))) continue
    if (override || !present || isEmpty(current)) dst[key] = value
  }
}

/** Merges each source into dst in order; dst is changed in place (a Go map is a reference) and returned. */
const mergeAll = (override: boolean) => ([dst, ...sources]: unknown[]): GoMap => {
  for (const source of sources) mergoMerge(dst as GoMap, source as GoMap, override)
  return dst as GoMap
}

/** copystructure.Copy: maps and slices are copied deeply, keeping their Go types; scalars are values already. */
function deepCopy(value: unknown): unknown {
  if (value === null || value === undefined) throw new Error('reflect: call of reflect.Value.Type on zero Value')
  if (Array.isArray(value)) {
    const items = value.map(deepCopy)
    return isStringSlice(value) ? stringSlice(items as string[]) : items
  }
  if (value instanceof JsonNumber || value instanceof GoInt || value instanceof GoComplex) return value
  if (value instanceof GoStruct || value instanceof GoObject || value instanceof NilPointer || value instanceof GoChannel) return value
  if (!isGoMap(value)) return value
  const copy: GoMap = {}
  for (const [key, item] of Object.entries(value)) copy[key] = deepCopy(item)
  if (isStringMap(value)) return stringMap(copy as Record<string, string>)
  return goTypeName(value) === 'map[interface {}]interface {}' ? interfaceMap(copy) : copy
}

export const DICT_SPRIG: Record<string, GoFunc> = {
  merge: fn(['map'], mergeAll(false), 'map'),
  mustMerge: fn(['map'], mergeAll(false), 'map'),
  mergeOverwrite: fn(['map'], mergeAll(true), 'map'),
  mustMergeOverwrite: fn(['map'], mergeAll(true), 'map'),
  deepCopy: fn(['any'], ([value]) => deepCopy(value)),
  mustDeepCopy: fn(['any'], ([value]) => deepCopy(value)),
}

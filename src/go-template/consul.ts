/**
 * consul-template's functions as Vault Agent has them (consul-template template/funcs.go), with the same parameter
 * types, argument order (the piped value comes last) and error texts. Functions that need Consul, Nomad, the file
 * system or a subprocess are known (so templates using them parse) but fail when rendered.
 */
import {goBytes} from './bytes.js'
import {jsonArray} from './capacity.js'
import {createHash, createHmac} from 'node:crypto'

import {explodeMap, mergeMaps, parseYaml, scratchOf} from './consul-data.js'
import {rfc3339Time} from './sprig-date.js'
import {encodeJson, encodeYaml} from './encode.js'
import {sprintf} from './fmt.js'
import type {CallContext, GoFunc, ParamType} from './functions.js'
import {
  decodeBase64,
  encodeBase64,
  formatGoTime,
  parseFloat64,
  parseGoBool,
  parseInt64,
  parseUint64,
} from './gostd.js'
import {goQuote} from './quote.js'
import {compileGoRegexp} from './regexp.js'
import {goToLower, goToTitle, goToUpper, goTrimSpace} from './unicode.js'
import {pemEncoded} from './pki.js'
import {encodeToml} from './toml.js'
import {GoChannel, GoInt, goTypeName, int64, intValue, isDeletedKvV2, JsonNumber, stringMap, stringSlice, toSecretStruct} from './values.js'

const fn = (params: ParamType[], call: GoFunc['call'], variadic?: ParamType): GoFunc => ({params, variadic, call})
const str = (value: unknown): string => value as string
const wrap = (name: string, error: unknown): Error => new Error(`${name}: ${(error as Error).message}`)

function secret(args: unknown[], context: CallContext): unknown {
  if (args.length === 0) return null
  const [path, ...rest] = args.map(str)
  const params: string[] = []
  for (const pair of rest) {
    if (pair.length === 0) continue
    if (!pair.includes('=')) throw new Error(`not k=v pair ${goQuote(pair)}`)
    const [key, ...value] = pair.split('=')
    params.push(`${goTrimSpace(key)}=${goTrimSpace(value.join('='))}`)
  }
  if (!context.secret) throw new Error(`no Vault secret source is configured to read ${goQuote(path)}`)
  const raw = context.secret(path, ...params)
  if (isDeletedKvV2(raw, context.now())) throw new Error(`no secret exists at ${path}`)
  return toSecretStruct(raw, rfc3339Time)
}

/** consul-template's pkiCert: the certificate Vault Agent would issue at pki/issue/ROLE, from the caller's answer. */
function pkiCert(args: unknown[], context: CallContext): unknown {
  if (args.length === 0) return null
  const [path, ...rest] = args.map(str)
  const data: Record<string, string> = {}
  for (const pair of rest) {
    if (pair.length === 0) continue
    if (!pair.includes('=')) throw new Error(`not k=v pair ${goQuote(pair)}`)
    const [key, ...value] = pair.split('=')
    data[goTrimSpace(key)] = goTrimSpace(value.join('='))
  }
  if (!context.pkiCert) throw new Error(`no Vault PKI source is configured to issue ${goQuote(path)}`)
  const raw = context.pkiCert(path, data)
  // Not fetched yet: consul-template renders nil until the dependency has data.
  return raw === null || raw === undefined ? null : pemEncoded(raw)
}

function secrets(args: unknown[], context: CallContext): unknown {
  const path = str(args[0])
  if (path.length === 0) return stringSlice([])
  if (!context.listSecrets) throw new Error(`no Vault secret source is configured to list ${goQuote(path)}`)
  return stringSlice([...context.listSecrets(path)].sort())
}

/** consul-template's `in`: is v an element of the slice l, or a substring of the string l? */
function contains(list: unknown, value: unknown): boolean {
  const sameString = (a: unknown, b: unknown): boolean =>
    (typeof a === 'string' && typeof b === 'string' && a === b) ||
    (a instanceof JsonNumber && b instanceof JsonNumber && a.text === b.text)
  if (Array.isArray(list)) {
    return list.some(
      (item) =>
        (intValue(item) !== undefined && goTypeName(item) === goTypeName(value) && intValue(item) === intValue(value)) ||
        (typeof item === 'number' && typeof value === 'number' && item === value) ||
        sameString(item, value),
    )
  }
  if (typeof list === 'string') return typeof value === 'string' && list.includes(value)
  return false
}

/** containsAll/Any/None/NotAll (consul-template's containsSomeFunc). */
const containsSome = (retTrue: boolean, invert: boolean): GoFunc =>
  fn(['[]any', 'any'], ([values, list]) => {
    for (const value of values as unknown[]) if (contains(list, value) !== invert) return !retTrue
    return retTrue
  })

function envLookup(context: CallContext, name: string): string | undefined {
  return Object.hasOwn(context.env, name) ? context.env[name] : undefined
}

function indent(spaces: bigint, text: string): string {
  if (spaces < 0n) throw new Error('indent value must be a positive integer')
  const prefix = ' '.repeat(Number(spaces))
  let out = ''
  let atLineStart = true
  for (const char of text) {
    if (atLineStart && char !== '\n') out += prefix
    out += char
    atLineStart = char === '\n'
  }
  return out
}

function replaceAll(from: string, to: string, text: string): string {
  if (from === '') return to + [...text].join(to) + (text === '' ? '' : to)
  return text.split(from).join(to)
}

function split(separator: string, text: string): string[] {
  const trimmed = goTrimSpace(text)
  if (trimmed === '') return stringSlice([])
  return stringSlice(separator === '' ? [...trimmed] : trimmed.split(separator))
}

function splitToMap(outer: string, inner: string, text: string): Record<string, string> {
  const map = stringMap({})
  const trimmed = goTrimSpace(text)
  if (trimmed === '') return map
  for (const part of trimmed.split(outer)) {
    const at = part.indexOf(inner)
    if (at >= 0) map[part.slice(0, at)] = part.slice(at + inner.length)
  }
  return map
}

function parseJson(text: string): unknown {
  if (text === '') return {}
  try {
    // encoding/json grows each []interface{} by append.
    return JSON.parse(text, (_key, value: unknown) => (Array.isArray(value) ? jsonArray(value) : value)) as unknown
  } catch (error) {
    const message = (error as Error).message
    const position = /at position (\d+)/.exec(message)
    const atEnd = /end of JSON input|Unexpected end/.test(message) || (position !== null && Number(position[1]) >= text.trimEnd().length)
    throw new Error(atEnd ? 'unexpected end of JSON input' : message)
  }
}

function timestamp(args: unknown[], context: CallContext): string {
  if (args.length > 1) throw new Error(`timestamp: wrong number of arguments, expected 0 or 1, but got ${args.length}`)
  const now = context.now()
  if (args[0] === 'unix') return String(Math.floor(now.getTime() / 1000))
  return formatGoTime(now, args.length === 0 ? '2006-01-02T15:04:05Z07:00' : str(args[0]))
}

function loop(args: unknown[]): GoChannel {
  if (args.length < 1 || args.length > 2) {
    throw new Error(`loop: wrong number of arguments, expected 1 or 2, but got ${args.length}`)
  }
  const toInt = (value: unknown): bigint => {
    if (intValue(value) !== undefined) return BigInt.asIntN(64, intValue(value)!)
    // A string kind, json.Number included, goes through consul-template's parseInt.
    if (typeof value === 'string' || value instanceof JsonNumber) return parseWrapped('parseInt', String(value), 0n, parseInt64)
    throw new Error(`loop: bad argument type: ${goTypeName(value)}`)
  }
  const [start, stop] = args.length === 1 ? [0n, toInt(args[0])] : [toInt(args[0]), toInt(args[1])]
  const out: GoInt[] = []
  for (let i = start; i < stop; i++) out.push(new GoInt(i))
  return new GoChannel('<-chan int64', out)
}

/** consul-template's math functions: `{{ add 1 2 }}` and `{{ 2 | add 1 }}` are a + b with b the first argument. */
function math(name: string, floatOp: (a: number, b: number) => number, intOp: (a: bigint, b: bigint) => bigint, floats = true) {
  return fn(['any', 'any'], ([b, a]) => {
    for (const v of [a, b]) {
      if (intValue(v) !== undefined || (floats && typeof v === 'number')) continue
      throw new Error(`${name}: unknown type for ${sprintf('%q', [v])} (${v === null ? '<nil>' : goTypeName(v)})`)
    }
    const [x, y] = [intValue(a), intValue(b)]
    if (x !== undefined && y !== undefined) {
      if (y === 0n && (name === 'divide' || name === 'modulo')) throw new Error('runtime error: integer divide by zero')
      // Two unsigned operands give a uint64, any other pair an int64 (reflect's Uint() and Int()); both wrap as Go's do.
      const unsigned = (v: unknown): boolean => v instanceof GoInt && v.type === 'uint64'
      if (unsigned(a) && unsigned(b)) return new GoInt(BigInt.asUintN(64, intOp(x, y)), 'uint64')
      return int64(intOp(BigInt.asIntN(64, x), BigInt.asIntN(64, y)))
    }
    return floatOp(Number(x ?? (a as number)), Number(y ?? (b as number)))
  })
}

const unsupported = (name: string, why: string): GoFunc =>
  fn([], () => {
    throw new Error(`${name} is not supported when vsi renders templates (${why})`)
  }, 'any')

const NEEDS = {
  consul: 'it reads from Consul',
  nomad: 'it reads from Nomad',
  disk: 'Vault Agent runs it against its own file system',
  exec: 'it runs a local program',
}

const UNSUPPORTED: Record<string, string> = {
  caLeaf: NEEDS.consul,
  caRoots: NEEDS.consul,
  connect: NEEDS.consul,
  datacenters: NEEDS.consul,
  exportedServices: NEEDS.consul,
  key: NEEDS.consul,
  keyExists: NEEDS.consul,
  keyOrDefault: NEEDS.consul,
  ls: NEEDS.consul,
  safeLs: NEEDS.consul,
  node: NEEDS.consul,
  nodes: NEEDS.consul,
  partitions: NEEDS.consul,
  peerings: NEEDS.consul,
  service: NEEDS.consul,
  services: NEEDS.consul,
  tree: NEEDS.consul,
  safeTree: NEEDS.consul,
  byKey: NEEDS.consul,
  byTag: NEEDS.consul,
  byMeta: NEEDS.consul,
  explode: NEEDS.consul,
  nomadService: NEEDS.nomad,
  nomadServices: NEEDS.nomad,
  nomadVar: NEEDS.nomad,
  nomadVarExists: NEEDS.nomad,
  nomadVarList: NEEDS.nomad,
  nomadVarListSafe: NEEDS.nomad,
  file: NEEDS.disk,
  writeToFile: NEEDS.disk,
  plugin: NEEDS.exec,
  sockaddr: 'it inspects the host network',
  spew_dump: 'not implemented',
  spew_printf: 'not implemented',
  spew_sdump: 'not implemented',
  spew_sprintf: 'not implemented',
}

const IMPLEMENTED: Record<string, GoFunc> = {
  secret: fn([], secret, 'string'),
  pkiCert: fn([], pkiCert, 'string'),
  secrets: fn(['string'], secrets),
  base64Decode: fn(['string'], ([s]) => {
    try {
      return decodeBase64(str(s), false)
    } catch (error) {
      throw wrap('base64Decode', error)
    }
  }),
  base64Encode: fn(['string'], ([s]) => encodeBase64(str(s), false)),
  base64URLDecode: fn(['string'], ([s]) => {
    try {
      return decodeBase64(str(s), true)
    } catch (error) {
      throw wrap('base64URLDecode', error)
    }
  }),
  base64URLEncode: fn(['string'], ([s]) => encodeBase64(str(s), true)),
  contains: fn(['any', 'any'], ([value, list]) => contains(list, value)),
  containsAll: containsSome(true, true),
  containsAny: containsSome(false, false),
  containsNone: containsSome(true, false),
  containsNotAll: containsSome(false, true),
  in: fn(['any', 'any'], ([list, value]) => contains(list, value)),
  env: fn(['string'], ([name], context) => envLookup(context, str(name)) ?? ''),
  mustEnv: fn(['string'], ([name], context) => {
    const value = envLookup(context, str(name)) ?? ''
    if (value === '') throw new Error(`required environment variable ${str(name)} is empty`)
    return value
  }),
  envOrDefault: fn(['string', 'string'], ([name, fallback], context) => envLookup(context, str(name)) ?? fallback),
  executeTemplate: fn(['string'], ([name, ...data], context) => {
    if (data.length > 1) throw new Error(`executeTemplate: wrong number of arguments, expected 1 or 2, but got ${data.length + 1}`)
    return context.executeTemplate(str(name), data[0] ?? null)
  }, 'any'),
  indent: fn(['int', 'string'], ([spaces, s]) => indent(spaces as bigint, str(s))),
  join: fn(['string', '[]string'], ([sep, list]) => (list as string[]).join(str(sep))),
  trim: fn(['string', 'string'], ([cutset, s]) => trimCutset(str(s), str(cutset))),
  trimPrefix: fn(['string', 'string'], ([prefix, s]) => (str(s).startsWith(str(prefix)) ? str(s).slice(str(prefix).length) : s)),
  trimSuffix: fn(['string', 'string'], ([suffix, s]) =>
    str(suffix) !== '' && str(s).endsWith(str(suffix)) ? str(s).slice(0, -str(suffix).length) : s,
  ),
  trimSpace: fn(['string'], ([s]) => goTrimSpace(str(s))),
  parseBool: fn(['string'], ([s]) => parseWrapped('parseBool', str(s), false, parseGoBool)),
  parseFloat: fn(['string'], ([s]) => parseWrapped('parseFloat', str(s), 0, parseFloat64)),
  parseInt: fn(['string'], ([s]) => new GoInt(parseWrapped('parseInt', str(s), 0n, parseInt64))),
  parseUint: fn(['string'], ([s]) => new GoInt(parseWrapped('parseUint', str(s), 0n, parseUint64), 'uint64')),
  parseJSON: fn(['string'], ([s]) => parseJson(str(s))),
  regexMatch: fn(['string', 'string'], ([re, s]) => compileGoRegexp(str(re)).matchString(str(s))),
  regexReplaceAll: fn(['string', 'string', 'string'], ([re, replacement, s]) => compileGoRegexp(str(re)).replaceAllString(str(s), str(replacement))),
  replaceAll: fn(['string', 'string', 'string'], ([from, to, s]) => replaceAll(str(from), str(to), str(s))),
  hmacSHA256Hex: fn(['string', 'string'], ([message, key]) => createHmac('sha256', goBytes(str(key))).update(goBytes(str(message))).digest('hex')),
  parseYAML: fn(['string'], ([s]) => parseYaml(str(s))),
  explodeMap: fn(['map'], ([m]) => explodeMap(m as Record<string, unknown>)),
  mergeMap: fn(['map', 'map'], ([dst, src]) => mergeMaps(dst as Record<string, unknown>, src as Record<string, unknown>, false)),
  mergeMapWithOverride: fn(['map', 'map'], ([dst, src]) => mergeMaps(dst as Record<string, unknown>, src as Record<string, unknown>, true)),
  scratch: fn([], (_args, context) => scratchOf(context)),
  sha256Hex: fn(['string'], ([s]) => createHash('sha256').update(goBytes(str(s))).digest('hex')),
  md5sum: fn(['string'], ([s]) => createHash('md5').update(goBytes(str(s))).digest('hex')),
  split: fn(['string', 'string'], ([sep, s]) => split(str(sep), str(s))),
  splitToMap: fn(['string', 'string', 'string'], ([outer, inner, s]) => splitToMap(str(outer), str(inner), str(s))),
  timestamp: fn([], timestamp, 'string'),
  toLower: fn(['string'], ([s]) => goToLower(str(s))),
  toUpper: fn(['string'], ([s]) => goToUpper(str(s))),
  toTitle: fn(['string'], ([s]) => goToTitle(str(s))),
  toJSON: fn(['any'], ([v]) => jsonOrWrap('toJSON', v, true, '')),
  toJSONPretty: fn(['any'], ([v]) => jsonOrWrap('toJSONPretty', v, true, '  ')),
  toUnescapedJSON: fn(['any'], ([v]) => jsonOrWrap('toUnescapedJSON', v, false, '')),
  toUnescapedJSONPretty: fn(['any'], ([v]) => jsonOrWrap('toUnescapedJSONPretty', v, false, '  ')),
  toTOML: fn(['any'], ([v]) => encodeToml(v)),
  toYAML: fn(['any'], ([v]) => {
    try {
      return encodeYaml(v)
    } catch (error) {
      throw wrap('toYAML', error)
    }
  }),
  loop: fn([], loop, 'any'),
  add: math('add', (a, b) => a + b, (a, b) => a + b),
  subtract: math('subtract', (a, b) => a - b, (a, b) => a - b),
  multiply: math('multiply', (a, b) => a * b, (a, b) => a * b),
  divide: math('divide', (a, b) => a / b, (a, b) => a / b),
  modulo: math('modulo', (a, b) => a % b, (a, b) => a % b, false),
  minimum: math('minimum', Math.min, (a, b) => (a < b ? a : b)),
  maximum: math('maximum', Math.max, (a, b) => (a > b ? a : b)),
}

function parseWrapped<T>(name: string, text: string, empty: T, parse: (s: string) => T): T {
  if (text === '') return empty
  try {
    return parse(text)
  } catch (error) {
    throw wrap(name, error)
  }
}

function jsonOrWrap(name: string, value: unknown, escapeHtml: boolean, indentWith: string): string {
  try {
    return encodeJson(value, {escapeHtml, indent: indentWith})
  } catch (error) {
    throw wrap(name, error)
  }
}

/** strings.Trim: removes leading and trailing characters contained in cutset. */
function trimCutset(text: string, cutset: string): string {
  const chars = [...text]
  const cut = new Set(cutset)
  let start = 0
  let end = chars.length
  while (start < end && cut.has(chars[start])) start++
  while (end > start && cut.has(chars[end - 1])) end--
  return chars.slice(start, end).join('')
}

export const CONSUL_FUNCTIONS: ReadonlyMap<string, GoFunc> = new Map([
  ...Object.entries(IMPLEMENTED),
  ...Object.entries(UNSUPPORTED).map(([name, why]) => [name, unsupported(name, why)] as const),
])

/**
 * Sprig's functions as consul-template offers them: sprig.HermeticTxtFuncMap() under the `sprig_` prefix
 * (consul-template template/template.go). Only these names exist; each runs as sprig's does (Masterminds/sprig v3
 * strings.go, regex.go, defaults.go, list.go here, the rest in sprig-more, sprig-typed and sprig-crypto).
 */
import {goBytes} from './bytes.js'
import {createHash} from 'node:crypto'

import {encodeJson} from './encode.js'
import {sprintf} from './fmt.js'
import type {GoFunc, ParamType} from './functions.js'
import type {GoRegexp} from './regexp.js'
import {compileGoRegexp} from './regexp.js'
import {empty, strval} from './sprig-cast.js'
import {CRYPTO_SPRIG} from './sprig-crypto.js'
import {MORE_SPRIG} from './sprig-more.js'
import {TYPED_SPRIG} from './sprig-typed.js'
import {goToLower, goToUpper, goTrimSpace, isGoSpace} from './unicode.js'
import {stringSlice} from './values.js'

export const SPRIG_PREFIX = 'sprig_'

/** sprig v3.3.0's HermeticTxtFuncMap, the version consul-template v0.42 pins (no env, expandenv, now, date, random or uuid functions). */
export const SPRIG_NAMES: ReadonlySet<string> = new Set([
  'abbrev', 'abbrevboth', 'add', 'add1', 'add1f', 'addf', 'adler32sum', 'ago', 'all', 'any', 'append', 'atoi',
  'b32dec', 'b32enc', 'b64dec', 'b64enc', 'base', 'bcrypt', 'biggest', 'buildCustomCert', 'camelcase', 'cat', 'ceil',
  'chunk', 'clean', 'coalesce', 'compact', 'concat', 'contains', 'decryptAES', 'deepCopy', 'deepEqual', 'default',
  'derivePassword', 'dict', 'dig', 'dir', 'div', 'divf', 'duration', 'durationRound', 'empty', 'encryptAES', 'ext',
  'fail', 'first', 'float64', 'floor', 'fromJson', 'genCA', 'genCAWithKey', 'genPrivateKey', 'genSelfSignedCert',
  'genSelfSignedCertWithKey', 'genSignedCert', 'genSignedCertWithKey', 'get', 'has', 'hasKey', 'hasPrefix',
  'hasSuffix', 'hello', 'htpasswd', 'indent', 'initial', 'initials', 'int', 'int64', 'isAbs', 'join', 'kebabcase',
  'keys', 'kindIs', 'kindOf', 'last', 'list', 'lower', 'max', 'maxf', 'merge', 'mergeOverwrite', 'min', 'minf',
  'mod', 'mul', 'mulf', 'mustAppend', 'mustChunk', 'mustCompact', 'mustDateModify', 'mustDeepCopy', 'mustFirst',
  'mustFromJson', 'mustHas', 'mustInitial', 'mustLast', 'mustMerge', 'mustMergeOverwrite', 'mustPrepend', 'mustPush',
  'mustRegexFind', 'mustRegexFindAll', 'mustRegexMatch', 'mustRegexReplaceAll', 'mustRegexReplaceAllLiteral',
  'mustRegexSplit', 'mustRest', 'mustReverse', 'mustSlice', 'mustToDate', 'mustToJson', 'mustToPrettyJson',
  'mustToRawJson', 'mustUniq', 'mustWithout', 'must_date_modify', 'nindent', 'nospace', 'omit', 'osBase', 'osClean',
  'osDir', 'osExt', 'osIsAbs', 'pick', 'pluck', 'plural', 'prepend', 'push', 'quote', 'randInt', 'regexFind',
  'regexFindAll', 'regexMatch', 'regexQuoteMeta', 'regexReplaceAll', 'regexReplaceAllLiteral', 'regexSplit',
  'repeat', 'replace', 'rest', 'reverse', 'round', 'semver', 'semverCompare', 'seq', 'set', 'sha1sum', 'sha256sum', 'sha512sum',
  'shuffle', 'slice', 'snakecase', 'sortAlpha', 'split', 'splitList', 'splitn', 'squote', 'sub', 'subf', 'substr',
  'swapcase', 'ternary', 'title', 'toDate', 'toDecimal', 'toJson', 'toPrettyJson', 'toRawJson', 'toString',
  'toStrings', 'trim', 'trimAll', 'trimPrefix', 'trimSuffix', 'trimall', 'trunc', 'tuple', 'typeIs', 'typeIsLike',
  'typeOf', 'uniq', 'unixEpoch', 'unset', 'until', 'untilStep', 'untitle', 'upper', 'urlJoin', 'urlParse', 'values',
  'without', 'wrap', 'wrapWith',
])

const fn = (params: ParamType[], call: (args: unknown[]) => unknown, variadic?: ParamType): GoFunc => ({params, variadic, call: (args) => call(args)})
const str = (value: unknown): string => value as string


/** unicode.ToTitle per rune (simple mappings only: ǆ → ǅ, ß stays ß). */
const TITLE_DIGRAPHS: Record<string, string> = {ǆ: 'ǅ', Ǆ: 'ǅ', ǅ: 'ǅ', ǉ: 'ǈ', Ǉ: 'ǈ', ǈ: 'ǈ', ǌ: 'ǋ', Ǌ: 'ǋ', ǋ: 'ǋ', ǳ: 'ǲ', Ǳ: 'ǲ', ǲ: 'ǲ'}
function runeTitle(char: string): string {
  const upper = TITLE_DIGRAPHS[char] ?? char.toUpperCase()
  return [...upper].length === 1 ? upper : char
}

/** strings.Title: the first rune after a separator (a space, or ASCII other than letters, digits and _) is title-cased. */
function title(text: string): string {
  let previous = ' '
  let out = ''
  for (const char of text) {
    const separator = isGoSpace(previous) || (previous.codePointAt(0)! < 0x80 && !/[A-Za-z0-9_]/.test(previous))
    out += separator ? runeTitle(char) : char
    previous = char
  }
  return out
}

/** regexp.MustCompile panics; the template reports the panic as the call's error. */
function mustCompile(source: string): GoRegexp {
  try {
    return compileGoRegexp(source)
  } catch (error) {
    throw new Error(`regexp: Compile(${'`'}${source}${'`'}): ${(error as Error).message}`)
  }
}

/** sprig's toJson family drops encoding errors and returns "". */
function tryJson(value: unknown, escapeHtml: boolean, indent: string): string {
  try {
    return encodeJson(value, {escapeHtml, indent})
  } catch {
    return ''
  }
}

const present = (args: unknown[]): unknown[] => args.filter((arg) => arg !== null && arg !== undefined)

const IMPLEMENTED: Record<string, GoFunc> = {
  upper: fn(['string'], ([s]) => goToUpper(str(s))),
  lower: fn(['string'], ([s]) => goToLower(str(s))),
  title: fn(['string'], ([s]) => title(str(s))),
  trim: fn(['string'], ([s]) => goTrimSpace(str(s))),
  trimPrefix: fn(['string', 'string'], ([prefix, s]) => (str(s).startsWith(str(prefix)) ? str(s).slice(str(prefix).length) : s)),
  trimSuffix: fn(['string', 'string'], ([suffix, s]) => (str(suffix) !== '' && str(s).endsWith(str(suffix)) ? str(s).slice(0, -str(suffix).length) : s)),
  contains: fn(['string', 'string'], ([substr, s]) => str(s).includes(str(substr))),
  hasPrefix: fn(['string', 'string'], ([prefix, s]) => str(s).startsWith(str(prefix))),
  hasSuffix: fn(['string', 'string'], ([suffix, s]) => str(s).endsWith(str(suffix))),
  replace: fn(['string', 'string', 'string'], ([from, to, s]) => str(s).split(str(from)).join(str(to))),
  repeat: fn(['int', 'string'], ([count, s]) => str(s).repeat(Number(count))),
  nospace: fn(['string'], ([s]) => [...str(s)].filter((char) => !isGoSpace(char)).join('')),
  quote: fn([], (args) => present(args).map((arg) => sprintf('%q', [strval(arg)])).join(' '), 'any'),
  squote: fn([], (args) => present(args).map((arg) => `'${strval(arg)}'`).join(' '), 'any'),
  b64enc: fn(['string'], ([s]) => goBytes(str(s)).toString('base64')),
  sha256sum: fn(['string'], ([s]) => createHash('sha256').update(goBytes(str(s))).digest('hex')),
  sha1sum: fn(['string'], ([s]) => createHash('sha1').update(goBytes(str(s))).digest('hex')),
  default: fn(['any'], ([fallback, ...given]) => (given.length === 0 || empty(given[0]) ? fallback : given[0]), 'any'),
  empty: fn(['any'], ([v]) => empty(v)),
  ternary: fn(['any', 'any', 'bool'], ([whenTrue, whenFalse, condition]) => (condition ? whenTrue : whenFalse)),
  list: fn([], (args) => args.map((arg) => arg ?? null), 'any'),
  splitList: fn(['string', 'string'], ([sep, s]) => stringSlice(str(sep) === '' ? [...str(s)] : str(s).split(str(sep)))),
  fail: fn(['string'], ([message]) => {
    throw new Error(str(message))
  }),
  required: fn(['string', 'any'], ([warning, value]) => {
    if (value === null || value === undefined || value === '') throw new Error(str(warning))
    return value
  }),
  toJson: fn(['any'], ([v]) => tryJson(v, true, '')),
  toPrettyJson: fn(['any'], ([v]) => tryJson(v, true, '  ')),
  toRawJson: fn(['any'], ([v]) => tryJson(v, false, '')),
  regexMatch: fn(['string', 'string'], ([re, s]) => {
    try {
      return compileGoRegexp(str(re)).matchString(str(s))
    } catch {
      return false
    }
  }),
  mustRegexMatch: fn(['string', 'string'], ([re, s]) => compileGoRegexp(str(re)).matchString(str(s))),
  regexFind: fn(['string', 'string'], ([re, s]) => mustCompile(str(re)).findAllString(str(s), 1)[0] ?? ''),
  regexFindAll: fn(['string', 'string', 'int'], ([re, s, n]) => stringSlice(mustCompile(str(re)).findAllString(str(s), Number(n)))),
  regexSplit: fn(['string', 'string', 'int'], ([re, s, n]) => stringSlice(mustCompile(str(re)).split(str(s), Number(n)))),
  regexReplaceAll: fn(['string', 'string', 'string'], ([re, s, replacement]) => mustCompile(str(re)).replaceAllString(str(s), str(replacement))),
  regexReplaceAllLiteral: fn(['string', 'string', 'string'], ([re, s, replacement]) =>
    mustCompile(str(re)).replaceAllLiteralString(str(s), str(replacement)),
  ),
  regexQuoteMeta: fn(['string'], ([s]) => str(s).replace(/[\\.+*?()|[\]{}^$]/g, '\\$&')),
}

/** The function for `sprig_NAME`, or undefined when sprig has no such function (so the template does not parse). */
export function sprigFunction(name: string): GoFunc | undefined {
  const bare = name.slice(SPRIG_PREFIX.length)
  if (!SPRIG_NAMES.has(bare)) return undefined
  // Own properties only: `toString` must not find Object.prototype's.
  const own = (table: Record<string, GoFunc>): GoFunc | undefined => (Object.hasOwn(table, bare) ? table[bare] : undefined)
  return (
    own(IMPLEMENTED) ??
    own(MORE_SPRIG) ??
    own(TYPED_SPRIG) ??
    own(CRYPTO_SPRIG) ?? {
      params: [],
      variadic: 'any',
      call: () => {
        throw new Error(`${name} is not supported when vsi renders templates (not implemented yet)`)
      },
    }
  )
}

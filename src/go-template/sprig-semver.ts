/**
 * sprig v3.3.0's semver and semverCompare (Masterminds/sprig semver.go) over Masterminds/semver v3.3.0
 * (version.go NewVersion, Compare; constraints.go NewConstraint, Check), with its regular expressions run as RE2.
 */
import type {GoFunc} from './functions.js'
import type {GoRegexp} from './regexp.js'
import {compileGoRegexp} from './regexp.js'
import {GoInt, GoObject} from './values.js'

interface Version {
  major: bigint
  minor: bigint
  patch: bigint
  pre: string
  metadata: string
  original: string
}

const SEMVER = String.raw`v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?`
const CONSTRAINT_VERSION = String.raw`v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?`
const OPS = String.raw`=||!=|>|<|>=|=>|<=|=<|~|~>|\^`

let regexps: Record<'version' | 'constraint' | 'range' | 'find' | 'valid', GoRegexp> | undefined
function re() {
  regexps ??= {
    version: compileGoRegexp(`^${SEMVER}$`),
    constraint: compileGoRegexp(String.raw`^\s*(${OPS})\s*(${CONSTRAINT_VERSION})\s*$`),
    range: compileGoRegexp(String.raw`\s*(${CONSTRAINT_VERSION})\s+-\s+(${CONSTRAINT_VERSION})\s*`),
    find: compileGoRegexp(String.raw`(${OPS})\s*(${CONSTRAINT_VERSION})`),
    valid: compileGoRegexp(String.raw`^(\s*(${OPS})\s*(${CONSTRAINT_VERSION})\s*)((?:\s+|,\s*)(${OPS})\s*(${CONSTRAINT_VERSION})\s*)*$`),
  }
  return regexps
}

const MAX_UINT64 = (1n << 64n) - 1n
const NUM = /^[0-9]*$/
const ALLOWED = /^[A-Za-z0-9-]*$/

function parseUint(text: string): bigint {
  const value = BigInt(text)
  if (value > MAX_UINT64) throw new Error(`Error parsing version segment: strconv.ParseUint: parsing "${text}": value out of range`)
  return value
}

/** semver.NewVersion: the loose form (`v1`, `1.2`), with Masterminds' error texts. */
function newVersion(text: string): Version {
  const m = re().version.findAllStringSubmatch(text, 1)[0]
  if (!m) throw new Error('Invalid Semantic Version')
  const version: Version = {
    major: parseUint(m[1]),
    minor: m[2] === '' ? 0n : parseUint(m[2].slice(1)),
    patch: m[3] === '' ? 0n : parseUint(m[3].slice(1)),
    pre: m[5],
    metadata: m[8],
    original: text,
  }
  if (version.pre !== '') {
    for (const part of version.pre.split('.')) {
      if (NUM.test(part)) {
        if (part.length > 1 && part[0] === '0') throw new Error('Version segment starts with 0')
      } else if (!ALLOWED.test(part)) throw new Error('Invalid Prerelease string')
    }
  }
  if (version.metadata !== '' && !version.metadata.split('.').every((part) => ALLOWED.test(part))) throw new Error('Invalid Metadata string')
  return version
}

const versionString = (v: Version): string => `${v.major}.${v.minor}.${v.patch}${v.pre === '' ? '' : `-${v.pre}`}${v.metadata === '' ? '' : `+${v.metadata}`}`

const sign = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0)

function comparePrePart(s: string, o: string): number {
  if (s === o) return 0
  if (s === '') return -1
  if (o === '') return 1
  const sNumber = NUM.test(s) && BigInt(s) <= MAX_UINT64
  const oNumber = NUM.test(o) && BigInt(o) <= MAX_UINT64
  if (!sNumber && !oNumber) return s > o ? 1 : -1
  if (!oNumber) return -1
  if (!sNumber) return 1
  return BigInt(s) > BigInt(o) ? 1 : -1
}

function comparePrerelease(a: string, b: string): number {
  const as = a.split('.')
  const bs = b.split('.')
  for (let i = 0; i < Math.max(as.length, bs.length); i++) {
    const d = comparePrePart(as[i] ?? '', bs[i] ?? '')
    if (d !== 0) return d
  }
  return 0
}

function compare(v: Version, o: Version): number {
  const d = sign(v.major, o.major) || sign(v.minor, o.minor) || sign(v.patch, o.patch)
  if (d !== 0) return d
  if (v.pre === '' && o.pre === '') return 0
  if (v.pre === '') return 1
  if (o.pre === '') return -1
  return comparePrerelease(v.pre, o.pre)
}

interface Constraint {
  con: Version
  op: string
  dirty: boolean
  minorDirty: boolean
  patchDirty: boolean
}

const isX = (text: string): boolean => text === 'x' || text === '*' || text === 'X'

function parseConstraint(text: string): Constraint {
  if (text === '') return {con: newVersion('0.0.0'), op: '', dirty: true, minorDirty: false, patchDirty: false}
  const m = re().constraint.findAllStringSubmatch(text, 1)[0]
  if (!m) throw new Error(`improper constraint: ${text}`)
  let version = m[2]
  let dirty = false
  let minorDirty = false
  let patchDirty = false
  if (isX(m[3]) || m[3] === '') {
    version = `0.0.0${m[6]}`
    dirty = true
  } else if (isX(m[4].replace(/^\./, '')) || m[4] === '') {
    ;[minorDirty, dirty, version] = [true, true, `${m[3]}.0.0${m[6]}`]
  } else if (isX(m[5].replace(/^\./, '')) || m[5] === '') {
    ;[dirty, patchDirty, version] = [true, true, `${m[3]}${m[4]}.0${m[6]}`]
  }
  let con: Version
  try {
    con = newVersion(version)
  } catch {
    throw new Error('constraint Parser Error')
  }
  return {con, op: m[1], dirty, minorDirty, patchDirty}
}

/** The constraint functions of constraints.go, reduced to their verdict (Check drops the reasons). */
function check(v: Version, c: Constraint): boolean {
  const {con} = c
  if (c.op !== '!=' && v.pre !== '' && con.pre === '') return false
  const tilde = (): boolean => {
    if (compare(v, con) < 0) return false
    if (con.major === 0n && con.minor === 0n && con.patch === 0n && !c.minorDirty && !c.patchDirty) return true
    if (v.major !== con.major) return false
    return !(v.minor !== con.minor && !c.minorDirty)
  }
  switch (c.op) {
    case '':
    case '=':
      return c.dirty ? tilde() : compare(v, con) === 0
    case '!=':
      if (c.dirty) {
        if (v.pre !== '' && con.pre === '') return false
        if (con.major !== v.major) return true
        if (con.minor !== v.minor && !c.minorDirty) return true
        if (c.minorDirty) return false
        if (con.patch !== v.patch && !c.patchDirty) return true
        if (c.patchDirty) return (v.pre !== '' || con.pre !== '') && comparePrerelease(v.pre, con.pre) !== 0
      }
      return compare(v, con) !== 0
    case '>':
      if (!c.dirty) return compare(v, con) === 1
      if (v.major > con.major) return true
      if (v.major < con.major || c.minorDirty) return false
      if (c.patchDirty) return v.minor > con.minor
      return compare(v, con) === 1
    case '<':
      return compare(v, con) < 0
    case '>=':
    case '=>':
      return compare(v, con) >= 0
    case '<=':
    case '=<':
      if (!c.dirty) return compare(v, con) <= 0
      if (v.major > con.major) return false
      return !(v.major === con.major && v.minor > con.minor && !c.minorDirty)
    case '~':
    case '~>':
      return tilde()
    default: {
      // ^
      if (compare(v, con) < 0) return false
      if (con.major > 0n || c.minorDirty) return v.major === con.major
      if (v.major > 0n) return false
      if (con.minor > 0n || c.patchDirty) return v.minor === con.minor
      if (v.minor > 0n) return false
      return con.patch === v.patch
    }
  }
}

/** semver.NewConstraint: `a - b` ranges rewritten, `||` alternatives of comma- or space-separated constraints. */
function newConstraint(text: string): Constraint[][] {
  let rewritten = text
  for (const m of re().range.findAllStringSubmatch(text, -1)) rewritten = rewritten.replace(m[0], `>= ${m[1]}, <= ${m[11]} `)
  return rewritten.split('||').map((alternative) => {
    if (!re().valid.matchString(alternative)) throw new Error(`improper constraint: ${alternative}`)
    const found = re().find.findAllString(alternative, -1)
    return (found.length === 0 ? [alternative] : found).map(parseConstraint)
  })
}

function semverObject(v: Version): GoObject {
  const method = (call: () => unknown): GoFunc => ({params: [], call})
  return new GoObject(
    '*semver.Version',
    {
      Major: method(() => new GoInt(v.major, 'uint64')),
      Minor: method(() => new GoInt(v.minor, 'uint64')),
      Patch: method(() => new GoInt(v.patch, 'uint64')),
      Prerelease: method(() => v.pre),
      Metadata: method(() => v.metadata),
      Original: method(() => v.original),
      String: method(() => versionString(v)),
    },
    () => versionString(v),
    () => versionString(v),
  )
}

export const SEMVER_SPRIG: Record<string, GoFunc> = {
  semver: {params: ['string'], call: ([text]) => semverObject(newVersion(text as string))},
  semverCompare: {
    params: ['string', 'string'],
    call: ([constraint, version]) => {
      const alternatives = newConstraint(constraint as string)
      const v = newVersion(version as string)
      return alternatives.some((all) => all.every((c) => check(v, c)))
    },
  },
}

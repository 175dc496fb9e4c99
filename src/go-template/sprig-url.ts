/**
 * sprig v3.3.0's urlParse and urlJoin (Masterminds/sprig url.go) over Go's net/url (url.go: Parse, parseAuthority,
 * parseHost, unescape, shouldEscape, URL.String), byte for byte as Go parses and escapes.
 */
import {sprintf} from './fmt.js'
import type {GoFunc} from './functions.js'
import {kindOf} from './sprig-cast.js'
import {isGoMap, JsonNumber} from './values.js'

type Mode = 'path' | 'host' | 'zone' | 'userPassword' | 'fragment'

interface Url {
  scheme: string
  opaque: string
  user?: {username: string; password?: string}
  host: string
  path: string
  rawQuery: string
  forceQuery: boolean
  fragment: string
}

const quote = (text: string): string => sprintf('%q', [text])
const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9A-Fa-f]$/.test(c)

function shouldEscape(c: string, mode: Mode): boolean {
  if (/^[A-Za-z0-9]$/.test(c)) return false
  if ((mode === 'host' || mode === 'zone') && `!$&'()*+,;=:[]<>"`.includes(c)) return false
  if ('-_.~'.includes(c)) return false
  if ('$&+,/:;=?@'.includes(c)) {
    switch (mode) {
      case 'path':
        return c === '?'
      case 'userPassword':
        return '@/?:'.includes(c)
      case 'fragment':
        return false
    }
  }
  if (mode === 'fragment' && '!()*'.includes(c)) return false
  return true
}

/** url.escape: every byte that must be escaped as %XX (upper-case hex), over the UTF-8 bytes. */
function escape(text: string, mode: Mode): string {
  let out = ''
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte)
    out += byte < 0x80 && !shouldEscape(c, mode) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

/** url.unescape: %XX sequences decoded to bytes; bad escapes and bad host characters are Go's errors. */
function unescape(text: string, mode: Mode): string {
  const bytes: number[] = []
  const raw = Buffer.from(text, 'utf8')
  for (let i = 0; i < raw.length; i++) {
    const c = String.fromCharCode(raw[i])
    if (c === '%') {
      const a = String.fromCharCode(raw[i + 1] ?? 0)
      const b = String.fromCharCode(raw[i + 2] ?? 0)
      if (i + 2 >= raw.length || !isHex(a) || !isHex(b)) throw new Error(`invalid URL escape ${quote(raw.subarray(i, i + 3).toString('utf8'))}`)
      if (mode === 'host' && Number.parseInt(a, 16) < 8 && `%${a}${b}` !== '%25') throw new Error(`invalid URL escape ${quote(`%${a}${b}`)}`)
      bytes.push(Number.parseInt(a + b, 16))
      i += 2
      continue
    }
    if ((mode === 'host' || mode === 'zone') && raw[i] < 0x80 && shouldEscape(c, mode)) throw new Error(`invalid character ${quote(c)} in host name`)
    bytes.push(raw[i])
  }
  return Buffer.from(bytes).toString('utf8')
}

/** validOptionalPort: "" or ":" followed by digits only. */
const validOptionalPort = (port: string): boolean => port === '' || /^:[0-9]*$/.test(port)

function parseHost(host: string): string {
  if (host.startsWith('[')) {
    const end = host.lastIndexOf(']')
    if (end < 0) throw new Error('missing \']\' in host')
    const colonPort = host.slice(end + 1)
    if (!validOptionalPort(colonPort)) throw new Error(`invalid port ${quote(colonPort)} after host`)
    return unescape(host, 'host')
  }
  const colon = host.lastIndexOf(':')
  if (colon >= 0 && !validOptionalPort(host.slice(colon))) throw new Error(`invalid port ${quote(host.slice(colon))} after host`)
  return unescape(host, 'host')
}

/** validUserinfo: RFC 3986's unreserved, sub-delims, ':' and '%' (and Go lets '@' through too). */
const validUserinfo = (text: string): boolean => /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(text)

function parseAuthority(authority: string): Pick<Url, 'user' | 'host'> {
  const at = authority.lastIndexOf('@')
  const host = parseHost(at < 0 ? authority : authority.slice(at + 1))
  if (at < 0) return {host}
  const userinfo = authority.slice(0, at)
  if (!validUserinfo(userinfo)) throw new Error('net/url: invalid userinfo')
  const colon = userinfo.indexOf(':')
  if (colon < 0) return {host, user: {username: unescape(userinfo, 'userPassword')}}
  return {host, user: {username: unescape(userinfo.slice(0, colon), 'userPassword'), password: unescape(userinfo.slice(colon + 1), 'userPassword')}}
}

function getScheme(raw: string): [string, string] {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]
    if (/[A-Za-z]/.test(c)) continue
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) return ['', raw]
      continue
    }
    if (c === ':') {
      if (i === 0) throw new Error('missing protocol scheme')
      return [raw.slice(0, i), raw.slice(i + 1)]
    }
    return ['', raw]
  }
  return ['', raw]
}

function parseWithoutFragment(raw: string): Url {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(raw)) throw new Error('net/url: invalid control character in URL')
  const url: Url = {scheme: '', opaque: '', host: '', path: '', rawQuery: '', forceQuery: false, fragment: ''}
  if (raw === '*') return {...url, path: '*'}
  const [scheme, afterScheme] = getScheme(raw)
  let rest = afterScheme
  url.scheme = scheme.toLowerCase()
  if (rest.endsWith('?') && rest.split('?').length === 2) {
    url.forceQuery = true
    rest = rest.slice(0, -1)
  } else {
    const question = rest.indexOf('?')
    if (question >= 0) {
      url.rawQuery = rest.slice(question + 1)
      rest = rest.slice(0, question)
    }
  }
  if (!rest.startsWith('/')) {
    if (url.scheme !== '') return {...url, opaque: rest}
    if (rest.split('/')[0].includes(':')) throw new Error('first path segment in URL cannot contain colon')
  }
  if ((url.scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    let authority = rest.slice(2)
    rest = ''
    const slash = authority.indexOf('/')
    if (slash >= 0) {
      rest = authority.slice(slash)
      authority = authority.slice(0, slash)
    }
    Object.assign(url, parseAuthority(authority))
  }
  url.path = unescape(rest, 'path')
  return url
}

/** url.Parse; its error reads `parse "URL": reason`. */
function parseUrl(raw: string): Url {
  const hash = raw.indexOf('#')
  const [beforeFragment, fragment] = hash < 0 ? [raw, ''] : [raw.slice(0, hash), raw.slice(hash + 1)]
  let url: Url
  try {
    url = parseWithoutFragment(beforeFragment)
  } catch (error) {
    throw new Error(`parse ${quote(beforeFragment)}: ${(error as Error).message}`)
  }
  try {
    return {...url, fragment: unescape(fragment, 'fragment')}
  } catch (error) {
    throw new Error(`parse ${quote(raw)}: ${(error as Error).message}`)
  }
}

const userString = (user: NonNullable<Url['user']>): string =>
  escape(user.username, 'userPassword') + (user.password === undefined ? '' : `:${escape(user.password, 'userPassword')}`)

/** URL.Hostname: the host without its port and without IPv6 brackets. */
function hostname(host: string): string {
  const colon = host.lastIndexOf(':')
  let name = colon >= 0 && validOptionalPort(host.slice(colon)) ? host.slice(0, colon) : host
  if (name.startsWith('[') && name.endsWith(']')) name = name.slice(1, -1)
  return name
}

/** URL.String for a URL built from parts (no RawPath, RawFragment or OmitHost). */
function urlString(url: Url): string {
  let out = url.scheme === '' ? '' : `${url.scheme}:`
  if (url.opaque === '') {
    if (url.scheme !== '' || url.host !== '' || url.user) {
      if (url.host !== '' || url.path !== '' || url.user) out += '//'
      if (url.user) out += `${userString(url.user)}@`
      if (url.host !== '') out += escape(url.host, 'host')
    }
    const path = url.path === '*' ? '*' : escape(url.path, 'path')
    if (path !== '' && !path.startsWith('/') && url.host !== '') out += '/'
    if (out === '' && path.split('/')[0].includes(':')) out += './'
    out += path
  } else {
    out += url.opaque
  }
  if (url.forceQuery || url.rawQuery !== '') out += `?${url.rawQuery}`
  if (url.fragment !== '') out += `#${escape(url.fragment, 'fragment')}`
  return out
}

function urlParse(raw: string): Record<string, unknown> {
  let url: Url
  try {
    url = parseUrl(raw)
  } catch (error) {
    throw new Error(`unable to parse url: ${(error as Error).message}`)
  }
  return {
    scheme: url.scheme,
    host: url.host,
    hostname: hostname(url.host),
    path: url.path,
    query: url.rawQuery,
    opaque: url.opaque,
    fragment: url.fragment,
    userinfo: url.user ? userString(url.user) : '',
  }
}

/** dictGetOrEmpty: a missing key is "", a value that is not of kind string panics. */
function part(dict: Record<string, unknown>, key: string): string {
  if (!Object.hasOwn(dict, key)) return ''
  const value = dict[key]
  if (value === null || value === undefined) throw new Error('runtime error: invalid memory address or nil pointer dereference')
  if (typeof value === 'string') return value
  if (value instanceof JsonNumber) return value.text
  throw new Error(`unable to parse ${key} key, must be of type string, but ${kindOf(value)} found`)
}

function urlJoin(dict: Record<string, unknown>): string {
  // The fields in the order sprig's url.URL literal reads them, then the userinfo.
  const url: Url = {
    scheme: part(dict, 'scheme'),
    host: part(dict, 'host'),
    path: part(dict, 'path'),
    rawQuery: part(dict, 'query'),
    opaque: part(dict, 'opaque'),
    fragment: part(dict, 'fragment'),
    forceQuery: false,
  }
  const userinfo = part(dict, 'userinfo')
  if (userinfo !== '') {
    try {
      url.user = parseUrl(`proto://${userinfo}@host`).user
    } catch (error) {
      throw new Error(`unable to parse userinfo in dict: ${(error as Error).message}`)
    }
  }
  return urlString(url)
}

export const URL_SPRIG: Record<string, GoFunc> = {
  urlParse: {params: ['string'], call: ([raw]) => urlParse(raw as string)},
  urlJoin: {params: ['map'], call: ([dict]) => urlJoin(isGoMap(dict) ? dict : {})},
}

/**
 * The `vault` binary of the hashicorp/vault image, for the commands the tutorial types inside vault-0: it talks to
 * Vault over HTTP like the real CLI (hashicorp/vault api/ client) and prints what hashicorp/vault command/*.go print,
 * with their exit codes (1: bad usage, 2: the request failed). Flags go before arguments, as Go's flag package wants.
 */
import http from 'node:http'
import https from 'node:https'

import type {CommandResult, ShellContext} from './shell.js'

/** Where a TCP connection from inside the pod to host:port really goes (undefined: connection refused). */
export type Dial = (host: string, port: number) => {host: string; port: number} | undefined

interface Secret {
  data?: Record<string, unknown> | null
  auth?: unknown
  warnings?: string[] | null
  lease_duration?: number
}

class ApiError extends Error {}

const done = (stdout: string, code = 0): CommandResult => ({stdout, stderr: '', code})
const failure = (stderr: string, code: number): CommandResult => ({stdout: '', stderr: stderr.endsWith('\n') ? stderr : `${stderr}\n`, code})

export function vaultCommand(dial: Dial) {
  return async (args: string[], stdin: string, ctx: ShellContext): Promise<CommandResult> => {
    const client = new Client(ctx, dial)
    const [group, sub] = args
    const rest = (n: number) => parseFlags(args.slice(n))
    try {
      if (group === 'secrets' && sub === 'enable') return await secretsEnable(client, rest(2))
      if (group === 'auth' && sub === 'enable') return await authEnable(client, rest(2))
      if (group === 'kv' && sub === 'put') return await kvPut(client, rest(2), stdin, ctx)
      if (group === 'kv' && sub === 'get') return await kvGet(client, rest(2))
      if (group === 'write') return await write(client, rest(1), stdin, ctx)
      if (group === 'read') return await read(client, rest(1))
      if (group === 'policy' && sub === 'write') return await policyWrite(client, rest(2), stdin, ctx)
      if (group === 'token' && sub === 'lookup') return await tokenLookup(client, rest(2))
    } catch (error) {
      if (error instanceof ApiError) return failure(error.message, 2)
      throw error
    }
    // mitchellh/cli: an unknown subcommand prints the usage and exits 127
    return failure(`Usage: vault <command> [args]\n`, 127)
  }
}

interface Parsed {
  flags: Record<string, string>
  args: string[]
}

/** Go's flag package: `-name=value`, `--name=value`, `-name value`; parsing stops at the first argument. */
function parseFlags(argv: string[]): Parsed {
  const flags: Record<string, string> = {}
  let i = 0
  for (; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--') {
      i++
      break
    }
    const m = /^--?([^=]+)(?:=(.*))?$/s.exec(a)
    if (!m || a === '-') break
    if (m[2] !== undefined) flags[m[1]] = m[2]
    else if (BOOLEAN_FLAGS.has(m[1])) flags[m[1]] = 'true'
    else flags[m[1]] = argv[++i] ?? ''
  }
  return {flags, args: argv.slice(i)}
}

const BOOLEAN_FLAGS = new Set(['local', 'seal-wrap', 'force-no-cache', 'tls-skip-verify', 'non-interactive', 'no-print'])

/** The api package's client: VAULT_ADDR, VAULT_TOKEN or the token helper's ~/.vault-token, X-Vault-Token. */
class Client {
  readonly addr: string
  private readonly token: string

  constructor(
    private readonly ctx: ShellContext,
    private readonly dial: Dial,
  ) {
    this.addr = (ctx.env.VAULT_ADDR || 'https://127.0.0.1:8200').replace(/\/$/, '')
    const helper = ctx.fs.stat(ctx.container, `${ctx.env.HOME ?? '/root'}/.vault-token`)
    this.token = ctx.env.VAULT_TOKEN ?? (helper?.type === 'file' ? helper.content.trim() : '')
  }

  /** Resolves with the parsed body (null for 204) or rejects with the api package's error text. */
  async request(method: string, path: string, body?: unknown, opts: {allow404?: boolean} = {}): Promise<{status: number; json: Secret | null}> {
    const url = new URL(`${this.addr}/v1/${path}`)
    const shown = `${url.origin}${url.pathname}`
    const verb = method[0] + method.slice(1).toLowerCase()
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80))
    const target = this.dial(url.hostname, port)
    // net/http's error for a refused dial: `Put "URL": dial tcp HOST:PORT: connect: connection refused`
    if (!target) throw new ApiError(`${verb} "${url.href}": dial tcp ${url.hostname}:${port}: connect: connection refused`)
    const payload = body === undefined ? undefined : JSON.stringify(body)
    const headers: Record<string, string> = {'X-Vault-Request': 'true', ...(this.token ? {'X-Vault-Token': this.token} : {})}
    if (this.ctx.env.VAULT_NAMESPACE) headers['X-Vault-Namespace'] = this.ctx.env.VAULT_NAMESPACE
    if (payload !== undefined) headers['Content-Type'] = 'application/json'
    const {status, text} = await new Promise<{status: number; text: string}>((resolve, reject) => {
      const req = (url.protocol === 'https:' ? https : http).request(
        {method, host: target.host, port: target.port, path: url.pathname + url.search, headers, rejectUnauthorized: this.ctx.env.VAULT_SKIP_VERIFY !== 'true', servername: url.hostname},
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () => resolve({status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString()}))
          res.on('error', reject)
        },
      )
      req.on('error', (e) => reject(new ApiError(`${verb} "${url.href}": ${e.message}`)))
      req.end(payload)
    })
    const json = text.trim() ? (JSON.parse(text) as Secret & {errors?: string[]}) : null
    if (status >= 400 && !(opts.allow404 && status === 404)) {
      // api/response.go ResponseError.Error
      const errors = ((json as {errors?: string[]} | null)?.errors ?? []).map((e) => `* ${e}`).join('')
      throw new ApiError(`Error making API request.\n\nURL: ${method} ${shown}\nCode: ${status}. Errors:\n\n${errors}`)
    }
    return {status, json}
  }
}

/** command/secrets_enable.go */
async function secretsEnable(client: Client, {flags, args}: Parsed): Promise<CommandResult> {
  if (args.length !== 1) return failure(args.length < 1 ? `Not enough arguments (expected 1, got ${args.length})` : `Too many arguments (expected 1, got ${args.length})`, 1)
  const engineType = args[0].trim()
  const mountPath = ensureTrailingSlash(flags.path ?? engineType)
  const version = Number(flags.version ?? 0)
  const options: Record<string, string> = {}
  if (version > 0) options.version = String(version)
  try {
    await client.request('POST', `sys/mounts/${mountPath.replace(/\/$/, '')}`, {
      type: engineType,
      description: flags.description ?? '',
      config: {default_lease_ttl: '0s', max_lease_ttl: '0s', force_no_cache: false},
      local: false,
      seal_wrap: false,
      external_entropy_access: false,
      options: version > 0 ? options : null,
    })
  } catch (error) {
    if (error instanceof ApiError) return failure(`Error enabling: ${error.message}`, 2)
    throw error
  }
  const thing = `${version > 0 ? `version ${version} ` : ''}${engineType} secrets engine`
  return done(`Success! Enabled the ${thing} at: ${mountPath}\n`)
}

/** command/auth_enable.go */
async function authEnable(client: Client, {flags, args}: Parsed): Promise<CommandResult> {
  if (args.length !== 1) return failure(args.length < 1 ? `Not enough arguments (expected 1, got ${args.length})` : `Too many arguments (expected 1, got ${args.length})`, 1)
  const authType = args[0].trim()
  const authPath = ensureTrailingSlash(flags.path ?? authType)
  try {
    await client.request('POST', `sys/auth/${authPath.replace(/\/$/, '')}`, {type: authType, description: flags.description ?? '', config: {}, local: false, seal_wrap: false})
  } catch (error) {
    if (error instanceof ApiError) return failure(`Error enabling ${authType} auth: ${error.message}`, 2)
    throw error
  }
  return done(`Success! Enabled ${authType} auth method at: ${authPath}\n`)
}

/** command/kv_put.go */
async function kvPut(client: Client, {flags, args}: Parsed, stdin: string, ctx: ShellContext): Promise<CommandResult> {
  if (args.length < 1) return failure(`Not enough arguments (expected >1, got ${args.length})`, 1)
  if (args.length === 1) return failure('Must supply data', 1)
  const data = parseArgsData(args.slice(1), stdin, ctx)
  if ('error' in data) return failure(`Failed to parse K=V data: ${data.error}`, 1)
  const {mountPath, v2, partialPath} = await kvMount(client, flags, args[0])
  const fullPath = v2 ? addPrefixToKVPath(partialPath, mountPath, 'data') : flags.mount ? join(mountPath, partialPath) : partialPath
  const body = v2 ? {data: data.data, options: flags.cas ? {cas: Number(flags.cas)} : {}} : data.data
  let secret: Secret | null
  try {
    secret = (await client.request('PUT', fullPath, body)).json
  } catch (error) {
    if (error instanceof ApiError) return failure(`Error writing data to ${fullPath}: ${error.message}`, 2)
    throw error
  }
  if (!secret) return done(`Success! Data written to: ${fullPath}\n`)
  if (flags.field) return printField(secret.data ?? {}, flags.field)
  const metadata = secret.data ?? {}
  return done(outputPath(fullPath, 'Secret Path') + `${headerForMap('Metadata', metadata)}\n${table(metadata)}`)
}

/** command/kv_get.go */
async function kvGet(client: Client, {flags, args}: Parsed): Promise<CommandResult> {
  if (args.length !== 1) return failure(args.length < 1 ? `Not enough arguments (expected 1, got ${args.length})` : `Too many arguments (expected 1, got ${args.length})`, 1)
  const {mountPath, v2, partialPath} = await kvMount(client, flags, args[0])
  const fullPath = v2 ? addPrefixToKVPath(partialPath, mountPath, 'data') : flags.mount ? join(mountPath, partialPath) : partialPath
  let secret: Secret | null
  try {
    const query = v2 && Number(flags.version) > 0 ? `?version=${flags.version}` : ''
    // kv_helpers.go kvReadRequest: a 404 without warnings or data is "no value"
    const res = await client.request('GET', fullPath + query, undefined, {allow404: true})
    secret = res.status === 404 && !(res.json?.warnings?.length || Object.keys(res.json?.data ?? {}).length) ? null : res.json
  } catch (error) {
    if (error instanceof ApiError) return failure(`Error reading ${fullPath}: ${error.message}`, 2)
    throw error
  }
  if (!secret) return failure(`No value found at ${fullPath}`, 2)
  const dataOf = (s: Secret) => (v2 ? ((s.data?.data as Record<string, unknown> | null) ?? null) : (s.data ?? null))
  if (flags.field) {
    const data = dataOf(secret)
    if (!data) return failure(`No data found at ${fullPath}`, 2)
    return printField(data, flags.field)
  }
  let out = ''
  if (v2) out += outputPath(fullPath, 'Secret Path')
  const metadata = secret.data?.metadata as Record<string, unknown> | null | undefined
  if (metadata) out += `${headerForMap('Metadata', metadata)}\n${table(metadata)}\n`
  const data = dataOf(secret)
  if (data) out += `${headerForMap('Data', data)}\n${table(data)}`
  return {stdout: out, stderr: warnings(secret), code: 0}
}

/** command/write.go */
async function write(client: Client, {args}: Parsed, stdin: string, ctx: ShellContext): Promise<CommandResult> {
  if (args.length < 1) return failure(`Not enough arguments (expected 1, got ${args.length})`, 1)
  const path = sanitizePath(args[0])
  const data = parseArgsData(args.slice(1), stdin, ctx)
  if ('error' in data) return failure(`Failed to parse K=V data: ${data.error}`, 1)
  let secret: Secret | null
  try {
    secret = (await client.request('PUT', path, data.data)).json
  } catch (error) {
    if (error instanceof ApiError) return failure(`Error writing data to ${path}: ${error.message}`, 2)
    throw error
  }
  if (!secret) return done(`Success! Data written to: ${path}\n`)
  return {stdout: outputSecret(secret), stderr: warnings(secret), code: 0}
}

/** command/read.go */
async function read(client: Client, {args}: Parsed): Promise<CommandResult> {
  if (args.length !== 1) return failure(`Not enough arguments (expected 1, got ${args.length})`, 1)
  const path = sanitizePath(args[0])
  let secret: Secret | null
  try {
    const res = await client.request('GET', path, undefined, {allow404: true})
    secret = res.status === 404 ? null : res.json
  } catch (error) {
    if (error instanceof ApiError) return failure(`Error reading ${path}: ${error.message}`, 2)
    throw error
  }
  if (!secret) return failure(`No value found at ${path}`, 2)
  return {stdout: outputSecret(secret), stderr: warnings(secret), code: 0}
}

/** command/policy_write.go: the name is lowercased; `-` reads the policy from stdin. */
async function policyWrite(client: Client, {args}: Parsed, stdin: string, ctx: ShellContext): Promise<CommandResult> {
  if (args.length !== 2) return failure(args.length < 2 ? `Not enough arguments (expected 2, got ${args.length})` : `Too many arguments (expected 2, got ${args.length})`, 1)
  const name = args[0].toLowerCase().trim()
  const path = args[1].trim()
  let rules = stdin
  if (path !== '-') {
    const st = ctx.fs.stat(ctx.container, path)
    if (st?.type !== 'file') return failure(`Error opening policy file: open ${path}: ${st ? 'is a directory' : 'no such file or directory'}`, 2)
    rules = st.content
  }
  try {
    await client.request('PUT', `sys/policies/acl/${name}`, {policy: rules})
  } catch (error) {
    if (error instanceof ApiError) return failure(`Error uploading policy: ${error.message}`, 2)
    throw error
  }
  return done(`Success! Uploaded policy: ${name}\n`)
}

/** command/token_lookup.go: without an argument, lookup-self. */
async function tokenLookup(client: Client, {args}: Parsed): Promise<CommandResult> {
  if (args.length > 1) return failure(`Too many arguments (expected 0-1, got ${args.length})`, 1)
  let secret: Secret | null
  try {
    secret = (args.length ? await client.request('PUT', 'auth/token/lookup', {token: args[0]}) : await client.request('GET', 'auth/token/lookup-self')).json
  } catch (error) {
    if (error instanceof ApiError) return failure(`Error looking up token: ${error.message}`, 2)
    throw error
  }
  return {stdout: outputSecret(secret ?? {}), stderr: warnings(secret ?? {}), code: 0}
}

/** kv_get.go/kv_put.go: the preflight tells the mount and its version; -mount=M PATH is the other syntax. */
async function kvMount(client: Client, flags: Record<string, string>, arg: string): Promise<{mountPath: string; v2: boolean; partialPath: string}> {
  const mountFlag = flags.mount !== undefined && flags.mount !== ''
  let partialPath = mountFlag ? sanitizePath(arg) : sanitizePath(arg.replace(/^\//, ''))
  const res = await client.request('GET', `sys/internal/ui/mounts/${mountFlag ? sanitizePath(flags.mount) : partialPath}`, undefined, {allow404: true})
  if (res.status === 404) return {mountPath: '', v2: false, partialPath}
  const mountPath = String(res.json?.data?.path ?? '')
  const options = res.json?.data?.options as Record<string, unknown> | null | undefined
  const v2 = options?.version === '2'
  if (mountFlag && v2) partialPath = join(mountPath, partialPath)
  return {mountPath, v2, partialPath}
}

/** command/base_helpers.go parseArgsData + kvbuilder: K=V, K=@file, K=- and a lone `-` (JSON on stdin). */
function parseArgsData(args: string[], stdin: string, ctx: ShellContext): {data: Record<string, unknown>} | {error: string} {
  const data: Record<string, unknown> = {}
  for (const arg of args) {
    if (arg === '-') {
      try {
        Object.assign(data, JSON.parse(stdin))
      } catch (e) {
        return {error: (e as Error).message}
      }
      continue
    }
    const eq = arg.indexOf('=')
    if (eq < 0) return {error: `format must be key=value`}
    const key = arg.slice(0, eq)
    let value = arg.slice(eq + 1)
    if (value.startsWith('@')) {
      const st = ctx.fs.stat(ctx.container, value.slice(1))
      if (st?.type !== 'file') return {error: `open ${value.slice(1)}: no such file or directory`}
      value = st.content
    } else if (value === '-') value = stdin
    data[key] = value
  }
  return {data}
}

// ── output (command/format.go, command/kv_helpers.go, command/util.go) ──────────────────────────────────────────

function outputPath(path: string, title: string): string {
  return `${padEqualSigns(title, path.length)}\n${path}\n\n`
}

function headerForMap(header: string, data: Record<string, unknown>): string {
  const maxKey = Math.max(0, ...Object.keys(data).map((k) => k.length))
  return padEqualSigns(header, maxKey + 4 + 5)
}

function padEqualSigns(header: string, totalLen: number): string {
  let equalSigns = totalLen - (header.length + 2)
  if (equalSigns <= 0) equalSigns = 4
  if (equalSigns % 2 !== 0) equalSigns++
  return `${'='.repeat(equalSigns / 2)} ${header} ${'='.repeat(equalSigns / 2)}`
}

/** TableFormatter.printWarnings: on stderr (ui.Warn), each wrapped at 78 columns with a padding of 2. */
function warnings(secret: Secret): string {
  const list = secret.warnings ?? []
  if (!list.length) return ''
  return `WARNING! The following warnings were returned from Vault:\n\n${list.map((w) => `${wrap(`* ${w}`, 78 - 2).split('\n').map((l) => `  ${l}`).join('\n')}\n\n`).join('')}`
}

/** github.com/kr/text Wrap: words on lines of at most `lim` with minimal raggedness (sum of squared slack). */
function wrap(s: string, lim: number): string {
  const words = s.trim().replaceAll('\n', ' ').split(' ')
  const n = words.length
  const length = (i: number, j: number) => words.slice(i, j + 1).reduce((sum, w) => sum + w.length, 0) + (j - i)
  const cost = new Array<number>(n).fill(Number.MAX_SAFE_INTEGER)
  const next = new Array<number>(n).fill(n)
  for (let i = n - 1; i >= 0; i--) {
    if (length(i, n - 1) <= lim || i === n - 1) {
      cost[i] = 0
      next[i] = n
      continue
    }
    for (let j = i + 1; j < n; j++) {
      const d = lim - length(i, j - 1)
      let c = d * d + cost[j]
      if (length(i, j - 1) > lim) c += 100_000
      if (c < cost[i]) {
        cost[i] = c
        next[i] = j
      }
    }
  }
  const lines: string[] = []
  for (let i = 0; i < n; i = next[i]) lines.push(words.slice(i, next[i]).join(' '))
  return lines.join('\n')
}

/** TableFormatter.OutputSecret: lease, auth, then the data keys sorted. */
function outputSecret(secret: Secret): string {
  const rows: Array<[string, string]> = []
  const auth = secret.auth as {client_token: string; accessor: string; lease_duration: number; renewable: boolean; token_policies?: string[]; identity_policies?: string[]; policies?: string[]; metadata?: Record<string, string> | null} | null | undefined
  if ((secret.lease_duration ?? 0) > 0) rows.push(['refresh_interval', humanDuration(secret.lease_duration!)])
  if (auth) {
    rows.push(['token', auth.client_token], ['token_accessor', auth.accessor], ['token_duration', auth.lease_duration === 0 ? '∞' : humanDuration(auth.lease_duration)])
    rows.push(['token_renewable', String(auth.renewable)], ['token_policies', goQuoted(auth.token_policies)], ['identity_policies', goQuoted(auth.identity_policies)], ['policies', goQuoted(auth.policies)])
    for (const [k, v] of Object.entries(auth.metadata ?? {})) rows.push([`token_meta_${k}`, v])
  }
  for (const k of Object.keys(secret.data ?? {}).sort()) rows.push([k, goValue(looksLikeDuration(k) ? durationValue(secret.data![k]) : secret.data![k])])
  return rows.length ? columnize([['Key', 'Value'], ['---', '-----'], ...rows]) : ''
}

/** TableFormatter.OutputMap */
function table(data: Record<string, unknown>): string {
  const rows = Object.keys(data)
    .sort()
    .map((k): [string, string] => [k, goValue(looksLikeDuration(k) ? durationValue(data[k]) : data[k])])
  return rows.length ? columnize([['Key', 'Value'], ['---', '-----'], ...rows]) : ''
}

/** ryanuber/columnize with the CLI's config: glue of four spaces, empty cells print `n/a`, the last column unpadded. */
function columnize(rows: Array<[string, string]>): string {
  const cells = rows.map((r) => r.map((c) => c.trim() || 'n/a'))
  const width = Math.max(...cells.map((r) => r[0].length))
  return cells.map(([k, v]) => `${k.padEnd(width)}    ${v}\n`).join('')
}

function printField(data: Record<string, unknown>, field: string): CommandResult {
  if (!(field in data)) return failure(`Field "${field}" not present in secret`, 1)
  const v = data[field]
  return done(typeof v === 'string' ? v : goValue(v))
}

const looksLikeDuration = (k: string) => k === 'period' || k.endsWith('_period') || k === 'ttl' || k.endsWith('_ttl') || k === 'duration' || k.endsWith('_duration') || k === 'lease_max' || k === 'ttl_max'

const durationValue = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) ? humanDuration(v) : v)

/** util.go humanDuration over Go's time.Duration.String, for whole seconds. */
function humanDuration(seconds: number): string {
  if (seconds === 0) return '0s'
  const sign = seconds < 0 ? '-' : ''
  const abs = Math.abs(seconds)
  const h = Math.floor(abs / 3600)
  const m = Math.floor((abs % 3600) / 60)
  const s = abs % 60
  let str = h > 0 ? `${h}h${m}m${s}s` : m > 0 ? `${m}m${s}s` : `${s}s`
  if (str.endsWith('m0s')) str = str.slice(0, -2)
  const idx = str.indexOf('h0m')
  if (idx > 0) str = str.slice(0, idx + 1) + str.slice(idx + 3)
  return sign + str
}

/** fmt's %v of a value decoded from JSON: <nil>, [a b], map[k:v] with sorted keys. */
function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>'
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>
    return `map[${Object.keys(o)
      .sort()
      .map((k) => `${k}:${goValue(o[k])}`)
      .join(' ')}]`
  }
  return String(v)
}

/** fmt's %q of a []string: ["a" "b"] */
const goQuoted = (list: string[] | undefined) => `[${(list ?? []).map((s) => JSON.stringify(s)).join(' ')}]`

function sanitizePath(p: string): string {
  return p.trim().replace(/^\/+/, '').replace(/\/+$/, '')
}

function ensureTrailingSlash(p: string): string {
  const trimmed = p.trim()
  return trimmed.endsWith('/') ? trimmed : `${trimmed}/`
}

function join(...parts: string[]): string {
  return parts.filter(Boolean).join('/').replace(/\/+/g, '/').replace(/\/$/, '')
}

/** kv_helpers.go addPrefixToKVPath */
function addPrefixToKVPath(p: string, mountPath: string, apiPrefix: string): string {
  if (p === mountPath || p === mountPath.replace(/\/$/, '')) return join(mountPath, apiPrefix)
  let mount = mountPath
  let tp = p.startsWith(mount) ? p.slice(mount.length) : p
  while (tp === p) {
    const parts = mount.split('/')
    if (parts.length <= 1 || !parts.slice(1).join('/')) break
    mount = parts.slice(1).join('/').replace(/\/$/, '')
    tp = tp.startsWith(mount) ? tp.slice(mount.length) : tp
  }
  return join(mount, apiPrefix, tp)
}

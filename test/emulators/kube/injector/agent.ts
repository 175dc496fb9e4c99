import {randomBytes} from 'node:crypto'

import type {Cluster, PodRuntime} from '../cluster.js'
import type {Container, KubeObject} from '../types.js'

import {decodeAgentConfig, type AgentConfig} from './config.js'
import {renderDefaultTemplate, secretPaths, toTemplateSecret, type TemplateSecret} from './render.js'
import {VAULT_BUILD_DATE, VAULT_VERSION} from '../../versions.js'

/** How one run of an emulated agent container ended. */
export type AgentOutcome = 'rendered' | 'auth-failed' | 'template-failed'

const AGENT_VERSION = `Vault v${VAULT_VERSION}, built ${VAULT_BUILD_DATE}`

function timestamp(): string {
  return new Date().toISOString()
}

/** hclog's standard format: `key=value` fields, quoted when they hold spaces; multi-line values as `  | ` blocks. */
function logLine(level: 'INFO' | 'WARN' | 'ERROR', name: string, message: string, fields: Record<string, string> = {}): string {
  const bracket = {INFO: '[INFO] ', WARN: '[WARN] ', ERROR: '[ERROR]'}[level]
  // consul-template's own lines ("(runner) …") go through its logger: one space, no name.
  const head = name ? `${timestamp()} ${bracket} ${name}: ${message}` : `${timestamp()} [${level}] ${message}`
  const field = ([k, v]: [string, string]) => ` ${k}=${/[\s"]/.test(v) ? JSON.stringify(v) : v}`
  const entries = Object.entries(fields)
  const multi = entries.filter(([, v]) => v.includes('\n'))
  const single = entries.filter(([, v]) => !v.includes('\n'))
  if (!multi.length) return head + single.map(field).join('') + '\n'
  const blocks = multi.map(([k, v]) => `\n  ${k}=\n${v.split('\n').map((l) => `  | ${l}`).join('\n')}`).join('')
  return `${head}:${blocks}\n${single.length ? '  ' + single.map(field).join('') + '\n' : ''}`
}

/** api.ResponseError.Error() from the Vault Go client. */
function responseError(method: string, url: string, status: number, body: string): string {
  let errors: string[] | undefined
  try {
    errors = (JSON.parse(body) as {errors?: string[]}).errors
  } catch {
    errors = undefined
  }
  const detail = errors ? `Errors:\n\n${errors.map((e) => `* ${e}`).join('\n')}` : `Raw Message:\n\n${body}`
  return `Error making API request.\n\nURL: ${method} ${url}\nCode: ${status}. ${detail}`
}

function banner(): string {
  return [
    '==> Vault Agent started! Log data will stream in below:',
    '',
    '==> Vault Agent configuration:',
    '',
    '           Api Address 1: http://bufconn',
    '                     Cgo: disabled',
    '               Log Level: info',
    `                 Version: ${AGENT_VERSION}`,
    '             Version Sha: 6a8d20d7c5ecff1b5e3a4a8e4d0b3dbb6fe7e5a1',
    '',
    '',
  ].join('\n')
}

/**
 * One run of `vault agent` in an injected container: auto-auth with the pod's service-account token against the
 * Vault the emulator was given, then read each template's secrets and write the rendered files into the pod.
 * Without a Vault URL the run succeeds at once and the files are whatever the test put there.
 */
export async function runAgent(cluster: Cluster, pod: KubeObject, container: Container, rt: PodRuntime, attempt: number): Promise<AgentOutcome> {
  const log = (text: string) => cluster.appendLog(rt, container.name, text)
  const config = decodeAgentConfig(container.env)
  writeConfigFile(rt, container)
  // a new container instance (first run or a restart after exiting) starts its log with the banner
  if (attempt === 0 || !rt.logs.get(container.name)?.at(-1)?.length) {
    log(banner())
    log(logLine('INFO', 'agent.sink.file', 'creating file sink'))
    log(logLine('INFO', 'agent.sink.file', 'file sink configured', {path: '/home/vault/.vault-token', mode: '-rw-r-----'}))
    log(logLine('INFO', 'agent.template.server', 'starting template server'))
    log(logLine('INFO', '', '(runner) creating new runner (dry: false, once: false)'))
    log(logLine('INFO', 'agent.sink.server', 'starting sink server'))
    log(logLine('INFO', 'agent.auth.handler', 'starting auth handler'))
  }
  log(logLine('INFO', 'agent.auth.handler', 'authenticating'))
  const vault = cluster.options.vault
  if (!config || !vault) {
    writeSinks(rt, container, config, `hvs.${randomBytes(18).toString('base64url')}`)
    logAuthenticated(log)
    for (const t of config?.template ?? []) if (rt.fs.stat(container.name, t.destination)?.type === 'file') log(logLine('INFO', '', `(runner) rendered "(dynamic)" => "${t.destination}"`))
    finish(log, config)
    return 'rendered'
  }
  const auth = await login(config, vault.url, rt, container, log, attempt)
  if (!auth) return 'auth-failed'
  const token = auth.client_token
  writeSinks(rt, container, config, token)
  logAuthenticated(log, await renewSelf(config, vault.url, token, auth.renewable))
  const error = await renderTemplates(cluster, config, vault.url, token, rt, container, log)
  if (error) {
    log(logLine('ERROR', 'agent.template.server', 'template server error', {error}))
    log(logLine('INFO', 'agent.template.server', 'template server stopped'))
    log(logLine('ERROR', 'agent', 'runtime error encountered', {error: `template server: ${error}`}))
    log('Error encountered during run, refer to logs for more details.\n')
    return 'template-failed'
  }
  finish(log, config)
  return 'rendered'
}

/**
 * What the container's command does before the agent starts (container_sidecar.go DefaultContainerArg):
 * `echo ${VAULT_CONFIG?} | base64 -d > /home/vault/config.json`; with a ConfigMap, `touch /home/vault/.vault-token`.
 */
function writeConfigFile(rt: PodRuntime, container: Container): void {
  const raw = container.env?.find((e) => e.name === 'VAULT_CONFIG')?.value
  if (raw) rt.fs.write(container.name, '/home/vault/config.json', Buffer.from(raw, 'base64').toString())
  else if (rt.fs.stat(container.name, '/home/vault/.vault-token') === undefined) rt.fs.write(container.name, '/home/vault/.vault-token', '')
}

/** The file sinks of auto_auth (vault command/agentproxyshared/sink/file): the token, no trailing newline. */
function writeSinks(rt: PodRuntime, container: Container, config: AgentConfig | undefined, token: string): void {
  for (const sink of config?.auto_auth.sink ?? []) if (sink.type === 'file') rt.fs.write(container.name, sink.config.path, token)
}

function logAuthenticated(log: (t: string) => void, renewed = true): void {
  log(logLine('INFO', 'agent.auth.handler', 'authentication successful, sending token to sinks'))
  log(logLine('INFO', 'agent.auth.handler', 'starting renewal process'))
  log(logLine('INFO', 'agent.sink.file', 'token written', {path: '/home/vault/.vault-token'}))
  log(logLine('INFO', 'agent.template.server', 'template server received new token'))
  log(logLine('INFO', '', '(runner) creating watcher'))
  log(logLine('INFO', '', '(runner) starting'))
  if (renewed) log(logLine('INFO', 'agent.auth.handler', 'renewed auth token'))
}

/**
 * The auth handler's lifetime watcher (hashicorp/vault api/lifetime_watcher.go doRenewWithOptions, started by
 * command/agentproxyshared/auth/auth.go right after a login): a renewable token is renewed at once with
 * `PUT auth/token/renew-self {"increment": 0}` (api/auth_token.go RenewTokenAsSelf; the agent sets no Increment),
 * and "renewed auth token" is logged when that succeeds. A token that is not renewable is never renewed.
 */
async function renewSelf(config: AgentConfig, vaultUrl: string, token: string, renewable: boolean): Promise<boolean> {
  if (!renewable) return false
  try {
    const res = await fetch(`${vaultUrl.replace(/\/+$/, '')}/v1/auth/token/renew-self`, {method: 'PUT', headers: headers(config, token), body: JSON.stringify({increment: 0})})
    await res.arrayBuffer()
    return res.ok
  } catch {
    return false
  }
}

function finish(log: (t: string) => void, config: AgentConfig | undefined): void {
  if (!config?.exit_after_auth) return
  log(logLine('INFO', '', '(runner) stopping'))
  log(logLine('INFO', 'agent.template.server', 'template server stopped'))
  log(logLine('INFO', '', '(runner) received finish'))
  log(logLine('INFO', 'agent.auth.handler', 'shutdown triggered, stopping lifetime watcher'))
  log(logLine('INFO', 'agent.auth.handler', 'auth handler stopped'))
  log(logLine('INFO', 'agent.sink.server', 'sink server stopped'))
  log(logLine('INFO', 'agent', 'sinks finished, exiting'))
}

const backoff = (attempt: number) => `${Math.min(2 ** attempt, 300)}s`

function headers(config: AgentConfig, token?: string): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    'X-Vault-Request': 'true',
    ...(token ? {'X-Vault-Token': token} : {}),
    ...(config.auto_auth.method.namespace ? {'X-Vault-Namespace': config.auto_auth.method.namespace} : {}),
  }
}

async function login(
  config: AgentConfig,
  vaultUrl: string,
  rt: PodRuntime,
  container: Container,
  log: (t: string) => void,
  attempt: number,
): Promise<{client_token: string; renewable: boolean} | undefined> {
  const method = config.auto_auth.method
  const tokenPath = method.config.token_path
  const jwtFile = rt.fs.stat(container.name, tokenPath)
  if (jwtFile?.type !== 'file') {
    log(logLine('ERROR', 'agent.auth.handler', 'error getting path or data from method', {error: `error reading JWT with Kubernetes Auth: open ${tokenPath}: no such file or directory`, backoff: backoff(attempt)}))
    return undefined
  }
  const path = `/v1/${(method.mount_path ?? "").replace(/^\/+|\/+$/g, '')}/login`
  const shownUrl = config.vault.address.replace(/\/+$/, '') + path
  try {
    const res = await fetch(vaultUrl.replace(/\/+$/, '') + path, {
      method: 'PUT',
      headers: headers(config),
      body: JSON.stringify({jwt: jwtFile.content.trim(), role: method.config.role}),
    })
    const text = await res.text()
    if (!res.ok) {
      log(logLine('ERROR', 'agent.auth.handler', 'error authenticating', {error: responseError('PUT', shownUrl, res.status, text), backoff: backoff(attempt)}))
      return undefined
    }
    const auth = (JSON.parse(text) as {auth?: {client_token?: string; renewable?: boolean} | null}).auth
    // command/agentproxyshared/auth/auth.go: a nil auth block and an empty client token are two messages.
    if (!auth?.client_token) {
      log(logLine('ERROR', 'agent.auth.handler', auth ? 'authentication returned empty client token' : 'authentication returned nil auth info', {backoff: backoff(attempt)}))
      return undefined
    }
    return {client_token: auth.client_token, renewable: auth.renewable === true}
  } catch (error) {
    log(logLine('ERROR', 'agent.auth.handler', 'error authenticating', {error: `Put "${shownUrl}": ${describeNetworkError(error)}`, backoff: backoff(attempt)}))
    return undefined
  }
}

function describeNetworkError(error: unknown): string {
  const cause = (error as {cause?: {code?: string}}).cause
  return cause?.code === 'ECONNREFUSED' ? 'dial tcp 10.96.0.100:8200: connect: connection refused' : String((error as Error).message)
}

/** consul-template's KV v2 shim: `mount/x` is read as `mount/data/x` when sys/internal/ui/mounts says version 2. */
async function shimKv2(config: AgentConfig, vaultUrl: string, token: string, rawPath: string): Promise<string> {
  try {
    const res = await fetch(`${vaultUrl.replace(/\/+$/, '')}/v1/sys/internal/ui/mounts/${rawPath}`, {headers: headers(config, token)})
    if (!res.ok) return rawPath
    const data = ((await res.json()) as {data?: {path?: string; options?: {version?: string} | null}}).data
    const mount = data?.path ?? ''
    if (data?.options?.version !== '2' || !mount) return rawPath
    if (rawPath === mount || rawPath === mount.replace(/\/$/, '')) return `${mount.replace(/\/$/, '')}/data`
    const rest = rawPath.slice(mount.length)
    return rest.startsWith('data/') || rest.startsWith('metadata/') ? rawPath : `${mount}data/${rest}`
  } catch {
    return rawPath
  }
}

/**
 * What the agent makes of a 404 answer to a read: hashicorp/vault api/logical.go ParseRawResponseAndCloseBody still
 * returns a secret when the 404 body has warnings or data (a KV v2 version that was deleted or destroyed is answered
 * `{data: {data: null, metadata}}`, vault-plugin-secrets-kv path_data.go); consul-template dependency/vault_read.go
 * readSecret then refuses it only when deletedKVv2 says so: `metadata.deletion_time` is an RFC 3339 time that has
 * passed. A destroyed version that was never deleted has an empty deletion_time and is rendered with `.Data.data` nil.
 * Undefined: "no secret exists".
 */
export function secretOf404(text: string, now: Date): TemplateSecret | undefined {
  let body: {data?: Record<string, unknown> | null; warnings?: string[] | null}
  try {
    body = JSON.parse(text)
  } catch {
    return undefined
  }
  const data = body?.data ?? {}
  if (Object.keys(data).length === 0 && (body?.warnings ?? []).length === 0) return undefined
  const metadata = data.metadata
  if (metadata !== null && typeof metadata === 'object' && !Array.isArray(metadata)) {
    const deletion = (metadata as {deletion_time?: unknown}).deletion_time
    // time.Parse(time.RFC3339, …): anything else (the empty string) is "not deleted".
    if (typeof deletion === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(deletion) && Date.parse(deletion) < now.getTime()) return undefined
  }
  return toTemplateSecret(body as Parameters<typeof toTemplateSecret>[0])
}

async function readSecret(config: AgentConfig, vaultUrl: string, token: string, rawPath: string): Promise<TemplateSecret | string> {
  const path = await shimKv2(config, vaultUrl, token, rawPath)
  const shownUrl = `${config.vault.address.replace(/\/+$/, '')}/v1/${path}`
  const what = `vault.read(${rawPath})`
  try {
    const res = await fetch(`${vaultUrl.replace(/\/+$/, '')}/v1/${path}`, {headers: headers(config, token)})
    const text = await res.text()
    if (res.status === 404) {
      const secret = secretOf404(text, new Date())
      return secret ?? `${what}: no secret exists at ${path}`
    }
    if (!res.ok) return `${what}: ${what}: ${responseError('GET', shownUrl, res.status, text)}`
    return toTemplateSecret(JSON.parse(text))
  } catch (error) {
    return `${what}: Get "${shownUrl}": ${describeNetworkError(error)}`
  }
}

async function renderTemplates(cluster: Cluster, config: AgentConfig, vaultUrl: string, token: string, rt: PodRuntime, container: Container, log: (t: string) => void): Promise<string | undefined> {
  for (const t of config.template ?? []) {
    if (t.contents === undefined) return `template: failed reading file ${t.source}: open ${t.source}: no such file or directory`
    const secrets = new Map<string, TemplateSecret>()
    for (const path of secretPaths(t.contents)) {
      const result = await readSecret(config, vaultUrl, token, path)
      if (typeof result === 'string') return result
      secrets.set(path, result)
    }
    const lookup = (path: string) => secrets.get(path)
    // the injector writes its default templates with {{ }} whatever the delimiters: only then are they actions
    const defaultDelims = t.left_delimiter === '{{' && t.right_delimiter === '}}'
    let output = defaultDelims ? renderDefaultTemplate(t.contents, lookup) : undefined
    if (output === undefined) {
      const render = cluster.options.render
      if (!render) return `template: (dynamic): the kube emulator was given no template renderer for this template`
      try {
        output = render(t.contents, lookup, {leftDelim: t.left_delimiter, rightDelim: t.right_delimiter, errorOnMissingKey: t.error_on_missing_key === true})
      } catch (error) {
        return `(dynamic): execute: ${(error as Error).message}`
      }
    }
    rt.fs.write(container.name, t.destination, output)
    log(logLine('INFO', '', `(runner) rendered "(dynamic)" => "${t.destination}"`))
  }
  return undefined
}

import type NodeVault from 'node-vault'

import http from 'node:http'
import https from 'node:https'
import tls from 'node:tls'
import {format} from 'node:util'

import {VsiError} from '../errors.js'
import {debug} from '../output/debug.js'
import {registerSecret} from '../output/redact.js'
import {invalidToken, isKvUpgrading, isMissingToken, isPermissionDenied, isTransient, noToken, statusOf, toVaultError, type VaultCall} from './errors.js'
import {checkPathSegments} from './names.js'
import type {TokenSource, VaultSettings} from './settings.js'

/** Vault's response envelope (sdk/logical/translate_response.go); sys routes also copy `data` to the top level. */
export interface VaultResponse<T = Record<string, unknown>> {
  data: T
  auth?: {client_token: string; accessor?: string; policies?: string[]; lease_duration?: number} | null
  warnings?: string[] | null
  [key: string]: unknown
}

export interface RequestOptions {
  /** Safe to send again after a dropped connection or a 500/502/504: reads, and writes that set a whole object. */
  idempotent?: boolean
  /** A login: a 403 is the auth method's verdict on the credentials, not a missing capability. */
  login?: boolean
}

/** The connection settings (./settings.ts) with an address known. */
export interface VaultClientOptions extends Omit<VaultSettings, 'addr' | 'timeoutMs'> {
  addr: string
  /** Milliseconds a call may take in all, retries included (VAULT_CLIENT_TIMEOUT). */
  timeoutMs?: number
  /** How messages name this Vault when the address alone would mislead (a port-forward to a pod). */
  label?: string
  unreachableHint?: string
}

/** sys/health's view of a Vault server; cluster_id and cluster_name are absent while it is sealed. */
export interface VaultIdentity {
  clusterId?: string
  clusterName?: string
  sealed: boolean
  version?: string
}

export const DEFAULT_TIMEOUT_MS = 60_000
const RETRY_DELAYS_MS = [100, 250, 600]
/**
 * A new kv-v2 mount upgrades in the background and answers 400 "Upgrading from non-versioned to versioned data" until
 * it is done, which can take seconds (hashicorp/vault-plugin-secrets-kv upgrade.go): it is waited out, in steps, for as
 * long as the call's timeout allows.
 */
const KV_UPGRADE_POLL_MS = 250

/**
 * The one way vsi talks to Vault: node-vault 0.12's generic `request`, with hand-built paths (its templated helpers
 * ignore `kubernetesPath`, HTML-escape values, and `addKubernetesRole` always throws), `GET ?list=true` instead of the
 * LIST verb, explicit TLS agents (its VAULT_SKIP_VERIFY handling treats "false" as true), retries for transient
 * failures on idempotent calls, and errors mapped to VsiError.
 */
export class VaultClient {
  readonly addr: string
  readonly tokenSource?: TokenSource
  /** Per request, as VAULT_CLIENT_TIMEOUT sets it for the vault CLI (default 60 s). */
  readonly timeoutMs: number
  private closed = false
  private readonly agents: {httpAgent: http.Agent; httpsAgent: https.Agent}

  private constructor(
    private readonly nodeVault: NodeVault.client,
    private readonly options: VaultClientOptions,
    agents?: {httpAgent: http.Agent; httpsAgent: https.Agent},
  ) {
    this.addr = options.addr
    this.tokenSource = options.tokenSource
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    this.agents = agents ?? {
      httpAgent: new http.Agent({keepAlive: true}),
      httpsAgent: new https.Agent({
        keepAlive: true,
        ca: options.ca,
        rejectUnauthorized: !options.skipVerify,
        cert: options.clientCert,
        key: options.clientKey,
        // VAULT_TLS_SERVER_NAME: sent as SNI and checked against the certificate instead of the address's host.
        ...(options.tlsServerName ? {servername: options.tlsServerName, checkServerIdentity: (_host: string, cert: tls.PeerCertificate) => tls.checkServerIdentity(options.tlsServerName!, cert)} : {}),
      }),
    }
  }

  static async create(options: VaultClientOptions, agents?: VaultClient['agents']): Promise<VaultClient> {
    const {default: createNodeVault} = await import('node-vault')
    const nodeVault = createNodeVault({
      endpoint: options.addr,
      token: options.token,
      namespace: options.namespace,
      noCustomHTTPVerbs: true,
      debug: redactingDebug,
      // Keeps node-vault from building its own agent from VAULT_SKIP_VERIFY; ours is passed per request.
      rpDefaults: {strictSSL: true},
    } as NodeVault.VaultOptions)
    // node-vault falls back to VAULT_TOKEN / VAULT_NAMESPACE / VAULT_PREFIX on its own; vsi has already decided.
    const loose = nodeVault as unknown as {token: string; namespace: string; pathPrefix: string}
    loose.token = options.token ?? ''
    loose.namespace = options.namespace ?? ''
    loose.pathPrefix = ''
    registerSecret(options.token)
    return new VaultClient(nodeVault, options, agents)
  }

  /** A client for the same server with another token (e.g. one from a login), sharing connections. */
  async withToken(token: string | undefined): Promise<VaultClient> {
    return VaultClient.create({...this.options, token, tokenSource: undefined}, this.agents)
  }

  /** GET; undefined when Vault answers 404. */
  async read<T = Record<string, unknown>>(path: string): Promise<VaultResponse<T> | undefined> {
    return this.orUndefinedOn404(() => this.request<T>('GET', path, undefined, {idempotent: true}))
  }

  /** The keys under a path (`GET ?list=true`); empty when Vault answers 404. */
  async list(path: string): Promise<string[]> {
    const response = await this.orUndefinedOn404(() =>
      this.request<{keys?: string[]}>('GET', `${path.replace(/\/$/, '')}/?list=true`, undefined, {idempotent: true}),
    )
    return response?.data?.keys ?? []
  }

  /** POST; undefined for a 204. */
  async write<T = Record<string, unknown>>(path: string, body: object, options: RequestOptions = {}): Promise<VaultResponse<T> | undefined> {
    return this.request<T>('POST', path, body, options)
  }

  async delete(path: string): Promise<void> {
    await this.request('DELETE', path, undefined, {idempotent: true})
  }

  /** The token's capabilities on each path (sys/capabilities-self; the default policy allows it). */
  async capabilities(paths: string[]): Promise<Record<string, string[]>> {
    const response = await this.request<Record<string, string[]>>('POST', 'sys/capabilities-self', {paths}, {idempotent: true})
    return response?.data ?? {}
  }

  /**
   * Who answers at this address: sys/health needs no token and answers with its body on every status
   * (http/sys_health.go); the code parameters keep node-vault from treating sealed or standby as failures.
   */
  async identity(): Promise<VaultIdentity> {
    const body = (await this.request<unknown>('GET', 'sys/health?standbyok=true&sealedcode=200&uninitcode=200', undefined, {idempotent: true})) as
      | (Partial<Record<'cluster_id' | 'cluster_name' | 'version', string>> & {sealed?: boolean})
      | undefined
    return {clusterId: body?.cluster_id || undefined, clusterName: body?.cluster_name || undefined, sealed: body?.sealed === true, version: body?.version}
  }

  close(): void {
    this.closed = true
    this.agents.httpAgent.destroy()
    this.agents.httpsAgent.destroy()
  }

  async request<T>(method: string, path: string, body?: object, options: RequestOptions = {}): Promise<VaultResponse<T> | undefined> {
    return this.withRetries({method, path, login: options.login}, options, async (timeout) => {
      const response = await this.nodeVault.request({
        path: `/${path}`,
        method,
        ...(body === undefined ? {} : {json: body}),
        ...this.agents,
        timeout,
      })
      // 204 comes back as '' from node-vault.
      return response === '' || response === undefined ? undefined : (response as VaultResponse<T>)
    })
  }

  /**
   * GET with the body as Vault sent it, for callers that must decode it themselves: node-vault's JSON.parse turns a
   * secret's 1.50 into 1.5, where Vault's Go client keeps the text (json.Number). A 404 body is returned too, since
   * KV v2 answers a deleted or destroyed version with 404 and its metadata, which Vault's client still reads.
   */
  async readText(path: string): Promise<{status: 200 | 404; text: string}> {
    const call: VaultCall = {method: 'GET', path}
    return this.withRetries(call, {idempotent: true}, (timeout) => this.getText(path, timeout))
  }

  private getText(path: string, timeout: number): Promise<{status: 200 | 404; text: string}> {
    const url = new URL(`${this.addr.replace(/\/$/, '')}/v1/${path}`)
    const headers: Record<string, string> = {}
    if (this.options.token) headers['X-Vault-Token'] = this.options.token
    if (this.options.namespace) headers['X-Vault-Namespace'] = this.options.namespace
    const secure = url.protocol === 'https:'
    debug(`GET ${url.href} (body kept as text)`)
    return new Promise((resolve, reject) => {
      const request = (secure ? https : http).request(url, {method: 'GET', headers, agent: secure ? this.agents.httpsAgent : this.agents.httpAgent}, (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('error', reject)
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          const status = response.statusCode ?? 0
          if (status === 200 || status === 404) return resolve({status, text})
          // The shape node-vault rejects with, so that retries and error messages are the same for both paths.
          let body: unknown = text
          try {
            body = JSON.parse(text)
          } catch {
            // A proxy's HTML page: kept as text.
          }
          const first = (body as {errors?: unknown[]} | undefined)?.errors?.[0]
          reject(Object.assign(new Error(typeof first === 'string' ? first : `Status ${status}`), {response: {statusCode: status, body}}))
        })
      })
      request.setTimeout(timeout, () => request.destroy(Object.assign(new Error(`timeout of ${timeout}ms exceeded`), {code: 'ECONNABORTED'})))
      request.on('error', reject)
      request.end()
    })
  }

  /** Runs one call with the retries, deadline and error mapping every call to Vault has. */
  private async withRetries<R>(call: VaultCall, options: RequestOptions, attemptCall: (timeoutMs: number) => Promise<R>): Promise<R> {
    const {method, path} = call
    checkPathSegments(path, 'the Vault path')
    // The timeout bounds the whole call, retries included, as VAULT_CLIENT_TIMEOUT promises.
    const deadline = Date.now() + this.timeoutMs
    for (let attempt = 0; ; attempt++) {
      try {
        return await attemptCall(Math.max(1, deadline - Date.now()))
      } catch (error) {
        // A closed client (the command is ending) does not try again.
        const upgrading = !this.closed && isKvUpgrading(error)
        const retryable = upgrading || (!this.closed && options.idempotent === true && isTransient(error))
        const delay = upgrading ? KV_UPGRADE_POLL_MS : RETRY_DELAYS_MS[attempt]
        if (retryable && delay !== undefined && Date.now() + delay < deadline) {
          debug(`${method} ${path} failed (${statusOf(error) ?? (error as {code?: string}).code}); retrying`)
          await new Promise((resolve) => setTimeout(resolve, delay))
          continue
        }
        const context = {addr: this.options.label ?? this.addr, tokenSource: this.tokenSource, unreachableHint: this.options.unreachableHint, timeoutMs: this.timeoutMs}
        // Vault >= 1.10 answers a request without a token 403 "permission denied", older ones 400 "missing client token".
        if (!this.options.token && !options.login && (statusOf(error) === 403 || isMissingToken(error))) throw noToken(call, error)
        if (!isPermissionDenied(error) || options.login) throw toVaultError(error, call, context)
        const capabilities = await this.capabilitiesOf(path)
        // The default policy grants sys/capabilities-self: a token refused even that is not a valid token.
        if (capabilities === 'token-rejected') throw invalidToken(context, error)
        throw toVaultError(error, call, {...context, capabilities})
      }
    }
  }

  private async capabilitiesOf(path: string): Promise<string[] | 'token-rejected' | undefined> {
    const bare = path.split('?')[0]
    if (bare === 'sys/capabilities-self') return 'token-rejected'
    try {
      return (await this.capabilities([bare]))[bare]
    } catch (error) {
      const code = error instanceof VsiError ? error.code : undefined
      return code === 'vault-permission-denied' || code === 'vault-token-invalid' ? 'token-rejected' : undefined
    }
  }

  private async orUndefinedOn404<T>(call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call()
    } catch (error) {
      if (error instanceof VsiError && error.code === 'vault-not-found') return undefined
      throw error
    }
  }
}

/** node-vault logs every payload through `debug`: keep the method and path, drop request bodies. */
function redactingDebug(...args: unknown[]): void {
  const safe = args.map((arg) => (arg !== null && typeof arg === 'object' ? '{…}' : arg))
  debug(`node-vault ${format(...safe)}`)
}

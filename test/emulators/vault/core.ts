// The request pipeline of Vault's core (vault/request_handling.go): sealed check, routing to a
// mount, token check, create-vs-update, ACL, dispatch, and the mount tables themselves.
import {randomBytes, randomUUID} from 'node:crypto'
import {posix} from 'node:path'
import {kubernetesBackend, KubernetesAuthStore} from './backends/kubernetes.js'
import {kvV1Backend, KvV1Store, kvV2Backend, KvV2Store, UPGRADE_ATTRIBUTION} from './backends/kv.js'
import {sysBackend, type MountSettings, type SysCore, type Table} from './backends/sys.js'
import {tokenBackend} from './backends/token.js'
import type {KubeTarget} from './backends/token-review.js'
import {Clock} from './clock.js'
import {multierror, parseDurationSecond} from './go-strconv.js'
import {dispatch, matchesSpecial, resolveWriteOperation, type Backend, type BackendRequest} from './framework.js'
import type {WireRequest, WireResponse} from './http-wire.js'
import {CORE_TYPES, KNOWN_AUTH_TYPES, KNOWN_SECRET_TYPES, newMount, type MountConfig, type MountEntry} from './mounts.js'
import type {EmulatorAcl} from './policy/acl.js'
import {PolicyStore} from './policy/store.js'
import {errorBody, render} from './render.js'
import {errorResponse} from './reply.js'
import {buildLogicalRequest, clientToken} from './request.js'
import {handleSeal, handleUnseal, type SealCore} from './seal.js'
import {health, initStatus, leader, sealStatus} from './status.js'
import {TokenStore, type TokenEntry} from './tokens.js'

export interface CoreOptions {
  rootToken: string
  devMode: boolean
  kube?: KubeTarget
  /** How long a new kv-v2 mount answers "Upgrading from non-versioned to versioned data". */
  kvV2UpgradeMs: number
}

export type TokenClass = 'root' | 'other' | 'none'

export interface Handled {
  response: WireResponse
  /** Why a login failed when Vault only logs it; never contains secrets. */
  reason?: string
}

export type MountStore = KvV1Store | KvV2Store | KubernetesAuthStore

const PROTECTED_SECRET_PATHS = ['audit/', 'auth/', 'sys/', 'cubbyhole/', 'identity/']
const PERMISSION_DENIED = multierror(['permission denied'])
const INVALID_TOKEN = multierror(['permission denied', 'invalid token'])

export class VaultCore implements SysCore, SealCore {
  readonly clock = new Clock()
  readonly tokens = new TokenStore(this.clock)
  readonly policies = new PolicyStore()
  readonly secretMounts = new Map<string, MountEntry>()
  readonly authMounts = new Map<string, MountEntry>()
  readonly stores = new Map<MountEntry, MountStore>()
  sealed = false
  /** The dev server's one unseal key (1 of 1 shares), which `vault server -dev` prints at start. */
  readonly unsealKey = randomBytes(32)
  private readonly clusterName = `vault-cluster-${randomBytes(4).toString('hex')}`
  private readonly clusterId = randomUUID()

  constructor(private readonly options: CoreOptions) {
    this.tokens.createRoot(options.rootToken, options.devMode)
    const defaults = (description: string, extra: Partial<MountConfig> = {}) => ({description, config: {default_lease_ttl: 0, max_lease_ttl: 0, force_no_cache: false, ...extra}})
    this.addMount('secret', 'cubbyhole/', 'cubbyhole', {...defaults('per-token private secret storage'), options: null, local: true})
    this.addMount('secret', 'identity/', 'identity', {...defaults('identity store', {passthrough_request_headers: ['Authorization']}), options: null})
    this.addMount('secret', 'sys/', 'system', {...defaults('system endpoints used for control, policy and debugging', {passthrough_request_headers: ['Accept']}), options: null, sealWrap: true})
    this.addMount('auth', 'token/', 'token', {...defaults('token based credentials', {token_type: 'default-service'}), options: null})
    if (options.devMode) this.addMount('secret', 'secret/', 'kv', {...defaults('key/value secret storage'), options: {version: '2'}})
  }

  table(table: Table): Map<string, MountEntry> {
    return table === 'secret' ? this.secretMounts : this.authMounts
  }

  acl(token: TokenEntry): EmulatorAcl {
    return this.policies.acl(token.policies)
  }

  private addMount(
    table: Table,
    path: string,
    type: string,
    settings: Partial<Omit<MountSettings, 'type' | 'options'>> & {options: Record<string, string> | null},
  ): MountEntry {
    const entry: MountEntry = newMount({
      path,
      table,
      type,
      description: settings.description ?? '',
      config: {default_lease_ttl: 0, max_lease_ttl: 0, force_no_cache: false, ...settings.config} as MountConfig,
      options: settings.options,
      local: settings.local ?? false,
      sealWrap: settings.sealWrap ?? false,
      externalEntropyAccess: settings.externalEntropyAccess ?? false,
      createdMs: this.clock.nowMs(),
      backend: {mountType: type, routes: []},
    })
    entry.backend = this.createBackend(entry)
    this.table(table).set(path, entry)
    return entry
  }

  private createBackend(entry: MountEntry): Backend {
    switch (entry.type) {
      case 'system':
        return sysBackend(this)
      case 'token':
        return tokenBackend(this.tokens)
      case 'kv':
        return this.kvBackend(entry)
      case 'kubernetes':
        if (entry.table === 'auth') {
          const store = new KubernetesAuthStore()
          this.stores.set(entry, store)
          return kubernetesBackend(store, {clock: this.clock, tokens: this.tokens, mount: () => entry, kube: this.options.kube})
        }
        return {mountType: entry.type, routes: []}
      default:
        // Engines the emulator does not implement mount fine but serve no paths.
        return {mountType: entry.type, routes: []}
    }
  }

  private kvBackend(entry: MountEntry): Backend {
    if (entry.options?.['version'] === '2') {
      const store = new KvV2Store()
      this.stores.set(entry, store)
      return kvV2Backend(store, {clock: this.clock, upgradingUntilMs: entry.createdMs + this.options.kvV2UpgradeMs})
    }
    const store = new KvV1Store()
    this.stores.set(entry, store)
    return kvV1Backend(store, () => entry.config.default_lease_ttl || 2764800)
  }

  mount(table: Table, path: string, settings: MountSettings): string | undefined {
    const existing = this.table(table)
    if (table === 'secret') {
      if (PROTECTED_SECRET_PATHS.some((p) => path.startsWith(p))) return `cannot mount ${JSON.stringify(path)}`
      if (CORE_TYPES.includes(settings.type)) return `mount type of ${JSON.stringify(settings.type)} is not mountable`
    } else if (settings.type === 'token') {
      return 'token credential backend cannot be instantiated'
    }
    // Either path a prefix of the other counts as a clash (oauth/ vs oauth/github/).
    for (const other of existing.keys()) {
      if (other.startsWith(path) || path.startsWith(other)) return `path is already in use at ${other}`
    }
    if (!(table === 'secret' ? KNOWN_SECRET_TYPES : KNOWN_AUTH_TYPES).includes(settings.type)) {
      return `plugin not found in the catalog: ${settings.type}`
    }
    const config: Record<string, unknown> = {...settings.config}
    for (const key of ['default_lease_ttl', 'max_lease_ttl']) {
      // Already validated by the sys handler.
      config[key] = config[key] === undefined || config[key] === 'system' ? 0 : parseDurationSecond(config[key])
    }
    config['force_no_cache'] = config['force_no_cache'] === true || config['force_no_cache'] === 'true'
    if (table === 'auth') config['token_type'] ??= 'default-service'
    this.addMount(table, path, settings.type, {...settings, config})
    return undefined
  }

  unmount(table: Table, path: string): string | undefined {
    if (table === 'secret' && PROTECTED_SECRET_PATHS.some((p) => path.startsWith(p))) return `cannot unmount ${JSON.stringify(path)}`
    if (table === 'auth' && path === 'token/') return 'token credential backend cannot be disabled'
    const entry = this.table(table).get(path)
    if (entry === undefined) return undefined
    this.table(table).delete(path)
    this.stores.delete(entry)
    if (table === 'auth') this.tokens.revokeIssuedUnder(`auth/${path}`)
    return undefined
  }

  upgradeKvToV2(entry: MountEntry): void {
    const old = this.stores.get(entry)
    entry.options = {...entry.options, version: '2'}
    entry.createdMs = this.clock.nowMs()
    entry.backend = this.createBackend(entry)
    const store = this.stores.get(entry) as KvV2Store
    if (!(old instanceof KvV1Store)) return
    for (const [key, data] of old.entries) {
      const created = this.clock.stamp()
      store.keys.set(key, {
        versions: new Map([[1, {data, created, deletion: null, destroyed: false, createdBy: UPGRADE_ATTRIBUTION, deletedBy: null}]]),
        currentVersion: 1,
        oldestVersion: 0,
        created,
        updated: created,
        maxVersions: 0,
        casRequired: false,
        deleteVersionAfter: 0,
        customMetadata: null,
        lastUpdatedBy: UPGRADE_ATTRIBUTION,
      })
    }
  }

  matchMount(path: string): {entry: MountEntry; prefix: string} | undefined {
    const candidates = [
      ...[...this.secretMounts.values()].map((entry) => ({entry, prefix: entry.path})),
      ...[...this.authMounts.values()].map((entry) => ({entry, prefix: `auth/${entry.path}`})),
    ]
    return candidates.filter((c) => path.startsWith(c.prefix)).sort((a, b) => b.prefix.length - a.prefix.length)[0]
  }

  maySeal(clientToken: string | undefined): boolean {
    const token = clientToken === undefined ? undefined : this.tokens.lookup(clientToken)
    if (token === undefined) return false
    const decision = this.acl(token).decide('sys/seal', 'update')
    return decision.allowed && decision.sudo
  }

  sealStatus(): WireResponse {
    return sealStatus(this.identity(), 'GET')
  }

  private identity() {
    return {sealed: this.sealed, clusterName: this.clusterName, clusterId: this.clusterId, nowMs: this.clock.nowMs()}
  }

  tokenClass(req: WireRequest): TokenClass {
    const token = clientToken(req)
    if (token === undefined) return 'none'
    return token === this.options.rootToken ? 'root' : 'other'
  }

  async handle(req: WireRequest): Promise<Handled> {
    const handled = await this.handleV1(req)
    // hashicorp/vault http/handler.go wrapGenericHandler: a /v1/ request's X-Vault-Namespace is set on the answer
    // ("to be included in the error message"); Vault Community serves it from the root namespace all the same.
    const namespace = req.headers['x-vault-namespace']
    if (namespace && new URL(req.target, 'http://vault').pathname.startsWith('/v1/')) {
      handled.response = {...handled.response, headers: {...handled.response.headers, 'X-Vault-Namespace': namespace}}
    }
    return handled
  }

  private async handleV1(req: WireRequest): Promise<Handled> {
    const url = new URL(req.target, 'http://vault')
    const redirect = canonicalRedirect(req.method, url)
    if (redirect !== undefined) return {response: redirect}
    if (!url.pathname.startsWith('/v1/')) return {response: errorBody(404, [])}
    let path: string
    try {
      path = decodeURIComponent(url.pathname.slice(4))
    } catch {
      return {response: errorBody(400, [])}
    }
    const server = this.identity()
    switch (path) {
      case 'sys/health':
        return {response: health(server, req.method, url.searchParams)}
      case 'sys/seal-status':
        return {response: sealStatus(server, req.method)}
      case 'sys/init':
        return {response: initStatus(req.method)}
      case 'sys/leader':
        return {response: leader(server, req.method)}
      case 'sys/seal':
        return {response: handleSeal(this, req, url.searchParams)}
      case 'sys/unseal':
        return {response: handleUnseal(this, req)}
    }
    const logical = buildLogicalRequest(req, path, url.searchParams)
    if ('status' in logical) return {response: errorBody(logical.status, logical.errors)}
    if (this.sealed) return {response: errorBody(503, ['Vault is sealed'])}
    const ctx = {op: logical.op as string, urlPath: url.pathname, mountType: '', login: false}
    // vault/request_handling.go handleCancelableRequest: update, create and patch may not end in "/".
    if ((logical.op === 'update' || logical.op === 'create' || logical.op === 'patch') && logical.path.endsWith('/')) {
      return {response: render(ctx, errorResponse("cannot write to a path ending in '/'"))}
    }

    const route = this.matchMount(logical.path)
    const backend = route?.entry.backend
    const relative = route ? logical.path.slice(route.prefix.length) : logical.path
    const breq: BackendRequest = {
      op: logical.op,
      path: relative,
      fullPath: logical.path,
      data: logical.data,
      exactData: logical.exactData,
      clientToken: logical.token,
      remoteAddress: req.remoteAddress,
    }
    const unauthenticated = backend !== undefined && matchesSpecial(backend.unauthenticatedPaths, relative)
    if (!unauthenticated) {
      // Vault >= 1.10 (vault/request_handling.go fetchACLTokenEntryAndEntity): an empty token is logical.ErrPermissionDenied,
      // which handleRequest wraps in a multierror like any denial;
      // 1.9 and older answered 400 "missing client token".
      if (logical.token === undefined) return {response: render(ctx, errorResponse(PERMISSION_DENIED, 403))}
      const token = this.tokens.lookup(logical.token)
      if (token === undefined) return {response: render(ctx, errorResponse(INVALID_TOKEN, 403))}
      if (backend !== undefined) {
        const op = resolveWriteOperation(backend, breq)
        if (typeof op !== 'string') return {response: render(ctx, op)}
        breq.op = op
        ctx.op = op
      }
      const result = this.acl(token).decide(logical.path, breq.op, breq.data)
      const needsSudo = backend !== undefined && matchesSpecial(backend.rootPaths, relative)
      if (!result.allowed || (needsSudo && !result.sudo)) return {response: render(ctx, errorResponse(PERMISSION_DENIED, 403))}
      breq.token = token
    }
    // A token with a use limit spends one use per request and is revoked after its last.
    const lastUse = breq.token !== undefined && this.tokens.use(breq.token)
    try {
      if (route === undefined || backend === undefined) {
        return {response: render(ctx, errorResponse(`no handler for route ${JSON.stringify(logical.path)}. route entry not found.`, 404))}
      }
      ctx.mountType = backend.mountType
      ctx.login = unauthenticated && route.entry.table === 'auth'
      const reply = await dispatch(backend, breq)
      return {response: render(ctx, reply), reason: reply.kind === 'goError' ? reply.reason : undefined}
    } finally {
      if (lastUse) this.tokens.revoke(breq.token!.id)
    }
  }
}

/**
 * Vault's handlers sit behind Go's http.ServeMux, which answers a path that is not canonical
 * (e.g. node-vault's "/v1/auth//login") with a 301 to its cleaned form.
 */
function canonicalRedirect(method: string, url: URL): WireResponse | undefined {
  const clean = posix.normalize(url.pathname)
  if (clean === url.pathname || method === 'CONNECT') return undefined
  const location = `${clean}${url.search}`
  const headers: Record<string, string> = {'Cache-Control': 'no-store', Location: location}
  if (method === 'GET' || method === 'HEAD') headers['Content-Type'] = 'text/html; charset=utf-8'
  return {status: 301, headers, body: method === 'GET' ? `<a href="${location}">Moved Permanently</a>.\n\n` : ''}
}

/**
 * An in-process HashiCorp Vault for tests, faithful on the wire (paths, methods, status codes,
 * bodies, error strings) to a `vault server -dev` of the 1.21 line for what vsi touches.
 * Sources followed: hashicorp/vault http/handler.go, http/logical.go, sdk/logical/response_util.go and the plugins'
 * path definitions, cited where each behaviour is implemented.
 *
 *   const vault = await startVaultEmulator({kube: {url: kube.url, caPem: kube.caPem, serviceAccountToken}})
 *   vault.url            // http://127.0.0.1:<port> (https:// with `tls: true`; trust `vault.caPem`)
 *   vault.rootToken      // 'root' unless given
 *   vault.unsealKey      // the dev server's unseal key (base64), for PUT sys/unseal after PUT sys/seal
 *   vault.requests       // [{method, path, query, status, token: 'root'|'other'|'none', reason?}]
 *   vault.faults.failNext(1, 503, 'sys/mounts'); vault.faults.dropNext(1); vault.faults.seal()
 *   vault.state.policies(); vault.state.kv('secret'); vault.state.kubernetes('kubernetes')
 *   vault.createToken({policies: ['app'], ttl: '1h'}); vault.clock.advance(3_600_000)
 *   await vault.stop()
 *
 * What it serves: sys/health, sys/seal-status, sys/init, sys/leader, sys/seal, sys/unseal; sys/mounts[/<path>[/tune]],
 * sys/auth[/<path>[/tune]]; sys/policies/acl[/<name>] and sys/policy[/<name>];
 * sys/capabilities-self, sys/capabilities; sys/internal/ui/mounts/<path> (the KV preflight);
 * auth/token/{create,create-orphan,lookup,lookup-self,renew-self,revoke-self};
 * auth/<kubernetes mount>/{config,role[/<name>],login}; KV v1 and v2 (data, metadata,
 * delete, undelete, destroy, config). `LIST` works (the server parses HTTP itself, because
 * Node's parser rejects that method), as does `GET …?list=true`.
 *
 * Every request runs through Vault's checks in Vault's order: sealed → token present and live
 * → create-vs-update existence check → ACL (real HCL/JSON policies, `*` and `+` globs, deny,
 * sudo on root paths) → handler. Logins call a real TokenReview endpoint: requests for the
 * in-cluster host (https://kubernetes.default.svc[:443] and friends) go to `kube.url`.
 * `X-Vault-Namespace` is accepted and ignored, as Vault Community does.
 *
 * Not emulated: response wrapping, leases and their revocation, identity entities/groups,
 * cubbyhole contents, other secret engines and auth methods (they mount but serve no paths),
 * batch tokens, token roles, Enterprise features (namespaces, Sentinel, control groups, MFA).
 */
import {readFileSync} from 'node:fs'
import type {KubernetesConfig, KubernetesRole} from './backends/kubernetes.js'
import {KubernetesAuthStore} from './backends/kubernetes.js'
import {KvV1Store, KvV2Store} from './backends/kv.js'
import type {KubeTarget} from './backends/token-review.js'
import {VaultCore, type TokenClass} from './core.js'
import {parseDurationSecond} from './go-strconv.js'
import {toFloat64Numbers} from './go-json.js'
import {Faults, type FailStatus} from './faults.js'
import {startWireServer} from './http-wire.js'
import type {MountEntry} from './mounts.js'
import {sanitizePolicies} from './tokens.js'

export type {KubernetesConfig, KubernetesRole} from './backends/kubernetes.js'
export type {KubeTarget} from './backends/token-review.js'

export interface VaultEmulatorOptions {
  /** The dev root token; default 'root'. */
  rootToken?: string
  /** Serve HTTPS with test/fixtures/tls/server.pem (signed by ca.pem, exposed as `caPem`). */
  tls?: boolean
  /** With tls: require a client certificate signed by test/fixtures/tls/client-ca.pem (the listener's tls_require_and_verify_client_cert). */
  requireClientCert?: boolean
  /** Default true: like `vault server -dev`, with a kv-v2 engine at secret/. */
  devMode?: boolean
  /** The cluster this Vault runs in (see KubeTarget). Without it, in-cluster hosts do not resolve. */
  kube?: KubeTarget
  /** Milliseconds a new kv-v2 mount answers 400 "Upgrading from non-versioned…" (default 0). */
  kvV2UpgradeMs?: number
}

export interface RequestRecord {
  method: string
  /** URL path, e.g. /v1/sys/mounts/internal. */
  path: string
  /** Raw query string without "?", '' when none. */
  query: string
  /** 0 when the connection was dropped. */
  status: number
  token: TokenClass
  /** Set when X-Vault-Namespace was sent (Vault Community ignores it). */
  namespace?: string
  /** A login failure reason Vault only logs (e.g. the TokenReview outcome). */
  reason?: string
}

export interface VaultFaults {
  latencyMs(ms: number): void
  /** Holds the next n requests (method, path prefix) until all n arrived, then answers them: a deterministic race. */
  gateNext(n: number, method: string, pathPrefix: string): void
  /** Accepts connections and never answers. */
  hang(on?: boolean): void
  failNext(n: number, status: FailStatus, pathPrefix?: string): void
  dropNext(n: number, pathPrefix?: string): void
  seal(): void
  unseal(): void
}

export interface MountSummary {
  type: string
  description: string
  accessor: string
  options: Record<string, string> | null
  config: Record<string, unknown>
}

export interface KvVersionState {
  data: Record<string, unknown> | null
  createdTime: string
  deletionTime: string
  destroyed: boolean
}

export type KvState =
  | {version: 1; data: Record<string, Record<string, unknown>>}
  | {
      version: 2
      config: {maxVersions: number; casRequired: boolean; deleteVersionAfter: number}
      keys: Record<string, {currentVersion: number; casRequired: boolean; maxVersions: number; customMetadata: Record<string, string> | null; versions: Record<number, KvVersionState>}>
    }

export interface TokenSummary {
  accessor: string
  policies: string[]
  path: string
  displayName: string
  meta: Record<string, string> | null
  /** Remaining seconds; 0 = never expires. */
  ttl: number
  numUses: number
}

export interface VaultState {
  sealed(): boolean
  /** Secrets engines by path ("secret/"). */
  mounts(): Record<string, MountSummary>
  /** Auth methods by path ("kubernetes/"). */
  authMounts(): Record<string, MountSummary>
  /** Policy name → raw text (default included, root not stored). */
  policies(): Record<string, string>
  kubernetes(mount?: string): {config?: KubernetesConfig; roles: Record<string, KubernetesRole>} | undefined
  kv(mount: string): KvState | undefined
  tokens(): TokenSummary[]
}

export interface CreateTokenOptions {
  policies: string[]
  /** Seconds or a Go duration; default 768h. */
  ttl?: number | string
  numUses?: number
  noDefaultPolicy?: boolean
}

export interface VaultEmulator {
  url: string
  rootToken: string
  /** Base64, as `vault server -dev` prints it; `faults.seal()` and PUT sys/seal seal the same Vault it unseals. */
  unsealKey: string
  caPem?: string
  requests: RequestRecord[]
  faults: VaultFaults
  state: VaultState
  /** Moves Vault's clock forward (token and JWT expiry) without sleeping. */
  clock: {advance(ms: number): void}
  /**
   * The process restarts, as when its pod is deleted or restarted: a dev server keeps everything in memory, so it comes
   * back with only its defaults, a new cluster_id and unseal key, and the same root token (-dev-root-token-id).
   */
  restart(): void
  /** Mints a token directly (the same as auth/token/create by root) and returns its id. */
  createToken(options: CreateTokenOptions): string
  stop(): Promise<void>
}

const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/tls/${name}`, import.meta.url), 'utf8')

const withSlash = (path: string): string => (path.endsWith('/') ? path : `${path}/`)

function summary(entry: MountEntry): MountSummary {
  return structuredClone({type: entry.type, description: entry.description, accessor: entry.accessor, options: entry.options, config: entry.config})
}

export async function startVaultEmulator(options: VaultEmulatorOptions = {}): Promise<VaultEmulator> {
  const rootToken = options.rootToken ?? 'root'
  const coreOptions = {rootToken, devMode: options.devMode ?? true, kube: options.kube, kvV2UpgradeMs: options.kvV2UpgradeMs ?? 0}
  let core = new VaultCore(coreOptions)
  const faults = new Faults()
  const requests: RequestRecord[] = []

  const server = await startWireServer({
    tls: options.tls ? {cert: fixture('server.pem'), key: fixture('server-key.pem'), clientCa: options.requireClientCert ? fixture('client-ca.pem') : undefined} : undefined,
    handler: async (req) => {
      if (faults.latency > 0) await new Promise((resolve) => setTimeout(resolve, faults.latency))
      const url = new URL(req.target, 'http://vault')
      const record: RequestRecord = {method: req.method, path: url.pathname, query: url.search.slice(1), status: 0, token: core.tokenClass(req)}
      if (req.headers['x-vault-namespace'] !== undefined) record.namespace = req.headers['x-vault-namespace']
      requests.push(record)
      if (faults.hang) return new Promise<never>(() => undefined)
      await faults.passGate(req.method, url.pathname.replace(/^\/v1\//, ''))
      const fault = faults.take(url.pathname.replace(/^\/v1\//, ''))
      if (fault?.kind === 'drop') return 'drop'
      if (fault?.kind === 'fail') {
        record.status = fault.response.status
        return fault.response
      }
      const handled = await core.handle(req)
      record.status = handled.response.status
      if (handled.reason !== undefined) record.reason = handled.reason
      return handled.response
    },
  })

  const state: VaultState = {
    sealed: () => core.sealed,
    mounts: () => Object.fromEntries([...core.secretMounts].map(([p, e]) => [p, summary(e)])),
    authMounts: () => Object.fromEntries([...core.authMounts].map(([p, e]) => [p, summary(e)])),
    policies: () => core.policies.entries(),
    kubernetes: (mount = 'kubernetes') => {
      const entry = core.authMounts.get(withSlash(mount))
      const store = entry && core.stores.get(entry)
      if (!(store instanceof KubernetesAuthStore)) return undefined
      return structuredClone({config: store.config, roles: Object.fromEntries(store.roles)})
    },
    kv: (mount) => {
      const entry = core.secretMounts.get(withSlash(mount))
      const store = entry && core.stores.get(entry)
      if (store instanceof KvV1Store) return structuredClone({version: 1 as const, data: toFloat64Numbers(Object.fromEntries(store.entries)) as Record<string, Record<string, unknown>>})
      if (!(store instanceof KvV2Store)) return undefined
      const keys = Object.fromEntries(
        [...store.keys].map(([path, key]) => [
          path,
          {
            currentVersion: key.currentVersion,
            casRequired: key.casRequired,
            maxVersions: key.maxVersions,
            customMetadata: key.customMetadata,
            versions: Object.fromEntries(
              [...key.versions].map(([n, v]) => [n, {data: toFloat64Numbers(v.data) as Record<string, unknown> | null, createdTime: v.created.text, deletionTime: v.deletion?.text ?? '', destroyed: v.destroyed}]),
            ),
          },
        ]),
      )
      return structuredClone({version: 2 as const, config: store.config, keys})
    },
    tokens: () =>
      core.tokens.all().map((t) => ({
        accessor: t.accessor,
        policies: [...t.policies],
        path: t.path,
        displayName: t.displayName,
        meta: t.meta && {...t.meta},
        ttl: core.tokens.remainingTtl(t),
        numUses: t.numUses,
      })),
  }

  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${server.port}`,
    rootToken,
    get unsealKey() {
      return core.unsealKey.toString('base64')
    },
    restart: () => {
      core = new VaultCore(coreOptions)
    },
    caPem: options.tls ? fixture('ca.pem') : undefined,
    requests,
    faults: {
      latencyMs: (ms) => {
        faults.latency = ms
      },
      gateNext: (n, method, prefix) => faults.gateNext(n, method, prefix),
      hang: (on = true) => {
        faults.hang = on
      },
      failNext: (n, status, prefix) => faults.failNext(n, status, prefix),
      dropNext: (n, prefix) => faults.dropNext(n, prefix),
      seal: () => {
        core.sealed = true
      },
      unseal: () => {
        core.sealed = false
      },
    },
    state,
    clock: {advance: (ms) => core.clock.advance(ms)},
    createToken: ({policies, ttl, numUses, noDefaultPolicy}) => {
      const seconds = ttl === undefined ? 2764800 : parseDurationSecond(ttl)
      return core.tokens.issue({
        policies: sanitizePolicies(policies, !noDefaultPolicy),
        path: 'auth/token/create',
        ttl: seconds,
        displayName: 'token',
        numUses,
        parent: rootToken,
      }).id
    },
    stop: () => server.close(),
  }
}

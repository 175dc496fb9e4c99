/**
 * In-process Kubernetes API server emulator for vsi's tests (REST, watch, exec and port-forward over WebSocket,
 * controllers, the Vault Agent Injector and an emulated Vault Agent).
 *
 *   const kube = await startKubeEmulator({preset: 'tutorial', vault: {url: vault.url}})
 *   kube.writeKubeconfig(path)            // certificate-authority-data + admin token; kubectl and client-node work
 *   await kube.settle()                   // controllers idle (rollouts done, agents finished) — no sleeping
 *
 * Options (KubeEmulatorOptions):
 *   tls                 default true: HTTPS with test/fixtures/tls/minikube-apiserver.pem (CA minikube-ca.pem; minikube's SANs)
 *   preset              'empty' (a fresh minikube: namespaces, node, bootstrap RBAC) | 'tutorial' (default): plus the
 *                       Vault Helm release in dev mode (vault-0, injector Deployment/Service, MWC vault-agent-injector-cfg,
 *                       vault-server-binding) and the orgchart Deployment with one ready pod; SA internal-app absent
 *   vault               {url}: the emulated agent logs in (PUT <url>/v1/<auth-path>/login {jwt, role}) and reads
 *                       secrets over HTTP; without it agents succeed at once and files come from setRenderedFile
 *   render              (template, secret) => text for non-default agent templates; secret(path) returns the
 *                       consul-template view {RequestID, LeaseID, LeaseDuration, Renewable, Data, Warnings}
 *   portForwardTargets  {"ns/pod:port": {host, port}}: real TCP targets for port-forward, and what a pod reaches on its own
 *                       loopback or through a Service (the `vault` CLI in vault-0); else the connection is refused
 *
 * Handle (KubeEmulator):
 *   url, caPem, adminToken, requests (method, path, query, status, contentType, body of every API call)
 *   writeKubeconfig(path, {namespace?, context?, token?})
 *   store                                get/list/put/create/delete(typeRef, namespace, name) — typeRef is a Kind
 *                                        ('Deployment'), 'apps/v1/Deployment', a plural ('deployments') or
 *                                        'deployments.apps'; writes go straight to storage and wake the controllers
 *   deny({verb, resource, namespace?, token?})   403 with RBAC's message; resource may be 'pods/exec'
 *   failNext({method?, pathPrefix?, status, count?})  fault injection on REST and upgrade requests
 *   failNextExec({mode: 'drop' | 'no-status', count?})  cut the next exec stream / close it without a status
 *   setClock(now)                        the controllers' clock (ms since epoch) from now on; CronJobs look again
 *   setInjectorReady(ready)              injector pods (un)ready: with false, new pods start without injection
 *   setRenderedFile(ns, pod, container, path, content) / appendLog(ns, pod, container, text)
 *   issueServiceAccountToken(ns, sa, {audiences?, expirationSeconds?}): string
 *   waitFor(typeRef, ns, name, until): Promise<object>   resolves on the store change that makes `until` true
 *   setVault({url} | undefined)          agents use this Vault from now on (for a Vault started after the cluster)
 *   portForwardTargets                   the live target table (add "ns/pod:port" entries at any time)
 *   settle(): Promise<void>; stop(): Promise<void>
 *
 * Images: `…:never-ready` never passes readiness (stuck rollout); a name containing `no-such-image` fails to pull.
 */
import {readFileSync, writeFileSync} from 'node:fs'
import {randomBytes} from 'node:crypto'

import type {ObjectStore, TypeRef} from './store.js'
import type {KubeObject} from './types.js'

import {Cluster, type RenderFn} from './cluster.js'
import {resyncCronJobs, resyncPods, startControllers} from './controllers/index.js'
import {applyPreset, type Preset} from './presets.js'
import {ExecHandler, type ExecFault} from './runtime/exec.js'
import {PortForwardHandler} from './runtime/portforward.js'
import {ApiServer, type FaultRule, type RequestRecord} from './server.js'
import type {DenyRule} from './rbac.js'

export type {DenyRule, ExecFault, FaultRule, KubeObject, RenderFn, RequestRecord}

export interface KubeEmulatorOptions {
  tls?: boolean
  preset?: Preset
  vault?: {url: string}
  render?: RenderFn
  portForwardTargets?: Record<string, {host: string; port: number}>
}

/** Typed access to stored objects for tests; changes notify the controllers like API writes do. */
export interface KubeStore {
  get(type: TypeRef, namespace: string | undefined, name: string): KubeObject | undefined
  list(type: TypeRef, namespace?: string): KubeObject[]
  /** creates or replaces (no admission) */
  put(obj: KubeObject): KubeObject
  /** creates through admission (defaults, service accounts, the injector webhook, validation) */
  create(obj: KubeObject): KubeObject
  delete(type: TypeRef, namespace: string | undefined, name: string): boolean
}

export interface KubeEmulator {
  url: string
  caPem: string
  adminToken: string
  requests: RequestRecord[]
  store: KubeStore
  writeKubeconfig(path: string, opts?: {namespace?: string; context?: string; token?: string}): void
  deny(rule: DenyRule): void
  failNext(rule: FaultRule): void
  /** Delays every REST answer by this many milliseconds (0: none). */
  latencyMs(ms: number): void
  failNextExec(fault: ExecFault): void
  setInjectorReady(ready: boolean): void
  /** the clock the CronJob controller schedules by (default Date.now); CronJobs are looked at again at once */
  setClock(now: () => number): void
  setRenderedFile(namespace: string, pod: string, container: string, path: string, content: string): void
  appendLog(namespace: string, pod: string, container: string, text: string): void
  issueServiceAccountToken(namespace: string, serviceAccount: string, opts?: {audiences?: string[]; expirationSeconds?: number}): string
  /** resolves with the object once `until` holds for it (checked now and on every change) */
  waitFor(type: TypeRef, namespace: string | undefined, name: string, until: (obj: KubeObject) => boolean): Promise<KubeObject>
  /** points the emulated agents at a Vault (or at none) from now on, e.g. once a Vault emulator has started */
  setVault(vault: {url: string} | undefined): void
  /** the live "ns/pod:port" → TCP target table; add entries at any time */
  portForwardTargets: Record<string, {host: string; port: number}>
  settle(): Promise<void>
  stop(): Promise<void>
}

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/tls/${name}`, import.meta.url), 'utf8')

export async function startKubeEmulator(opts: KubeEmulatorOptions = {}): Promise<KubeEmulator> {
  const tls = opts.tls ?? true
  // minikube's own CA and API server certificate (SANs as minikube's certs.go: kubernetes, kubernetes.default,
  // kubernetes.default.svc(.cluster.local), control-plane.minikube.internal, localhost, 10.96.0.1, 127.0.0.1,
  // 10.0.0.1 and the node IP 192.168.49.2): pods reach the API server by any of them with TLS verified.
  const caPem = fixture('minikube-ca.pem')
  const adminToken = `emulator-admin-${randomBytes(16).toString('hex')}`
  const cluster = new Cluster({caPem, adminToken, vault: opts.vault, render: opts.render})
  startControllers(cluster)
  const server = new ApiServer(cluster, tls ? {cert: fixture('minikube-apiserver.pem'), key: fixture('minikube-apiserver-key.pem')} : undefined)
  const portForwardTargets = {...opts.portForwardTargets}
  const exec = new ExecHandler(cluster, portForwardTargets)
  const portForward = new PortForwardHandler(cluster, portForwardTargets)
  server.onUpgrade('exec', exec.handle)
  server.onUpgrade('portforward', portForward.handle)
  const port = await server.listen()
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`
  await applyPreset(cluster, opts.preset ?? 'tutorial')
  server.requests.length = 0

  const store = cluster.store as ObjectStore
  return {
    url,
    caPem,
    adminToken,
    requests: server.requests,
    store: {
      get: (type, ns, name) => store.get(type, ns, name),
      list: (type, ns) => store.list(type, ns),
      put: (obj) => store.put(undefined, obj),
      create: (obj) => cluster.create(obj),
      delete: (type, ns, name) => store.delete(type, ns, name) !== undefined,
    },
    writeKubeconfig(path, o = {}) {
      const context = o.context ?? 'minikube'
      const cluster = tls
        ? `    certificate-authority-data: ${Buffer.from(caPem).toString('base64')}\n    server: ${url}`
        : `    insecure-skip-tls-verify: true\n    server: ${url}`
      writeFileSync(
        path,
        `apiVersion: v1
kind: Config
clusters:
- cluster:
${cluster}
  name: ${context}
contexts:
- context:
    cluster: ${context}
    namespace: ${o.namespace ?? 'default'}
    user: ${context}
  name: ${context}
current-context: ${context}
preferences: {}
users:
- name: ${context}
  user:
    token: ${o.token ?? adminToken}
`,
        {mode: 0o600},
      )
    },
    deny: (rule) => cluster.authz.deny(rule),
    failNext: (rule) => server.failNext(rule),
    latencyMs: (ms) => {
      server.latencyMs = ms
    },
    failNextExec: (fault) => exec.failNext(fault),
    setClock(now) {
      cluster.now = now
      resyncCronJobs(cluster)
    },
    setInjectorReady(ready) {
      cluster.injectorReady = ready
      resyncPods(cluster, (pod) => pod.metadata.labels?.['app.kubernetes.io/name'] === 'vault-agent-injector')
    },
    setRenderedFile: (ns, pod, container, path, content) => cluster.runtime(ns, pod).fs.write(container, path, content),
    appendLog: (ns, pod, container, text) => cluster.appendLog(cluster.runtime(ns, pod), container, text),
    issueServiceAccountToken(ns, name, o = {}) {
      const sa = store.get('serviceaccounts', ns, name)
      if (!sa) throw new Error(`kube emulator: no service account ${ns}/${name}`)
      return cluster.tokens.issue(ns, sa, o).token
    },
    waitFor: (type, ns, name, until) =>
      new Promise((resolve) => {
        const check = () => {
          const obj = store.get(type, ns, name)
          if (!obj || !until(obj)) return false
          unsubscribe()
          resolve(obj)
          return true
        }
        const unsubscribe = store.subscribe(() => void check())
        check()
      }),
    setVault(vault) {
      cluster.options.vault = vault
    },
    portForwardTargets,
    settle: () => cluster.queue.settle(),
    async stop() {
      cluster.stop()
      exec.close()
      portForward.close()
      await server.close()
    },
  }
}

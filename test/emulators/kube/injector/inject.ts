import type {Container, KubeObject, PodSpec, Volume} from '../types.js'

import {buildAgentConfig, collectSecrets, DEFAULT_SECRET_PATH, joinPath, PREFIX, type InjectorDefaults} from './config.js'
import {canonicalQuantity, checkDuration, decodePatch, parseBool, parseFloat64, parseInt64, parseQuantity, parseUint64} from './go.js'
import {applyJsonPatch} from './json-patch.js'
import {decodeJson, pruneUnknown} from '../typed/decode.js'

export type InjectionResult = {pod: KubeObject} | {skipped: true} | {denied: string}

const memoryVolume = (name: string): Volume => ({name, emptyDir: {medium: 'Memory'}})

/** handler.go kubeSystemNamespaces */
const SYSTEM_NAMESPACES = ['kube-system', 'kube-public']
/** agent.go DefaultServiceAccountMount */
const DEFAULT_SA_MOUNT = '/var/run/secrets/vault.hashicorp.com/serviceaccount'

/** A step of Mutate failed: the webhook answers Allowed=false with `<prefix>: <error>` (handler.go). */
class Denied extends Error {}
const step = <T>(prefix: string, run: () => T): T => {
  try {
    return run()
  } catch (error) {
    if (error instanceof Denied) throw error
    throw new Denied(`${prefix}: ${(error as Error).message}`)
  }
}

/**
 * What the vault-k8s 1.7.6 webhook does to a pod on CREATE (agent-inject/handler.go Mutate): ShouldInject, the
 * system-namespace check, agent.Init (defaults for absent annotations, backoff and JSON-patch decoding), agent.New
 * (every parser), Validate, then Patch (volumes, mounts, `vault-agent-init`, `vault-agent`, the status annotation).
 */
export function injectPod(input: KubeObject, namespace: string, defaults: InjectorDefaults): InjectionResult {
  try {
    return mutate(input, namespace, defaults)
  } catch (error) {
    if (error instanceof Denied) return {denied: error.message}
    throw error
  }
}

function mutate(input: KubeObject, namespace: string, defaults: InjectorDefaults): InjectionResult {
  const given = (input.metadata.annotations ?? {}) as Record<string, string>
  // agent.go ShouldInject
  if (given[PREFIX + 'agent-inject'] === undefined) return {skipped: true}
  const inject = step('error checking if should inject agent', () => parseBool(given[PREFIX + 'agent-inject']!))
  const phase = input.status?.phase as string | undefined
  if (!inject || (phase && phase !== 'Pending') || given[PREFIX + 'agent-inject-status'] === 'injected') return {skipped: true}
  if (SYSTEM_NAMESPACES.includes(namespace)) throw new Denied(`error with request namespace: cannot inject into system namespaces: ${namespace}`)

  const pod = structuredClone(input)
  const spec = pod.spec as PodSpec
  const annotations = step('error adding default annotations', () => init(given, spec, namespace, defaults))
  const a = (suffix: string): string | undefined => annotations[PREFIX + suffix]
  const agent = step('error creating new agent sidecar', () => newAgent(annotations, spec, pod.metadata.name ?? ''))
  step('error validating agent configuration', () => {
    if (a('agent-request-namespace') === '') throw new Error('namespace missing from request')
    if (a('agent-image') === '') throw new Error('no Vault image found')
    if (!a('agent-configmap')) {
      if (a('auth-type') === '') throw new Error('no Vault Auth Type found')
      if (a('auth-type') === 'kubernetes' && !a('role') && !a('auth-config-role')) throw new Error('no Vault role found')
      if (a('auth-path') === '') throw new Error('no Vault Auth Path found')
      if (a('service') === '') throw new Error('no Vault address found')
    }
  })
  return step('error creating patch for agent', () => patch(pod, annotations, agent, defaults))
}

/**
 * The injector's flags (vault-k8s subcommand/injector/flags.go): each AGENT_INJECT_* variable that is not "" replaces
 * the flag's default (parseEnvs); booleans through parseutil.ParseBool, written back by strconv.FormatBool.
 */
function injectorFlags(defaults: InjectorDefaults) {
  const env = (name: string): string | undefined => defaults.env?.[`AGENT_INJECT_${name}`] || undefined
  const bool = (name: string, fallback: boolean): string => String(env(name) === undefined ? fallback : parseBool(env(name)!))
  return {
    authType: env('VAULT_AUTH_TYPE') ?? 'kubernetes',
    vaultNamespace: env('VAULT_NAMESPACE') ?? '',
    proxyAddress: env('PROXY_ADDR') ?? '',
    // flags.go: cpu-limit 500m, memory-limit 128Mi, cpu-request 250m, memory-request 64Mi (agent.Default*), ephemeral unset
    limitsCpu: env('CPU_LIMIT') ?? '500m',
    limitsMem: env('MEM_LIMIT') ?? '128Mi',
    limitsEphemeral: env('EPHEMERAL_LIMIT') ?? '',
    requestsCpu: env('CPU_REQUEST') ?? '250m',
    requestsMem: env('MEM_REQUEST') ?? '64Mi',
    requestsEphemeral: env('EPHEMERAL_REQUEST') ?? '',
    revokeOnShutdown: bool('REVOKE_ON_SHUTDOWN', false),
    setSecurityContext: bool('SET_SECURITY_CONTEXT', true),
    runAsUser: env('RUN_AS_USER') ?? '100',
    runAsSameUser: bool('RUN_AS_SAME_USER', false),
    runAsGroup: env('RUN_AS_GROUP') ?? '1000',
    defaultTemplate: env('DEFAULT_TEMPLATE') ?? 'map',
    exitOnRetryFailure: bool('TEMPLATE_CONFIG_EXIT_ON_RETRY_FAILURE', true),
    staticSecretRenderInterval: env('TEMPLATE_STATIC_SECRET_RENDER_INTERVAL') ?? '',
    maxConnectionsPerHost: String(parseInt64(env('TEMPLATE_MAX_CONNECTIONS_PER_HOST') ?? '0')),
    authMinBackoff: env('AUTH_MIN_BACKOFF') ?? '',
    authMaxBackoff: env('AUTH_MAX_BACKOFF') ?? '',
    disableIdleConnections: env('DISABLE_IDLE_CONNECTIONS') ?? '',
    disableKeepAlives: env('DISABLE_KEEP_ALIVES') ?? '',
  }
}

/** annotations.go Init: defaults only for absent keys (a present "" stays ""). */
function init(given: Record<string, string>, spec: PodSpec, namespace: string, defaults: InjectorDefaults): Record<string, string> {
  const annotations = {...given}
  const flags = injectorFlags(defaults)
  const fill: Record<string, string> = {
    service: defaults.vaultAddress,
    'auth-type': flags.authType,
    'auth-path': defaults.authPath,
    namespace: flags.vaultNamespace,
    'proxy-address': flags.proxyAddress,
    'agent-image': defaults.image,
    'agent-request-namespace': namespace,
    'agent-limits-cpu': flags.limitsCpu,
    'agent-limits-mem': flags.limitsMem,
    'agent-limits-ephemeral': flags.limitsEphemeral,
    'agent-requests-cpu': flags.requestsCpu,
    'agent-requests-mem': flags.requestsMem,
    'agent-requests-ephemeral': flags.requestsEphemeral,
    'secret-volume-path': DEFAULT_SECRET_PATH,
    'agent-revoke-on-shutdown': flags.revokeOnShutdown,
    'agent-revoke-grace': '5',
    'log-level': 'info',
    'log-format': 'standard',
    'agent-service-account-token-volume-name': '',
    'agent-set-security-context': flags.setSecurityContext,
    'agent-run-as-user': flags.runAsUser,
    'agent-run-as-same-user': flags.runAsSameUser,
    'agent-run-as-group': flags.runAsGroup,
    'agent-cache-enable': 'false',
    'agent-cache-listener-port': '8200',
    'agent-cache-use-auto-auth-token': 'true',
    'agent-cache-exit-on-err': 'false',
    'agent-inject-containers': spec.containers.map((c) => c.name).join(','),
    'agent-inject-default-template': flags.defaultTemplate,
    'template-config-exit-on-retry-failure': flags.exitOnRetryFailure,
    'template-static-secret-render-interval': flags.staticSecretRenderInterval,
    'template-max-connections-per-host': flags.maxConnectionsPerHost,
    'agent-disable-idle-connections': flags.disableIdleConnections,
    'agent-disable-keep-alives': flags.disableKeepAlives,
  }
  for (const [suffix, value] of Object.entries(fill)) annotations[PREFIX + suffix] ??= value
  // Init: with set-security-context off by flag and not annotated, a run-as-* annotation turns it on
  const present = (suffix: string) => given[PREFIX + suffix] !== undefined
  if (flags.setSecurityContext === 'false' && !present('agent-set-security-context') && ['agent-run-as-user', 'agent-run-as-same-user', 'agent-run-as-group'].some(present)) {
    annotations[PREFIX + 'agent-set-security-context'] = 'true'
  }
  // Init: the backoff flags fill only an absent annotation, and only when set
  if (flags.authMinBackoff && !present('auth-min-backoff')) annotations[PREFIX + 'auth-min-backoff'] = flags.authMinBackoff
  if (flags.authMaxBackoff && !present('auth-max-backoff')) annotations[PREFIX + 'auth-max-backoff'] = flags.authMaxBackoff
  for (const [suffix, name] of [['auth-min-backoff', 'min'], ['auth-max-backoff', 'max']] as const) {
    const value = annotations[PREFIX + suffix]
    if (value) {
      try {
        checkDuration(value)
      } catch (error) {
        throw new Error(`error parsing ${name} backoff as duration: ${(error as Error).message}`)
      }
    }
  }
  for (const suffix of ['agent-json-patch', 'agent-init-json-patch']) {
    const value = annotations[PREFIX + suffix]
    if (value === '') delete annotations[PREFIX + suffix]
    else if (value !== undefined) {
      try {
        decodePatch(value)
      } catch (error) {
        throw new Error(`error parsing JSON patch for annotation ${PREFIX}${suffix}: ${(error as Error).message}`)
      }
    }
  }
  return annotations
}

interface Agent {
  tokenMount: {name: string; mountPath: string; tokenPath: string}
  prePopulate: boolean
  prePopulateOnly: boolean
  initFirst: boolean
  runAsUser: number
  runAsGroup: number
  setSecurityContext: boolean
  shareProcessNamespace?: boolean
  leaseRenewalThreshold: number
  containers: string[]
  revokeOnShutdown: boolean
  revokeGrace: number
  tlsSkipVerify: boolean
}

/** agent.go New, in its order (the first parse error is the one the webhook reports). */
function newAgent(annotations: Record<string, string>, spec: PodSpec, podName: string): Agent {
  const a = (suffix: string): string | undefined => annotations[PREFIX + suffix]
  const bool = (suffix: string, fallback: boolean): boolean => (a(suffix) === undefined ? fallback : parseBool(a(suffix)!))
  const tokenMount = serviceAccount(a('agent-service-account-token-volume-name') ?? '', spec, podName)
  // annotations.go secrets(): error-on-missing-key-<raw NAME> is parsed for each secret; an orphan key is never read
  for (const secret of collectSecrets(annotations)) parseBool(annotations[PREFIX + 'error-on-missing-key-' + secret.rawName] ?? '')
  const initFirst = bool('agent-init-first', false)
  const prePopulate = bool('agent-pre-populate', true)
  const prePopulateOnly = bool('agent-pre-populate-only', false)
  const revokeOnShutdown = bool('agent-revoke-on-shutdown', false)
  const revokeGrace = a('agent-revoke-grace') === undefined ? 5 : Number(parseUint64(a('agent-revoke-grace')!))
  const tlsSkipVerify = bool('tls-skip-verify', false)
  let runAsUser = parseInt64(a('agent-run-as-user') ?? '')
  const runAsGroup = parseInt64(a('agent-run-as-group') ?? '')
  if (bool('agent-run-as-same-user', false)) {
    const first = spec.containers[0]
    if (!first) throw new Error('No containers found in Pod Spec')
    const context = first.securityContext as {runAsUser?: number} | undefined
    if (!context) throw new Error('No SecurityContext found for Container 0')
    if (context.runAsUser === undefined || context.runAsUser === null) throw new Error("RunAsUser is nil for Container 0's SecurityContext")
    if (context.runAsUser === 0) throw new Error('container not allowed to run as root')
    runAsUser = context.runAsUser
  }
  let shareProcessNamespace: boolean | undefined
  if (a('agent-share-process-namespace') !== undefined) {
    const raw = a('agent-share-process-namespace')!
    try {
      shareProcessNamespace = parseBool(raw)
    } catch (error) {
      throw new Error(`invalid value ${raw} for annotation "${PREFIX}agent-share-process-namespace", err=${(error as Error).message}`)
    }
    if (spec.shareProcessNamespace === false && shareProcessNamespace) throw new Error('shareProcessNamespace explicitly disabled on the pod, refusing to enable it')
  }
  const setSecurityContext = bool('agent-set-security-context', true)
  bool('agent-cache-enable', false)
  bool('agent-cache-exit-on-err', false)
  const template = (a('agent-inject-default-template') ?? '').toLowerCase()
  if (template !== 'map' && template !== 'json') throw new Error(`invalid default template type: ${template}`)
  bool('agent-inject-token', false)
  bool('template-config-exit-on-retry-failure', true)
  if (a('template-max-connections-per-host') !== undefined) parseInt64(a('template-max-connections-per-host')!)
  const leaseRenewalThreshold = a('template-lease-renewal-threshold') === undefined ? 0 : parseFloat64(a('template-lease-renewal-threshold')!)
  bool('agent-enable-quit', false)
  bool('agent-auto-auth-exit-on-err', false)
  return {
    tokenMount,
    prePopulate,
    prePopulateOnly,
    initFirst,
    runAsUser,
    runAsGroup,
    setSecurityContext,
    shareProcessNamespace,
    leaseRenewalThreshold,
    containers: (a('agent-inject-containers') ?? '').split(','),
    revokeOnShutdown,
    revokeGrace,
    tlsSkipVerify,
  }
}

/** agent.go serviceaccount(): the named projected volume, else the first app mount whose path says serviceaccount. */
function serviceAccount(volumeName: string, spec: PodSpec, podName: string): Agent['tokenMount'] {
  const projectedPath = (volume: Volume | undefined, name: string): string => {
    const sources = (volume?.projected as {sources?: Array<{serviceAccountToken?: {path?: string}}>} | undefined)?.sources ?? []
    const path = sources.find((source) => source.serviceAccountToken?.path)?.serviceAccountToken?.path
    if (!path) throw new Error(`failed to find tokenPath for projected volume "${name}"`)
    return path
  }
  const mounts = spec.containers.flatMap((c) => c.volumeMounts ?? [])
  if (volumeName) {
    const volume = (spec.volumes ?? []).find((v) => v.name === volumeName)
    const mount = mounts.find((m) => m.name === volumeName)
    if (mount) {
      // getProjectedTokenPath names pod.Name: "" for a pod a controller creates with generateName
      if (!volume) throw new Error(`failed to find volume "${volumeName}" in Pod "${podName}" volumes`)
      return {name: volumeName, mountPath: mount.mountPath, tokenPath: projectedPath(volume, volumeName)}
    }
    if (volume) return {name: volumeName, mountPath: DEFAULT_SA_MOUNT, tokenPath: projectedPath(volume, volumeName)}
    throw new Error(`failed to find service account volume "${volumeName}"`)
  }
  const mount = mounts.find((m) => m.mountPath.includes('serviceaccount'))
  if (!mount) throw new Error('failed to find service account volume mount')
  return {name: mount.name, mountPath: mount.mountPath, tokenPath: 'token'}
}

/** agent.go Patch with container_*.go: applied to the pod directly instead of returned as a JSON patch. */
function patch(pod: KubeObject, annotations: Record<string, string>, agent: Agent, defaults: InjectorDefaults): InjectionResult {
  const spec = pod.spec as PodSpec
  const a = (suffix: string): string => annotations[PREFIX + suffix] ?? ''
  const globalPath = a('secret-volume-path')
  const customPaths = [...new Set(collectSecrets(annotations).map((s) => s.mountPath))].filter((path) => path !== globalPath)
  const secretMounts = [{name: 'vault-secrets', mountPath: globalPath}, ...customPaths.map((mountPath, i) => ({name: `vault-secrets-custom-${i}`, mountPath}))]
  const cachePersist = parseBool(a('agent-cache-enable')) && agent.prePopulate && !agent.prePopulateOnly
  // copyVolumeMounts reads the pod as it came in (Patch only describes changes), before the secrets mounts are added.
  const copied = [...spec.containers, ...(spec.initContainers ?? [])]
    .filter((c) => a('agent-copy-volume-mounts') && c.name === a('agent-copy-volume-mounts'))
    .flatMap((c) => structuredClone(c.volumeMounts ?? []))
    .filter((m) => !m.mountPath.toLowerCase().includes('serviceaccount'))
  spec.volumes = [
    ...(spec.volumes ?? []),
    ...(agent.prePopulate ? [memoryVolume('home-init')] : []),
    ...(agent.prePopulateOnly ? [] : [memoryVolume('home-sidecar')]),
    ...secretMounts.map((m) => memoryVolume(m.name)),
    ...(a('agent-configmap') ? [{name: 'vault-config', configMap: {name: a('agent-configmap')}}] : []),
    ...(a('agent-extra-secret') ? [{name: 'extra-secrets', secret: {secretName: a('agent-extra-secret')}}] : []),
    ...(a('tls-secret') ? [{name: 'vault-tls-secrets', secret: {secretName: a('tls-secret')}}] : []),
    ...(cachePersist ? [memoryVolume('vault-agent-cache')] : []),
  ]
  for (const c of spec.containers) if (agent.containers.includes(c.name)) c.volumeMounts = [...(c.volumeMounts ?? []), ...secretMounts]

  // annotations.go authConfig: path.Join(MountPath, TokenPath)
  const tokenPath = joinPath(agent.tokenMount.mountPath, agent.tokenMount.tokenPath)
  const configMap = a('agent-configmap')
  /** container_env.go ContainerEnvVars, in its order: VAULT_CONFIG, or with a ConfigMap the VAULT_* client variables. */
  const envVars = (init: boolean): Array<{name: string; value?: string; valueFrom?: unknown}> => {
    const optional = (name: string, value: string) => (value ? [{name, value}] : [])
    let tail: Array<{name: string; value: string}>
    if (!configMap) {
      const config = buildAgentConfig(annotations, init, tokenPath)
      // config.go render: encoding/json cannot write NaN or ±Inf.
      if (!Number.isFinite(agent.leaseRenewalThreshold)) throw new Error(`json: unsupported value: ${Number.isNaN(agent.leaseRenewalThreshold) ? 'NaN' : agent.leaseRenewalThreshold > 0 ? '+Inf' : '-Inf'}`)
      tail = [{name: 'VAULT_CONFIG', value: Buffer.from(goJson(config)).toString('base64')}]
    } else {
      tail = [
        ...optional('VAULT_ADDR', a('service')),
        ...optional('VAULT_CACERT', a('ca-cert')),
        ...optional('VAULT_CAPATH', a('ca-key')),
        ...optional('VAULT_CLIENT_CERT', a('client-cert')),
        ...optional('VAULT_CLIENT_KEY', a('client-key')),
        {name: 'VAULT_SKIP_VERIFY', value: String(agent.tlsSkipVerify)},
        ...optional('VAULT_TLS_SERVER_NAME', a('tls-server-name')),
      ]
    }
    return [
      // container_env.go baseContainerEnvVars: no fieldRef.apiVersion (the API server defaults it after the patch)
      {name: 'NAMESPACE', valueFrom: {fieldRef: {fieldPath: 'metadata.namespace'}}},
      {name: 'HOST_IP', valueFrom: {fieldRef: {fieldPath: 'status.hostIP'}}},
      {name: 'POD_IP', valueFrom: {fieldRef: {fieldPath: 'status.podIP'}}},
      ...optional('GOMAXPROCS', a('go-max-procs')),
      ...optional('VAULT_CLIENT_TIMEOUT', a('client-timeout')),
      ...optional('VAULT_MAX_RETRIES', a('client-max-retries')),
      ...optional('VAULT_LOG_LEVEL', a('log-level')),
      ...optional('VAULT_LOG_FORMAT', a('log-format')),
      ...optional('HTTPS_PROXY', a('proxy-address')),
      ...tail,
      // handler.go: Vault.CACertBytes = AGENT_INJECT_VAULT_CACERT_BYTES; container_env.go decodeIfBase64
      ...optional('VAULT_CACERT_BYTES', decodeIfBase64(defaults.env?.AGENT_INJECT_VAULT_CACERT_BYTES ?? '')),
    ]
  }
  /** container_sidecar.go createLifecycle: revoke the token on shutdown with vaultCliFlags() plus -self. */
  const lifecycle = () => {
    if (!agent.revokeOnShutdown) return {}
    const flags = [`-address=${a('service')}`, ...(a('ca-cert') ? [`-ca-cert=${a('ca-cert')}`] : []), ...(a('client-cert') ? [`-client-cert=${a('client-cert')}`] : []), ...(a('client-key') ? [`-client-key=${a('client-key')}`] : []), '-self']
    return {preStop: {exec: {command: ['/bin/sh', '-c', `/bin/sleep ${agent.revokeGrace} && /bin/vault token revoke ${flags.join(' ')}`]}}}
  }
  // container_sidecar.go / container_init_sidecar.go: with a ConfigMap the agent reads config(-init).hcl from it
  const arg = (init: boolean) =>
    configMap ? `touch /home/vault/.vault-token && vault agent -config=/vault/configs/${init ? 'config-init.hcl' : 'config.hcl'}` : 'echo ${VAULT_CONFIG?} | base64 -d > /home/vault/config.json && vault agent -config=/home/vault/config.json'
  const build = (init: boolean): Container => {
    const env = envVars(init)
    // container_sidecar.go parseResources: resource.Quantity values, written by the webhook in their marshalled form
    const resources = (kind: 'limits' | 'requests'): Record<string, string> =>
      Object.fromEntries(
        (
          [
            ['cpu', `agent-${kind}-cpu`],
            ['memory', `agent-${kind}-mem`],
            ['ephemeral-storage', `agent-${kind}-ephemeral`],
          ] as const
        ).flatMap(([name, suffix]) => (a(suffix) === '' ? [] : (parseQuantity(a(suffix)), [[name, canonicalQuantity(a(suffix))]]))),
      )
    const limits = resources('limits')
    const requests = resources('requests')
    const tokenVolume = {name: agent.tokenMount.name, mountPath: agent.tokenMount.mountPath, readOnly: true}
    const home = {name: init ? 'home-init' : 'home-sidecar', mountPath: '/home/vault'}
    const container: Container = {
      name: init ? 'vault-agent-init' : 'vault-agent',
      image: a('agent-image'),
      command: ['/bin/sh', '-ec'],
      args: [arg(init)],
      env,
      resources: {...(Object.keys(limits).length ? {limits} : {}), ...(Object.keys(requests).length ? {requests} : {})},
      volumeMounts: [
        ...(init ? [home, tokenVolume] : [tokenVolume, home]),
        ...secretMounts,
        ...(a('agent-extra-secret') ? [{name: 'extra-secrets', mountPath: '/vault/custom', readOnly: true}] : []),
        ...copied,
        ...(a('agent-configmap') ? [{name: 'vault-config', mountPath: '/vault/configs', readOnly: true}] : []),
        ...(a('tls-secret') ? [{name: 'vault-tls-secrets', mountPath: '/vault/tls', readOnly: true}] : []),
        ...(cachePersist ? [{name: 'vault-agent-cache', mountPath: '/vault/agent-cache'}] : []),
      ],
      ...(init ? {} : {lifecycle: lifecycle()}),
      ...(agent.setSecurityContext
        ? {
            securityContext: {
              runAsUser: agent.runAsUser,
              runAsGroup: agent.runAsGroup,
              runAsNonRoot: agent.runAsUser !== 0 && agent.runAsGroup !== 0,
              readOnlyRootFilesystem: true,
              capabilities: {drop: ['ALL']},
              allowPrivilegeEscalation: false,
            },
          }
        : {}),
    }
    const jsonPatch = annotations[PREFIX + (init ? 'agent-init-json-patch' : 'agent-json-patch')]
    if (jsonPatch === undefined) return withApiDefaults(container)
    let patched: Container
    try {
      patched = applyJsonPatch(container, decodePatch(jsonPatch))
    } catch (error) {
      throw new Error(`failed to apply JSON patch: ${(error as Error).message}`)
    }
    return withApiDefaults(unmarshalContainer(patched))
  }
  if (agent.prePopulate) {
    const init = build(true)
    const existing = spec.initContainers ?? []
    for (const c of existing) c.volumeMounts = [...(c.volumeMounts ?? []), ...secretMounts]
    spec.initContainers = agent.initFirst ? [init, ...existing] : [...existing, init]
    if (agent.shareProcessNamespace !== undefined) spec.shareProcessNamespace = agent.shareProcessNamespace
  }
  if (!agent.prePopulateOnly) spec.containers = [...spec.containers, build(false)]
  pod.metadata.annotations = {...(pod.metadata.annotations ?? {}), [PREFIX + 'agent-inject-status']: 'injected'}
  return {pod}
}

/**
 * container_sidecar.go: the patched JSON is json.Unmarshal'ed into a corev1.Container — a field of the wrong type
 * fails the pod (the bare encoding/json error), a field Container does not have is dropped.
 */
function unmarshalContainer(patched: Container): Container {
  const pod: unknown = {spec: {containers: [patched]}}
  const {typeError} = decodeJson('Pod', pod)
  // decodeJson names fields from the Pod; encoding/json's path starts at the Container it decodes into
  if (typeError) throw new Error(typeError.replace(/(Go struct field \w+\.)spec\.containers\./, '$1'))
  pruneUnknown('Pod', pod)
  return (pod as unknown as {spec: {containers: Container[]}}).spec.containers[0]!
}

/** container_env.go decodeIfBase64: base64.StdEncoding (padding required; \r and \n skipped), else the text as is. */
function decodeIfBase64(text: string): string {
  const compact = text.replace(/[\r\n]/g, '')
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(compact)) return text
  return Buffer.from(compact, 'base64').toString('utf8')
}

/** encoding/json.Marshal: like JSON.stringify, with <, >, & and U+2028/2029 escaped (HTMLEscape). */
const goJson = (value: unknown): string =>
  JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)

/**
 * The API server defaults the fields of the containers the patch added (pkg/apis/core/v1 defaults.go, including
 * SetDefaults_ObjectFieldSelector's fieldRef.apiVersion "v1").
 */
const withApiDefaults = (container: Container): Container => ({
  imagePullPolicy: 'IfNotPresent',
  terminationMessagePath: '/dev/termination-log',
  terminationMessagePolicy: 'File',
  ...container,
  ...(container.env
    ? {
        env: container.env.map((env) => {
          const fieldRef = (env.valueFrom as {fieldRef?: {apiVersion?: string; fieldPath: string}} | undefined)?.fieldRef
          return fieldRef && !fieldRef.apiVersion ? {...env, valueFrom: {...(env.valueFrom as object), fieldRef: {apiVersion: 'v1', ...fieldRef}}} : env
        }),
      }
    : {}),
})

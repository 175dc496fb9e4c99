/**
 * What the injector would add to a pod, read from its annotations with the defaults its Init fills in (vault-k8s
 * 1.7.6 agent-inject/agent: annotations.go Init, agent.go New/Patch, container_*.go), with the injector flags the
 * Helm chart sets (vault-helm 0.34.1 values.yaml injector.agentDefaults). Lint rules compare it with what the
 * webhook and the API server accept.
 */
import {annotationKey} from '../catalog.js'
import {goBool} from '../go-parse.js'
import {AGENT_CONTAINER, AGENT_INIT_CONTAINER} from '../injection.js'
import {DEFAULT_SECRET_VOLUME_PATH} from '../secrets.js'
import {annotationRecord, entryFor, injectionOf, secretsOf} from './pod.js'
import type {AnnotationEntry, ContainerShape, PodTarget} from './types.js'

/** The chart's injector flags (AGENT_INJECT_*), which Init uses for absent annotations. */
export const INJECTOR_DEFAULTS: Readonly<Record<string, string>> = {
  'agent-image': 'hashicorp/vault:2.0.4',
  'auth-type': 'kubernetes',
  'auth-path': 'auth/kubernetes',
  service: 'http://vault.default.svc:8200',
  'agent-limits-cpu': '500m',
  'agent-limits-mem': '128Mi',
  'agent-limits-ephemeral': '',
  'agent-requests-cpu': '250m',
  'agent-requests-mem': '64Mi',
  'agent-requests-ephemeral': '',
  'secret-volume-path': DEFAULT_SECRET_VOLUME_PATH,
  'agent-run-as-user': '100',
  'agent-run-as-group': '1000',
  'agent-set-security-context': 'true',
  'agent-pre-populate': 'true',
  'agent-pre-populate-only': 'false',
  'agent-revoke-on-shutdown': 'false',
  'agent-cache-enable': 'false',
  'agent-inject-default-template': 'map',
  'agent-service-account-token-volume-name': '',
}

/** The value the injector works with: the annotation when present (even ""), else Init's default. */
export function effective(target: PodTarget, base: string): string {
  return entryFor(target, base)?.value ?? INJECTOR_DEFAULTS[base] ?? ''
}

export const effectiveBool = (target: PodTarget, base: string): boolean => goBool(effective(target, base)) === true

/**
 * Whether the webhook injects this pod (agent.ShouldInject): `unknown` for a kind-less patch that does not set
 * agent-inject (the patched workload may have it).
 */
export function injection(target: PodTarget): 'injected' | 'not-injected' | 'unknown' {
  if (!entryFor(target, 'agent-inject') && target.kind === undefined) return 'unknown'
  return injectionOf(target).wouldInject ? 'injected' : 'not-injected'
}

export const mayBeInjected = (target: PodTarget): boolean => injection(target) !== 'not-injected'

/** A container's name when it is a string. */
export const nameOf = (container: ContainerShape): string | undefined => (typeof container.name === 'string' ? container.name : undefined)

const mountsOf = (container: ContainerShape): Array<{name: string; mountPath: string}> =>
  (container.volumeMounts ?? []).flatMap((mount) => (typeof mount?.mountPath === 'string' ? [{name: String(mount.name), mountPath: mount.mountPath}] : []))

/** agent.go serviceaccount(): the token mount the agent reuses, or the injector's error. */
export function serviceAccountToken(target: PodTarget): {mountPath: string} | {error: string; entry?: AnnotationEntry} | undefined {
  const spec = target.podSpec
  if (!spec) return undefined
  const containers = spec.containers ?? []
  const volumeName = effective(target, 'agent-service-account-token-volume-name')
  if (volumeName !== '') {
    const entry = entryFor(target, 'agent-service-account-token-volume-name')
    const volume = (spec.volumes ?? []).find((item) => item?.name === volumeName)
    const tokenPath = volume?.projected?.sources?.some((source) => typeof source?.serviceAccountToken?.path === 'string' && source.serviceAccountToken.path !== '')
    const mount = containers.flatMap(mountsOf).find((item) => item.name === volumeName)
    if (mount && !volume) return {error: `failed to find volume "${volumeName}" in Pod "" volumes`, entry}
    if (!volume) return {error: `failed to find service account volume "${volumeName}"`, entry}
    if (!tokenPath) return {error: `failed to find tokenPath for projected volume "${volumeName}"`, entry}
    return {mountPath: mount?.mountPath ?? '/var/run/secrets/vault.hashicorp.com/serviceaccount'}
  }
  const written = containers.flatMap(mountsOf).find((mount) => mount.mountPath.includes('serviceaccount'))
  if (written) return {mountPath: written.mountPath}
  // The ServiceAccount admission plugin mounts the token into every container before the webhook runs, unless opted out.
  if (spec.automountServiceAccountToken === false) return {error: 'failed to find service account volume mount'}
  return {mountPath: '/var/run/secrets/kubernetes.io/serviceaccount'}
}

/** Every directory the secrets are mounted at: the global one first, then each distinct per-secret one. */
export function secretMountPaths(target: PodTarget): string[] {
  const global = effective(target, 'secret-volume-path')
  const custom = secretsOf(target)
    .map((secret) => secret.mountPath)
    .filter((path, index, all) => path !== global && all.indexOf(path) === index)
  return [global, ...custom]
}

/** container_volume.go: the volumes the patch adds, by name. */
export function injectedVolumeNames(target: PodTarget): string[] {
  const names = [
    ...(injectionOf(target).initContainer ? ['home-init'] : []),
    ...(injectionOf(target).sidecar ? ['home-sidecar'] : []),
    ...secretMountPaths(target).map((_, index) => (index === 0 ? 'vault-secrets' : `vault-secrets-custom-${index - 1}`)),
  ]
  const annotations = annotationRecord(target)
  const set = (base: string): boolean => (annotations[annotationKey(base)] ?? '') !== ''
  if (set('agent-configmap')) names.push('vault-config')
  if (set('agent-extra-secret')) names.push('extra-secrets')
  if (set('tls-secret')) names.push('vault-tls-secrets')
  if (cachePersisted(target)) names.push('vault-agent-cache')
  return names
}

/** agent.go cachePersist: a persistent cache needs both the init container and the sidecar. */
const cachePersisted = (target: PodTarget): boolean =>
  effectiveBool(target, 'agent-cache-enable') && injectionOf(target).initContainer !== undefined && injectionOf(target).sidecar !== undefined

/** The mount paths of one agent container, in the order the injector lists them. */
export function agentMountPaths(target: PodTarget, tokenMountPath: string): string[] {
  const set = (base: string): boolean => effective(target, base) !== ''
  const copyFrom = effective(target, 'agent-copy-volume-mounts')
  const copied = [...(target.podSpec?.containers ?? []), ...(target.podSpec?.initContainers ?? [])]
    .filter((container) => copyFrom !== '' && nameOf(container) === copyFrom)
    .flatMap(mountsOf)
    .map((mount) => mount.mountPath)
    .filter((path) => !path.toLowerCase().includes('serviceaccount'))
  return [
    '/home/vault',
    tokenMountPath,
    ...secretMountPaths(target),
    ...(set('agent-extra-secret') ? ['/vault/custom'] : []),
    ...copied,
    ...(set('agent-configmap') ? ['/vault/configs'] : []),
    ...(set('tls-secret') ? ['/vault/tls'] : []),
    ...(cachePersisted(target) ? ['/vault/agent-cache'] : []),
  ]
}

/** The mount paths an app container ends up with: its own plus the secrets volumes, when it is a target. */
export function appMountPaths(target: PodTarget, container: ContainerShape): string[] {
  const names = effective(target, 'agent-inject-containers')
  const targeted = entryFor(target, 'agent-inject-containers') === undefined || names.split(',').includes(nameOf(container) ?? '')
  return [...mountsOf(container).map((mount) => mount.mountPath), ...(targeted ? secretMountPaths(target) : [])]
}

/** The agent's uid: agent-run-as-user (parseutil.ParseInt, "" is 0), or the first container's with run-as-same-user. */
export function agentUserId(target: PodTarget): number | undefined {
  if (effectiveBool(target, 'agent-run-as-same-user')) {
    const uid = target.podSpec?.containers?.[0]?.securityContext?.runAsUser
    return typeof uid === 'number' ? uid : undefined
  }
  return goInt(effective(target, 'agent-run-as-user'))
}

export function goInt(value: string): number | undefined {
  if (value === '') return 0
  return /^[+-]?\d+$/.test(value) ? Number(value) : undefined
}

/**
 * The container vault-k8s builds, as Go's encoding/json writes it (empty fields omitted): the document its JSON
 * patch is applied to. Values the patch is unlikely to test (the env's VAULT_CONFIG) are placeholders.
 */
export function agentContainerDocument(target: PodTarget, init: boolean, tokenMountPath: string): Record<string, unknown> {
  const quantities = (kind: 'limits' | 'requests'): Record<string, string> =>
    Object.fromEntries(
      (
        [
          ['cpu', `agent-${kind}-cpu`],
          ['ephemeral-storage', `agent-${kind}-ephemeral`],
          ['memory', `agent-${kind}-mem`],
        ] as const
      ).flatMap(([resource, base]) => (effective(target, base) === '' ? [] : [[resource, effective(target, base)]])),
    )
  const limits = quantities('limits')
  const requests = quantities('requests')
  const paths = agentMountPaths(target, tokenMountPath)
  const uid = agentUserId(target) ?? 0
  const gid = goInt(effective(target, 'agent-run-as-group')) ?? 0
  return {
    name: init ? AGENT_INIT_CONTAINER : AGENT_CONTAINER,
    image: effective(target, 'agent-image'),
    command: ['/bin/sh', '-ec'],
    args: ['echo ${VAULT_CONFIG?} | base64 -d > /home/vault/config.json && vault agent -config=/home/vault/config.json'],
    env: ['NAMESPACE', 'HOST_IP', 'POD_IP', 'VAULT_LOG_LEVEL', 'VAULT_LOG_FORMAT', 'VAULT_CONFIG'].map((name) => ({name, value: ''})),
    resources: {...(Object.keys(limits).length > 0 ? {limits} : {}), ...(Object.keys(requests).length > 0 ? {requests} : {})},
    volumeMounts: paths.map((mountPath) => ({name: '', mountPath})),
    ...(init ? {} : {lifecycle: {}}),
    ...(effectiveBool(target, 'agent-set-security-context')
      ? {
          securityContext: {
            capabilities: {drop: ['ALL']},
            runAsUser: uid,
            runAsGroup: gid,
            runAsNonRoot: uid !== 0 && gid !== 0,
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
          },
        }
      : {}),
  }
}

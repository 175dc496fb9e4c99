import type {Container, KubeObject, PodSpec, Volume} from '../types.js'

import {annotationBool, buildAgentConfig, collectSecrets, DEFAULT_SECRET_PATH, parseBool, PREFIX, type InjectorDefaults} from './config.js'

export type InjectionResult = {pod: KubeObject} | {skipped: true} | {denied: string}

const memoryVolume = (name: string): Volume => ({name, emptyDir: {medium: 'Memory'}})

/**
 * What the vault-k8s webhook does to a pod on CREATE (agent-inject/handler.go Mutate, agent.go ShouldInject/Patch):
 * skip unless `agent-inject` is true and the status is not `injected`; deny in system namespaces, on bad annotation
 * values or without a role; otherwise add the volumes, mounts, `vault-agent-init`, `vault-agent` and the status.
 */
export function injectPod(input: KubeObject, namespace: string, defaults: InjectorDefaults): InjectionResult {
  const annotations = (input.metadata.annotations ?? {}) as Record<string, string>
  let inject: boolean
  try {
    inject = annotationBool(annotations, 'agent-inject', false)
  } catch (error) {
    return {denied: `error checking if should inject agent: ${(error as Error).message}`}
  }
  const phase = input.status?.phase as string | undefined
  if (!inject || (phase && phase !== 'Pending') || annotations[PREFIX + 'agent-inject-status'] === 'injected') return {skipped: true}
  if (namespace === 'kube-system' || namespace === 'kube-public') {
    return {denied: `error with request namespace: cannot inject into system namespaces: ${namespace}`}
  }
  let prePopulate: boolean, prePopulateOnly: boolean, initFirst: boolean
  try {
    prePopulate = annotationBool(annotations, 'agent-pre-populate', true)
    prePopulateOnly = annotationBool(annotations, 'agent-pre-populate-only', false)
    initFirst = annotationBool(annotations, 'agent-init-first', false)
  } catch (error) {
    return {denied: `error creating new agent sidecar: ${(error as Error).message}`}
  }
  const authType = annotations[PREFIX + 'auth-type'] || 'kubernetes'
  if (!annotations[PREFIX + 'agent-configmap'] && authType === 'kubernetes' && !annotations[PREFIX + 'role'] && !annotations[PREFIX + 'auth-config-role']) {
    return {denied: 'error validating agent configuration: no Vault role found'}
  }
  const pod = structuredClone(input)
  const spec = pod.spec as PodSpec
  const tokenMount = [...(spec.containers ?? [])].flatMap((c) => c.volumeMounts ?? []).find((m) => m.mountPath.includes('serviceaccount'))
  if (!tokenMount) return {denied: 'error validating agent configuration: failed to find service account volume mount'}

  const secretPaths = [...new Set([annotations[PREFIX + 'secret-volume-path'] || DEFAULT_SECRET_PATH, ...collectSecrets(annotations).map((s) => s.mountPath)])]
  const secretMounts = secretPaths.map((mountPath, i) => ({name: i === 0 ? 'vault-secrets' : `vault-secrets-custom-${i - 1}`, mountPath}))
  spec.volumes = [...(spec.volumes ?? []), memoryVolume('home-init'), memoryVolume('home-sidecar'), ...secretMounts.map((m) => memoryVolume(m.name))]

  const targets = annotations[PREFIX + 'agent-inject-containers']?.split(',')
  for (const c of spec.containers) {
    if (!targets || targets.includes(c.name)) c.volumeMounts = [...(c.volumeMounts ?? []), ...secretMounts]
  }
  const tokenPath = `${tokenMount.mountPath}/token`
  const agent = (name: string, home: string, init: boolean): Container => ({
    name,
    image: annotations[PREFIX + 'agent-image'] || defaults.image,
    command: ['/bin/sh', '-ec'],
    args: ['echo ${VAULT_CONFIG?} | base64 -d > /home/vault/config.json && vault agent -config=/home/vault/config.json'],
    env: [
      {name: 'NAMESPACE', valueFrom: {fieldRef: {apiVersion: 'v1', fieldPath: 'metadata.namespace'}}},
      {name: 'HOST_IP', valueFrom: {fieldRef: {apiVersion: 'v1', fieldPath: 'status.hostIP'}}},
      {name: 'POD_IP', valueFrom: {fieldRef: {apiVersion: 'v1', fieldPath: 'status.podIP'}}},
      {name: 'VAULT_LOG_LEVEL', value: annotations[PREFIX + 'log-level'] || 'info'},
      {name: 'VAULT_LOG_FORMAT', value: annotations[PREFIX + 'log-format'] || 'standard'},
      {name: 'VAULT_CONFIG', value: Buffer.from(JSON.stringify(buildAgentConfig(annotations, defaults, init, tokenPath))).toString('base64')},
    ],
    resources: {limits: {cpu: '500m', memory: '128Mi'}, requests: {cpu: '250m', memory: '64Mi'}},
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: {drop: ['ALL']},
      readOnlyRootFilesystem: true,
      runAsGroup: 1000,
      runAsNonRoot: true,
      runAsUser: 100,
    },
    volumeMounts: [{name: home, mountPath: '/home/vault'}, {...tokenMount, readOnly: true}, ...secretMounts],
    imagePullPolicy: 'IfNotPresent',
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
  })
  try {
    for (const key of ['agent-cache-enable', 'agent-inject-token', 'agent-revoke-on-shutdown', 'tls-skip-verify']) annotationBool(annotations, key, false)
    for (const [key, value] of Object.entries(annotations)) if (key.startsWith(PREFIX + 'error-on-missing-key-')) parseBool(value)
  } catch (error) {
    return {denied: `error creating new agent sidecar: ${(error as Error).message}`}
  }
  if (prePopulate) {
    for (const c of spec.initContainers ?? []) c.volumeMounts = [...(c.volumeMounts ?? []), ...secretMounts]
    const init = agent('vault-agent-init', 'home-init', true)
    spec.initContainers = initFirst ? [init, ...(spec.initContainers ?? [])] : [...(spec.initContainers ?? []), init]
  }
  if (!prePopulateOnly) spec.containers = [...spec.containers, agent('vault-agent', 'home-sidecar', false)]
  pod.metadata.annotations = {...annotations, [PREFIX + 'agent-inject-status']: 'injected'}
  return {pod}
}

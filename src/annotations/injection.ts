/**
 * The injector model: what the Vault Agent Injector makes of one pod, as vault-k8s's `agent.New(pod)` builds one
 * `Agent` from a pod (agent-inject/agent/agent.go, annotations.go). patch, lint, verify, template render, doctor and
 * `vsi init` read a pod's `vault.hashicorp.com/*` annotations only through `injectionSpec`.
 *
 * How values are read, everywhere (agent.go New and annotations.go secrets): a value is used exactly as written, never
 * trimmed; an absent key or "" means "not set" (Go's `== ""`); and a secret-creating key
 * (agent-inject-secret-, agent-inject-template-, agent-inject-template-file-) whose value is blank after
 * strings.TrimSpace creates no secret. Booleans go through parseutil.ParseBool, where "" is false; a value it rejects
 * (the injector then refuses the pod, which lint reports) counts as false here.
 */
import type {V1ObjectMeta, V1PodSpec} from '@kubernetes/client-node'

import {ANNOTATION_PREFIX} from './catalog.js'
import {goBool} from './go-parse.js'
import type {InjectedSecret, RenderedFile} from './secrets.js'
import {injectedSecrets, renderedFilesOf, tokenSinkPath} from './secrets.js'
import type {AgentTemplate, DefaultTemplateType} from './templates.js'
import {templatesOf} from './templates.js'

/** The injector's default when neither the annotation nor AGENT_INJECT_VAULT_AUTH_PATH says otherwise. */
export const DEFAULT_AUTH_PATH = 'auth/kubernetes'
/** The containers the injector adds (vault-k8s agent-inject/agent/container_init_sidecar.go, container_sidecar.go). */
export const AGENT_INIT_CONTAINER = 'vault-agent-init'
export const AGENT_CONTAINER = 'vault-agent'
/** agent-inject-status once the webhook has mutated the pod (agent.go Patch); it skips pods that carry it. */
export const INJECTED_STATUS = 'injected'

/** What the injected Vault Agent will do for this pod, from its annotations and spec (vault-k8s defaults filled in). */
export interface InjectionSpec {
  /** vault.hashicorp.com/agent-inject parses true. */
  inject: boolean
  /** agent-inject-status as written: `injected` after the webhook ran, `update` to ask for a new mutation. */
  status?: string
  /** status is `injected`: the webhook leaves the pod alone (agent.ShouldInject). */
  alreadyInjected: boolean
  /** The webhook mutates this pod when it is created: inject and not alreadyInjected. */
  wouldInject: boolean
  /** `role`, else `auth-config-role`. */
  role?: string
  /** The auth mount the agent logs in at, without `auth/`: `kubernetes`. */
  authMount: string
  /** Where authMount came from, for messages: the annotation, the injector's environment, or the default. */
  authMountSource: 'annotation' | 'injector' | 'default'
  serviceAccount: string
  /** False for a patch without a pod spec: `serviceAccount` is then only Kubernetes' default guess. */
  serviceAccountKnown: boolean
  /** agent-service-account-token-volume-name. */
  tokenVolumeName?: string
  /** The Vault Enterprise namespace (`namespace` annotation). */
  vaultNamespace?: string
  /** agent-configmap: the agent's whole configuration comes from this ConfigMap. */
  configMap?: string
  /** agent-pre-populate (default true): the injector adds the vault-agent-init init container. */
  prePopulate: boolean
  /** agent-pre-populate-only: the init container only, no sidecar. */
  prePopulateOnly: boolean
  /** agent-init-first: vault-agent-init runs before the pod's own init containers. */
  initFirst: boolean
  /** The init container the injector adds, when it adds one. */
  initContainer?: typeof AGENT_INIT_CONTAINER
  /** The sidecar the injector adds, when it adds one. */
  sidecar?: typeof AGENT_CONTAINER
  /** The agent containers the pod spec already carries (a pod the webhook mutated), init container first. */
  agentContainers: string[]
  /** The secrets, in the order their creating keys appear. */
  secrets: InjectedSecret[]
  /** Where each secret is written, sorted by path. */
  files: RenderedFile[]
  /** Where agent-inject-token writes the Vault token, when it is on. */
  tokenSink?: string
  /** One per rendered file, sorted by path. */
  templates: AgentTemplate[]
}

/** What the injector's Deployment sets for every pod (its AGENT_INJECT_* environment). */
export interface InjectorDefaults {
  authPath?: string
  defaultTemplate?: DefaultTemplateType
}

const trimSlashes = (path: string): string => path.replace(/^\/+|\/+$/g, '')

export function authMountOf(authPath: string): string {
  return trimSlashes(trimSlashes(authPath).replace(/^auth\//, ''))
}

/** Whether any key is a `vault.hashicorp.com/` annotation (the injector's, whatever it says). */
export function hasInjectorAnnotations(annotations: Record<string, string> | undefined): boolean {
  return Object.keys(annotations ?? {}).some((key) => key.startsWith(ANNOTATION_PREFIX))
}

export function injectionSpec(metadata: V1ObjectMeta, spec: V1PodSpec | undefined, defaults: InjectorDefaults = {}): InjectionSpec {
  const annotations = metadata.annotations ?? {}
  const get = (suffix: string): string | undefined => {
    const value = annotations[`${ANNOTATION_PREFIX}${suffix}`]
    return value === '' ? undefined : value
  }
  // parseutil.ParseBool for a present key; the injector's own default for an absent one.
  const bool = (suffix: string, absent: boolean): boolean => {
    const value = annotations[`${ANNOTATION_PREFIX}${suffix}`]
    return value === undefined ? absent : goBool(value) === true
  }
  const authPathAnnotation = get('auth-path')
  const inject = bool('agent-inject', false)
  const status = annotations[`${ANNOTATION_PREFIX}agent-inject-status`]
  const alreadyInjected = status === INJECTED_STATUS
  const prePopulate = bool('agent-pre-populate', true)
  const prePopulateOnly = bool('agent-pre-populate-only', false)
  const secrets = injectedSecrets(annotations)
  const podContainers = [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].map((container) => container.name)
  return {
    inject,
    ...(status === undefined ? {} : {status}),
    alreadyInjected,
    wouldInject: inject && !alreadyInjected,
    role: get('role') ?? get('auth-config-role'),
    authMount: authMountOf(authPathAnnotation ?? defaults.authPath ?? DEFAULT_AUTH_PATH),
    authMountSource: authPathAnnotation ? 'annotation' : defaults.authPath ? 'injector' : 'default',
    serviceAccount: spec?.serviceAccountName || spec?.serviceAccount || 'default',
    serviceAccountKnown: spec !== undefined,
    tokenVolumeName: get('agent-service-account-token-volume-name'),
    vaultNamespace: get('namespace'),
    configMap: get('agent-configmap'),
    prePopulate,
    prePopulateOnly,
    initFirst: bool('agent-init-first', false),
    // agent.go Patch: the init container when PrePopulate, the sidecar unless PrePopulateOnly.
    ...(prePopulate ? {initContainer: AGENT_INIT_CONTAINER} : {}),
    ...(prePopulateOnly ? {} : {sidecar: AGENT_CONTAINER}),
    agentContainers: [AGENT_INIT_CONTAINER, AGENT_CONTAINER].filter((name) => podContainers.includes(name)),
    secrets,
    files: renderedFilesOf(secrets),
    tokenSink: tokenSinkPath(annotations),
    templates: templatesOf(secrets, annotations, defaults.defaultTemplate),
  }
}

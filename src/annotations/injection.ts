import type {V1ObjectMeta, V1PodSpec} from '@kubernetes/client-node'

import {ANNOTATION_PREFIX} from './catalog.js'
import {annotationIsTrue} from './go-parse.js'
import type {AgentTemplate, DefaultTemplateType} from './templates.js'
import {agentTemplates} from './templates.js'

/** The injector's default when neither the annotation nor AGENT_INJECT_VAULT_AUTH_PATH says otherwise. */
export const DEFAULT_AUTH_PATH = 'auth/kubernetes'

/** What the injected Vault Agent will do for this pod, from its annotations and spec (vault-k8s defaults filled in). */
export interface InjectionSpec {
  /** vault.hashicorp.com/agent-inject parses true. */
  inject: boolean
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
  prePopulateOnly: boolean
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

export function injectionSpec(metadata: V1ObjectMeta, spec: V1PodSpec | undefined, defaults: InjectorDefaults = {}): InjectionSpec {
  const annotations = metadata.annotations ?? {}
  const get = (suffix: string): string | undefined => {
    const value = annotations[`${ANNOTATION_PREFIX}${suffix}`]
    return value === undefined || value.trim() === '' ? undefined : value.trim()
  }
  const authPathAnnotation = get('auth-path')
  return {
    inject: annotationIsTrue(get('agent-inject')),
    role: get('role') ?? get('auth-config-role'),
    authMount: authMountOf(authPathAnnotation ?? defaults.authPath ?? DEFAULT_AUTH_PATH),
    authMountSource: authPathAnnotation ? 'annotation' : defaults.authPath ? 'injector' : 'default',
    serviceAccount: spec?.serviceAccountName || spec?.serviceAccount || 'default',
    serviceAccountKnown: spec !== undefined,
    tokenVolumeName: get('agent-service-account-token-volume-name'),
    vaultNamespace: get('namespace'),
    prePopulateOnly: annotationIsTrue(get('agent-pre-populate-only')),
    templates: agentTemplates(annotations, defaults.defaultTemplate),
  }
}

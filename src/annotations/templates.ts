import {defaultTemplate} from '../go-template/default-template.js'
import {ANNOTATION_PREFIX} from './catalog.js'
import type {InjectedSecret} from './secrets.js'

export type DefaultTemplateType = 'map' | 'json'

/** One file Vault Agent will render, with the template the injector gives it (vault-k8s agent-inject/agent/annotations.go `secrets()`). */
export interface AgentTemplate {
  /** The annotation suffix NAME; the file name for a template given as a file. */
  name: string
  /** Where the agent writes it, e.g. /vault/secrets/database-config.txt; undefined for a bare template file. */
  file?: string
  /** The template text; undefined when it is a file inside the agent container (agent-inject-template-file-NAME). */
  text?: string
  /** Which annotation the text comes from, for messages. */
  origin: string
  /** Set when the injector generates the template from agent-inject-secret-NAME (no template of its own). */
  defaultType?: DefaultTemplateType
  /** The value of agent-inject-secret-NAME. */
  secretPath?: string
  /** error-on-missing-key-NAME: a missing key fails the agent instead of rendering `<no value>`. */
  errorOnMissingKey: boolean
  leftDelim?: string
  rightDelim?: string
  /** agent-inject-template-file-NAME: a path inside the agent container vsi cannot read. */
  templateFile?: string
}

/** `map` unless agent-inject-default-template says `json` (the injector's AGENT_INJECT_DEFAULT_TEMPLATE default). */
function defaultTypeOf(annotations: Record<string, string>, injectorDefault: DefaultTemplateType): DefaultTemplateType {
  const value = annotations[`${ANNOTATION_PREFIX}agent-inject-default-template`]?.toLowerCase()
  return value === 'json' || value === 'map' ? value : injectorDefault
}

/**
 * The templates the injector derives from a pod's secrets, one per rendered file, sorted by path (config.go
 * newTemplateConfigs): the inline template as written, else the template file, else the default template for the
 * secret's path. Read through `injectionSpec`.
 */
export function templatesOf(secrets: InjectedSecret[], annotations: Record<string, string>, injectorDefault: DefaultTemplateType = 'map'): AgentTemplate[] {
  const sorted = [...secrets].sort((a, b) => a.destination.localeCompare(b.destination))
  return sorted.map((secret) => {
    const {rawName: name, destination: file} = secret
    const base = {
      name,
      file,
      ...(secret.path === '' ? {} : {secretPath: secret.path}),
      errorOnMissingKey: secret.errorOnMissingKey,
      ...(secret.leftDelim === '' ? {} : {leftDelim: secret.leftDelim}),
      ...(secret.rightDelim === '' ? {} : {rightDelim: secret.rightDelim}),
    }
    if (secret.template !== '') return {...base, text: secret.template, origin: `${ANNOTATION_PREFIX}agent-inject-template-${name}`}
    if (secret.templateFile !== '') return {...base, templateFile: secret.templateFile, origin: `${ANNOTATION_PREFIX}agent-inject-template-file-${name}`}
    const type = defaultTypeOf(annotations, injectorDefault)
    return {
      ...base,
      text: defaultTemplate(secret.path, type),
      defaultType: type,
      origin: `the injector's default ${type} template for ${ANNOTATION_PREFIX}agent-inject-secret-${name}`,
    }
  })
}

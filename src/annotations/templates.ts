import {defaultTemplate} from '../go-template/index.js'
import {ANNOTATION_PREFIX} from './catalog.js'
import {annotationIsTrue} from './go-parse.js'
import {renderedFiles} from './secrets.js'

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

/** The templates the injector derives from a pod's annotations, one per rendered file. */
export function agentTemplates(annotations: Record<string, string> | undefined, injectorDefault: DefaultTemplateType = 'map'): AgentTemplate[] {
  const all = annotations ?? {}
  const get = (suffix: string): string | undefined => all[`${ANNOTATION_PREFIX}${suffix}`]
  const nonBlank = (value: string | undefined) => (value !== undefined && value.trim() !== '' ? value : undefined)
  return renderedFiles(all).map(({secret: name, path: file}) => {
    const secretPath = nonBlank(get(`agent-inject-secret-${name}`))
    const inline = nonBlank(get(`agent-inject-template-${name}`))
    const templateFile = nonBlank(get(`agent-inject-template-file-${name}`))
    const base = {
      name,
      file,
      secretPath,
      errorOnMissingKey: annotationIsTrue(get(`error-on-missing-key-${name}`)),
      leftDelim: nonBlank(get(`agent-template-left-delim-${name}`)),
      rightDelim: nonBlank(get(`agent-template-right-delim-${name}`)),
    }
    if (inline) return {...base, text: inline, origin: `${ANNOTATION_PREFIX}agent-inject-template-${name}`}
    if (templateFile) return {...base, templateFile, origin: `${ANNOTATION_PREFIX}agent-inject-template-file-${name}`}
    const type = defaultTypeOf(all, injectorDefault)
    return {
      ...base,
      text: defaultTemplate(secretPath ?? '', type),
      defaultType: type,
      origin: `the injector's default ${type} template for ${ANNOTATION_PREFIX}agent-inject-secret-${name}`,
    }
  })
}

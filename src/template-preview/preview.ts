import {ANNOTATION_PREFIX} from '../kube/pod-state.js'
import type {ParsedTemplate} from '../go-template/index.js'
import {parseTemplate, renderTemplate, secretCalls, TemplateExecError, TemplateSyntaxError} from '../go-template/index.js'
import type {AgentTemplate} from './agent-templates.js'
import type {MissingKey} from './missing-keys.js'
import {findMissingKeys} from './missing-keys.js'
import type {SecretLookup, SecretSource} from './secret-source.js'

/** A secret a template read, without its values. */
export interface SecretRead {
  path: string
  apiPath: string
  kvVersion?: 1 | 2
  state: SecretLookup['state']
  problem?: string
  /** The keys the secret holds (under `data` on KV v2). */
  keys?: string[]
}

export interface TemplatePreview {
  name: string
  file?: string
  origin: string
  /** What Vault Agent would write; values of live secrets are registered for redaction unless --show-secrets. */
  output?: string
  /** Why Vault Agent would fail on this template (Go's message), e.g. `function "toUpperr" not defined`. */
  error?: string
  /** Whether `error` is the template's syntax (it never ran) or its execution. */
  errorStage?: 'parse' | 'render'
  /** Why vsi could not render it (a template file inside the agent container). */
  skipped?: string
  missingKeys: MissingKey[]
  /** Things worth knowing about the result, such as why the default template prints `data: map[…]`. */
  notes: string[]
  secrets: SecretRead[]
}

/** Paths computed at render time (`secret (printf …)`) are read between passes: at most this many passes. */
const MAX_PASSES = 4

function summarizeRead(lookup: SecretLookup): SecretRead {
  const data = lookup.response?.data as Record<string, unknown> | undefined
  const values = lookup.kvVersion === 2 ? (data?.data as Record<string, unknown> | undefined) : data
  return {
    path: lookup.path,
    apiPath: lookup.apiPath,
    ...(lookup.kvVersion ? {kvVersion: lookup.kvVersion} : {}),
    state: lookup.state,
    ...(lookup.problem ? {problem: lookup.problem} : {}),
    ...(values ? {keys: Object.keys(values).sort()} : {}),
  }
}

/** The template a user wants instead of the default map one on KV v2: one `key: value` line per key. */
export function suggestedTemplate(name: string, path: string): string {
  return [
    `${ANNOTATION_PREFIX}agent-inject-template-${name}: |`,
    `  {{- with secret "${path}" -}}`,
    '  {{ range $k, $v := .Data.data -}}',
    '  {{ $k }}: {{ $v }}',
    '  {{ end -}}',
    '  {{- end -}}',
  ].join('\n')
}

function notesFor(template: AgentTemplate, reads: SecretRead[], missing: MissingKey[], output: string | undefined): string[] {
  const notes: string[] = []
  const kv2 = reads.find((read) => read.kvVersion === 2 && read.state === 'ok')
  if (template.defaultType === 'map' && kv2) {
    notes.push(
      `This file is rendered by the injector's default template, which prints each key of the secret's Data with Go's %v. ` +
        `On a KV v2 engine Data holds "data" and "metadata", so the file gets "data: map[…]" and "metadata: map[…]" lines. ` +
        `For one "key: value" line per key, add a template:\n${suggestedTemplate(template.name, kv2.path)}`,
    )
  }
  if (missing.length > 0 && !template.errorOnMissingKey) {
    notes.push(
      `Vault Agent renders "<no value>" for a missing key and reports nothing. Add ${ANNOTATION_PREFIX}error-on-missing-key-${template.name}: "true" so that it fails instead.`,
    )
  } else if (output?.includes('<no value>') && missing.length === 0) {
    notes.push('The output contains "<no value>": the template reads something that does not exist.')
  }
  return notes
}

/**
 * Renders one agent template as Vault Agent would: Go text/template with consul-template's functions, secrets from
 * `source`, `missingkey=zero` (or `error` with error-on-missing-key). Never throws for a template problem.
 */
export async function previewTemplate(template: AgentTemplate, source: SecretSource): Promise<TemplatePreview> {
  const base = {name: template.name, ...(template.file ? {file: template.file} : {}), origin: template.origin}
  if (template.text === undefined) {
    return {...base, skipped: `the template is the file ${template.templateFile} inside the vault-agent container, which vsi cannot read`, missingKeys: [], notes: [], secrets: []}
  }
  let parsed: ParsedTemplate
  try {
    parsed = parseTemplate(template.text, {leftDelim: template.leftDelim, rightDelim: template.rightDelim})
  } catch (error) {
    if (error instanceof TemplateSyntaxError) return {...base, error: error.message, errorStage: 'parse', missingKeys: [], notes: [], secrets: []}
    throw error
  }

  const lookups = new Map<string, SecretLookup>()
  const fetch = async (paths: Iterable<string>) => {
    await Promise.all([...paths].filter((path) => !lookups.has(path)).map(async (path) => lookups.set(path, await source.lookup(path))))
  }
  await fetch(secretCalls(parsed).map((call) => call.path))

  let output: string | undefined
  let error: string | undefined
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const pending = new Set<string>()
    try {
      output = renderTemplate(parsed, {
        missingKey: template.errorOnMissingKey ? 'error' : 'zero',
        secret: (path) => {
          const lookup = lookups.get(path)
          if (!lookup) {
            pending.add(path)
            return null
          }
          if (lookup.state !== 'ok') throw new Error(lookup.problem ?? `no secret exists at ${lookup.apiPath}`)
          return lookup.response
        },
      })
      error = undefined
    } catch (caught) {
      if (!(caught instanceof TemplateExecError)) throw caught
      output = undefined
      error = caught.message
    }
    if (pending.size === 0) break
    await fetch(pending)
  }

  const responses = new Map([...lookups].flatMap(([path, lookup]) => (lookup.response ? [[path, {response: lookup.response, kvVersion: lookup.kvVersion}] as const] : [])))
  const missingKeys = findMissingKeys(parsed, responses)
  const secrets = [...lookups.values()].map(summarizeRead)
  return {...base, ...(output === undefined ? {} : {output}), ...(error ? {error, errorStage: 'render' as const} : {}), missingKeys, notes: notesFor(template, secrets, missingKeys, output), secrets}
}

/** Whether the agent would write this file as the template means it: rendered, every key present (a skipped one is not judged). */
export function previewPassed(preview: TemplatePreview): boolean {
  return preview.error === undefined && preview.missingKeys.length === 0
}

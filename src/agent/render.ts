import type {AgentTemplate} from '../annotations/templates.js'
import type {ParsedTemplate, RenderContext} from '../go-template/index.js'
import {parseTemplate, renderTemplate, secretCalls, TemplateExecError, TemplateSyntaxError} from '../go-template/index.js'
import {ANNOTATION_PREFIX} from '../annotations/catalog.js'
import type {MissingKey} from './missing-keys.js'
import {findMissingKeys} from './missing-keys.js'
import type {OutputShape} from './placeholders.js'
import {placeholderResponse, shapeOf} from './placeholders.js'
import type {ListLookup, SecretLookup, SecretSource} from './secret-source.js'

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
  /** What Vault Agent would write; for masked live secrets, what it writes with each value replaced by a marker. */
  output?: string
  /** Masked: the size of what the agent would really write (shown when even the marker render cannot be shown). */
  shape?: OutputShape
  /** Why the output (or the error's detail) is hidden: it depends on the values of a masked secret. */
  hidden?: string
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
export interface PreviewOptions {
  /** The environment `env`, `mustEnv` and `envOrDefault` see (the agent's, never vsi's own). */
  env?: Record<string, string>
}

export async function previewTemplate(template: AgentTemplate, source: SecretSource, options: PreviewOptions = {}): Promise<TemplatePreview> {
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

  const listings = new Map<string, ListLookup>()
  const list = async (paths: Iterable<string>) => {
    await Promise.all([...paths].filter((path) => !listings.has(path)).map(async (path) => listings.set(path, await source.list(path))))
  }

  const missingKey = template.errorOnMissingKey ? 'error' : 'zero'
  let real: RenderAttempt = {pending: new Set()}
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    real = attemptRender(parsed, {missingKey, env: options.env}, lookups, (lookup) => lookup.response, source.kind === 'vault', listings)
    if (real.pending.size === 0 && (real.pendingLists?.size ?? 0) === 0) break
    await Promise.all([fetch(real.pending), list(real.pendingLists ?? [])])
  }
  const shown: ShownRender = source.masked
    ? maskedView(real, attemptRender(parsed, {missingKey, env: options.env}, lookups, (lookup) => lookup.response && placeholderResponse(lookup.response, lookup.kvVersion), true, listings))
    : {output: real.output, error: real.error}
  const {output, error} = shown

  const responses = new Map([...lookups].flatMap(([path, lookup]) => (lookup.response ? [[path, {response: lookup.response, kvVersion: lookup.kvVersion}] as const] : [])))
  const missingKeys = findMissingKeys(parsed, responses)
  const secrets = [...lookups.values()].map(summarizeRead)
  return {
    ...base,
    ...(output === undefined ? {} : {output}),
    ...(shown.shape ? {shape: shown.shape} : {}),
    ...(shown.hidden ? {hidden: shown.hidden} : {}),
    ...(error ? {error, errorStage: 'render' as const} : {}),
    missingKeys,
    notes: notesFor(template, secrets, missingKeys, real.output),
    secrets,
  }
}

interface RenderAttempt {
  output?: string
  error?: string
  /** Paths computed while rendering (`secret (printf …)`) that were not read yet. */
  pending: Set<string>
  /** Paths of `secrets` calls that were not listed yet. */
  pendingLists?: Set<string>
}

interface ShownRender {
  output?: string
  error?: string
  shape?: OutputShape
  hidden?: string
}

/** One render with each secret answered by `responseOf` (the real response, or its placeholder version). */
function attemptRender(
  parsed: ParsedTemplate,
  context: Pick<RenderContext, 'missingKey' | 'env'>,
  lookups: ReadonlyMap<string, SecretLookup>,
  responseOf: (lookup: SecretLookup) => Record<string, unknown> | undefined,
  live: boolean,
  listings: ReadonlyMap<string, ListLookup> = new Map(),
): RenderAttempt {
  const pending = new Set<string>()
  const pendingLists = new Set<string>()
  /** A read's response; null while its path is not read yet (consul-template renders again once it has data). */
  const answer = (path: string, agentWordsWhenMissing: boolean): Record<string, unknown> | null => {
    const lookup = lookups.get(path)
    if (!lookup) {
      pending.add(path)
      return null
    }
    const response = responseOf(lookup)
    if (response) return response
    const missing = `no secret exists at ${lookup.apiPath}`
    // The agent's own words (consul-template dependency/vault_read.go); vsi's explanation is on the secret's line.
    if (agentWordsWhenMissing && (lookup.state === 'missing' || lookup.state === 'deleted')) throw new Error(missing)
    throw new Error(lookup.problem ?? missing)
  }
  try {
    const output = renderTemplate(parsed, {
      ...context,
      listSecrets: (path) => {
        const listing = listings.get(path)
        if (!listing) pendingLists.add(path)
        // The agent fails on a listing it cannot make (permission denied, no fixture).
        if (listing?.problem) throw new Error(listing.problem)
        // Not listed yet: consul-template renders an empty list until the dependency has data.
        return listing?.keys ?? []
      },
      pkiCert: (path) => {
        // Vault Agent writes to pki/issue/ROLE, which issues a new certificate: vsi does not, it takes a fixture.
        if (live) throw new Error(PKI_LIVE)
        return answer(path, false)
      },
      secret: (path) => answer(path, true),
    })
    return {output, pending, pendingLists}
  } catch (caught) {
    if (!(caught instanceof TemplateExecError)) throw caught
    return {error: caught.message, pending, pendingLists}
  }
}

const PKI_LIVE =
  'vsi does not issue certificates from a live Vault (the agent writes to the PKI engine, which issues a new one); give the answer of `vault write -format=json PATH ...` as a fixture: --data PATH=FILE'

const HIDDEN_DETAIL = 'hidden: it depends on the values of a secret read from Vault; --show-secrets shows it'

/**
 * What a masked preview shows: the placeholder render's output when the real render succeeds and so does the
 * placeholder one; the real error when the placeholder render fails with the very same message (then no value is
 * in it); otherwise only where it failed, or the output's shape.
 */
function maskedView(real: RenderAttempt, masked: RenderAttempt): ShownRender {
  if (real.error !== undefined) {
    if (masked.error === real.error) return {error: real.error}
    // Go's ExecError starts with the template position and the node (`template: :1:3: executing "" at <…>:`).
    const where = /^template: [^\n]*?executing "[^"]*" at <.*?>: /.exec(real.error)?.[0] ?? ''
    return {error: `${where}${where ? '' : 'the template fails on the real secret: '}[${HIDDEN_DETAIL}]`, hidden: 'the error message depends on secret values'}
  }
  const shape = shapeOf(real.output ?? '')
  if (masked.output !== undefined) return {output: masked.output, shape}
  return {shape, hidden: `the output is computed from secret values (with markers in their place the template fails: ${masked.error}); ${HIDDEN_DETAIL.slice('hidden: '.length)}`}
}

/** Whether the agent would write this file as the template means it: rendered, every key present (a skipped one is not judged). */
export function previewPassed(preview: TemplatePreview): boolean {
  return preview.error === undefined && preview.missingKeys.length === 0
}

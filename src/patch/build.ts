import type {TemplateFormat} from '../annotations/formats.js'
import {formatTemplate} from '../annotations/formats.js'
import {injectionSpec} from '../annotations/injection.js'
import {annotationsSize, TOTAL_ANNOTATION_SIZE_LIMIT} from '../annotations/size.js'
import {annotationPatch, POD_TEMPLATE_PATH} from '../annotations/workload-kinds.js'
import {inputError, usageError} from '../errors.js'
import type {KvVersion} from '../vault/mounts.js'
import {key, SECRET_BASE, secretNameProblem, TEMPLATE_BASE} from './keys.js'
import {annotationSecretPath} from './kv.js'
import {patchYaml} from '../output/yaml-text.js'

export interface SecretRequest {
  /** The file under /vault/secrets: NAME in `agent-inject-secret-NAME`. */
  name: string
  /** The KV path as given (`internal/database/config`); absent for a template-only secret. */
  path?: string
  /** The version of the KV engine serving `path`, resolved by the caller (a flag, or the live mount). */
  kvVersion: KvVersion
  /** The engine's mount when known (from Vault); otherwise the path's first segment is taken. */
  mount?: string
  /** A template text (`agent-inject-template-NAME`), used as given (a final newline included). */
  template?: string
  /** Or a template generated for a file format from `keys`. */
  format?: TemplateFormat
  keys?: string[]
}

export interface PatchRequest {
  role?: string
  secrets: SecretRequest[]
  /** `update`, as in the tutorial's second patch. */
  status?: 'update'
  authPath?: string
  agentImage?: string
  prePopulateOnly?: boolean
  initFirst?: boolean
  /** Any other annotations, full keys (with the prefix), validated by the caller; in this order, after the rest. */
  annotations?: Array<{key: string; value: string}>
}

export interface PatchPlan {
  /** The strategic merge patch for a Deployment, StatefulSet or DaemonSet, as `kubectl patch` takes it. */
  patch: object
  /** The patch as YAML text: the tutorial's patch-inject-secrets.yaml layout, every value a quoted string. */
  yaml: string
  /** In the order written. */
  annotations: Record<string, string>
  /** Things the user should know: translated paths and the like. */
  notes: string[]
}

/** Collects annotations in order and refuses to set one twice (e.g. --role and --annotation role=…). */
class AnnotationSet {
  readonly values: Record<string, string> = {}
  private readonly sources = new Map<string, string>()

  set(annotationKey: string, value: string, source: string): void {
    const earlier = this.sources.get(annotationKey)
    if (earlier !== undefined) throw usageError(`${annotationKey} is given twice (${earlier} and ${source})`)
    this.sources.set(annotationKey, source)
    this.values[annotationKey] = value
  }
}

function checkName(name: string, base: string): void {
  const problem = secretNameProblem(name, base)
  if (problem) throw usageError(`secret ${JSON.stringify(name)}: ${problem}`)
}

function checkUniqueNames(secrets: SecretRequest[]): void {
  const seen = new Map<string, string>()
  for (const {name} of secrets) {
    // The injector lower-cases names for the file path, so FOO and foo would write the same file.
    const earlier = seen.get(name.toLowerCase())
    if (earlier !== undefined) throw usageError(earlier === name ? `secret "${name}" is given twice` : `secrets "${earlier}" and "${name}" would write the same file (the injector lower-cases names)`)
    seen.set(name.toLowerCase(), name)
  }
}

function addSecret(set: AnnotationSet, secret: SecretRequest, notes: string[]): void {
  if (secret.template !== undefined && secret.format !== undefined) throw usageError(`secret "${secret.name}" has both a template and a format: give one`)
  if (secret.path === undefined && secret.template === undefined) throw usageError(`secret "${secret.name}" needs a path or a template`)
  if (secret.keys?.length && secret.format === undefined) throw usageError(`secret "${secret.name}" has keys but no format: keys are for --format`)
  let apiPath: string | undefined
  if (secret.path !== undefined) {
    checkName(secret.name, SECRET_BASE)
    const translation = annotationSecretPath(secret.path, secret.kvVersion, secret.mount)
    apiPath = translation.apiPath
    if (translation.translated) notes.push(`${secret.name}: ${secret.path} → ${apiPath} (the API path the agent reads on KV v${secret.kvVersion})`)
    set.set(key(`${SECRET_BASE}-${secret.name}`), apiPath, `the secret ${secret.name}`)
  }
  let template = secret.template
  if (secret.format !== undefined) {
    if (apiPath === undefined) throw usageError(`secret "${secret.name}": a format needs the secret's path`)
    template = formatTemplate(secret.format, apiPath, secret.kvVersion, secret.keys ?? [])
  }
  if (template !== undefined) {
    checkName(secret.name, TEMPLATE_BASE)
    set.set(key(`${TEMPLATE_BASE}-${secret.name}`), template, `the template of ${secret.name}`)
  }
}

/** The annotations `vsi patch` would set, in the tutorial's order: inject, status, role, then the rest. */
export function buildAnnotations(request: PatchRequest): {annotations: Record<string, string>; notes: string[]} {
  const set = new AnnotationSet()
  const notes: string[] = []
  set.set(key('agent-inject'), 'true', 'vsi patch')
  if (request.status !== undefined) set.set(key('agent-inject-status'), request.status, '--status')
  if (request.role !== undefined) set.set(key('role'), request.role, '--role')
  if (request.authPath !== undefined) set.set(key('auth-path'), request.authPath, '--auth-path')
  checkUniqueNames(request.secrets)
  for (const secret of request.secrets) addSecret(set, secret, notes)
  if (request.prePopulateOnly) set.set(key('agent-pre-populate-only'), 'true', '--pre-populate-only')
  if (request.initFirst) set.set(key('agent-init-first'), 'true', '--init-first')
  if (request.agentImage !== undefined) set.set(key('agent-image'), request.agentImage, '--agent-image')
  for (const annotation of request.annotations ?? []) set.set(annotation.key, annotation.value, `--annotation ${annotation.key}`)
  // What the injector will make of these annotations, read as it reads them.
  const injection = injectionSpec({annotations: set.values}, undefined)
  if (injection.secrets.length === 0) {
    throw usageError('nothing to inject: give --secret NAME=PATH (or --template NAME=…)')
  }
  // The injector's own rule (agent.Validate): kubernetes auth needs a role, unless the agent config comes from a ConfigMap.
  if (injection.role === undefined && injection.configMap === undefined) {
    throw usageError('no Vault role: give --role (the injector rejects pods without one)')
  }
  return {annotations: set.values, notes}
}

/** Everything `vsi patch` writes, computed once, so `vsi patch --apply` can send the same patch. */
export function buildPatch(request: PatchRequest): PatchPlan {
  const {annotations, notes} = buildAnnotations(request)
  const size = annotationsSize(Object.entries(annotations))
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) {
    throw inputError(
      `the annotations come to ${size} bytes; the API server accepts at most ${TOTAL_ANNOTATION_SIZE_LIMIT} (256 KiB) per object, so nothing was written`,
      'Move large templates into a ConfigMap or Secret and use agent-inject-template-file-<NAME> with agent-configmap or agent-extra-secret.',
    )
  }
  return {patch: annotationPatch(POD_TEMPLATE_PATH, annotations), yaml: patchYaml(POD_TEMPLATE_PATH, annotations), annotations, notes}
}

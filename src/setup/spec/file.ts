/**
 * vsi.yaml: reading, validation (the JSON Schema, then the rules a schema cannot say) with `file:line:col` for every
 * problem, and defaults. Nothing here contacts Vault or the cluster.
 */
import {readFile} from 'node:fs/promises'
import path from 'node:path'
import {isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair} from 'yaml'

import {ANNOTATION_PREFIX, annotationKeyProblem, secretNameProblem} from '../../annotations/index.js'
import {VsiError, ExitCode, usageError} from '../../errors.js'
import {parseWorkloadRef, type WorkloadRef} from '../../kube/workload.js'
import {parseTtlSeconds} from '../../duration.js'
import {trimSlashes, type KvVersion} from '../../vault/mounts.js'
import {SPEC_SCHEMA} from './schema.js'
import {checkSchema, type JsonPath} from './schema-check.js'

export type SecretFormat = 'map' | 'env' | 'json' | 'template'

/** One of `{value}`, `{fromEnv}`, `{fromFile}`, `{prompt: true}`; resolved by ./data.ts. */
export type DataSource = {value: string} | {fromEnv: string} | {fromFile: string} | {prompt: true}

export interface SecretSpec {
  file: string
  /** `internal/database/config`, without surrounding slashes. */
  path: string
  format: SecretFormat
  keys: string[]
  /** The agent template (format: template), read from templateFile when given so. */
  template?: string
  data?: Record<string, DataSource>
  /** Where it is in the file, for messages: `apps[0].secrets[1]`. */
  at: JsonPath
}

export interface InjectorOptions {
  prePopulateOnly: boolean
  initFirst: boolean
  agentImage?: string
  /** Full keys (`vault.hashicorp.com/agent-limits-cpu`) → values. */
  annotations: Record<string, string>
}

export interface AppSpec {
  name: string
  /** Undefined: the kubeconfig context's namespace. */
  namespace?: string
  serviceAccount: string
  ttlSeconds: number
  workloads: WorkloadRef[]
  policies: string[]
  secrets: SecretSpec[]
  injector: InjectorOptions
  /** The audience the role requires in service account tokens (vsi setup --audience). */
  audience?: string
  at: JsonPath
}

/** How messages name where the spec came from and its settings: the file's fields, or vsi setup's flags. */
export interface SpecNames {
  source: string
  kvPath: string
  authPath: string
  /** What to do about a secret that does not exist and has no data. */
  giveData: string
}

export const FILE_NAMES: SpecNames = {
  source: 'vsi.yaml',
  kvPath: 'vault.kv.path',
  authPath: 'vault.auth.path',
  giveData: 'add data to the secret, or write it with vault kv put',
}

export interface Spec {
  /** The file as the user named it. */
  file: string
  kvPath: string
  /** The KV engine's version (vault.kv.version; vsi setup: 2). */
  kvVersion: KvVersion
  authPath: string
  apps: AppSpec[]
  /** Secrets written for no app (vsi setup --secret without --app): no policy, role or login. */
  secrets?: SecretSpec[]
  names: SpecNames
  /** A problem at a place in the file, for checks made after loading (data sources). */
  problemAt(at: JsonPath, message: string): SpecProblem
}

export interface SpecProblem {
  file: string
  line: number
  col: number
  /** `apps[0].secrets[1].path` */
  path: string
  message: string
}

/** The annotations vsi derives from the file; `injector.annotations` may not set them. */
const DERIVED = ['agent-inject', 'role', 'auth-path', 'agent-inject-status', 'agent-pre-populate-only', 'agent-init-first', 'agent-image']
const DERIVED_PREFIXES = ['agent-inject-secret-', 'agent-inject-template-']

export function formatJsonPath(at: JsonPath): string {
  return at.map((segment, index) => (typeof segment === 'number' ? `[${segment}]` : index === 0 ? segment : `.${segment}`)).join('')
}

/** Problems found in a file: a usage error (exit 2) listing each as `file:line:col: path: message`. */
export function specError(file: string, problems: SpecProblem[]): VsiError {
  const sorted = [...problems].sort((a, b) => a.line - b.line || a.col - b.col)
  const lines = sorted.map((p) => `${p.file}:${p.line}:${p.col}: ${p.path ? `${p.path}: ` : ''}${p.message}`)
  return new VsiError(`${file}: ${sorted.length} problem${sorted.length === 1 ? '' : 's'}\n${lines.join('\n')}`, {
    code: 'spec-invalid',
    exitCode: ExitCode.usage,
    hint: 'Fix the file and run again; nothing was contacted or changed. Editors check it as you type with the schema: docs/vsi.schema.json.',
    result: {file, problems: sorted},
  })
}

class Locator {
  constructor(
    private readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  problem(at: JsonPath, message: string, atKey = false): SpecProblem {
    const {line, col} = this.position(at, atKey)
    return {file: this.file, line, col, path: formatJsonPath(at), message}
  }

  /** The node at `at`, or the nearest enclosing one that exists (a missing field is reported on its parent). */
  private position(at: JsonPath, atKey: boolean): {line: number; col: number} {
    let node: Node | null | undefined = this.doc.contents
    let offset = node?.range?.[0] ?? 0
    for (const [index, segment] of at.entries()) {
      let next: Node | null | undefined
      if (isMap(node)) {
        const pair: Pair | undefined = node.items.find((item: Pair) => isScalar(item.key) && String(item.key.value) === String(segment))
        if (!pair) break
        const key = pair.key as Node
        if (atKey && index === at.length - 1) next = key
        else next = (pair.value as Node | null) ?? key
      } else if (isSeq(node) && typeof segment === 'number') {
        next = node.items[segment] as Node | undefined
      }
      if (!next?.range) break
      node = next
      offset = next.range[0]
    }
    return this.lines.linePos(offset)
  }
}

/** Reads and validates a vsi.yaml. Throws a usage error (exit 2) listing every problem with its position. */
export async function loadSpec(file: string): Promise<Spec> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw usageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'Give the file with -f, e.g. vsi plan -f vsi.yaml (vsi init writes a starter one).')
  }
  return parseSpec(text, file, path.dirname(path.resolve(file)))
}

export async function parseSpec(text: string, file: string, dir: string): Promise<Spec> {
  const lines = new LineCounter()
  const doc = parseDocument(text, {lineCounter: lines, uniqueKeys: true, prettyErrors: false})
  if (doc.errors.length > 0) {
    throw specError(
      file,
      doc.errors.map((error) => {
        const at = error.linePos?.[0] ?? lines.linePos(error.pos[0])
        return {file, line: at.line, col: at.col, path: '', message: error.message.split('\n')[0]}
      }),
    )
  }
  const locator = new Locator(file, doc, lines)
  const raw = doc.toJS() as unknown
  const schemaProblems = checkSchema(SPEC_SCHEMA as unknown as Record<string, unknown>, raw)
  if (schemaProblems.length > 0) throw specError(file, schemaProblems.map((p) => locator.problem(p.path, p.message, p.atKey)))

  const problems: SpecProblem[] = []
  const spec = buildSpec(raw as RawSpec, file, locator, (at, message, atKey) => problems.push(locator.problem(at, message, atKey)))
  await readTemplateFiles(raw as RawSpec, spec, dir, (at, message) => problems.push(locator.problem(at, message)))
  if (problems.length > 0) throw specError(file, problems)
  return spec
}

interface RawSecret {
  file: string
  path: string
  format?: SecretFormat
  keys?: string[]
  template?: string
  templateFile?: string
  data?: Record<string, DataSource>
}

interface RawApp {
  name: string
  namespace?: string
  serviceAccount?: string
  ttl?: string
  workloads?: string[]
  policies?: string[]
  secrets: RawSecret[]
  injector?: {prePopulateOnly?: boolean; initFirst?: boolean; agentImage?: string; annotations?: Record<string, string>}
}

interface RawSpec {
  vault?: {kv?: {path?: string; version?: KvVersion}; auth?: {path?: string}}
  apps: RawApp[]
}

type Report = (at: JsonPath, message: string, atKey?: boolean) => void

function buildSpec(raw: RawSpec, file: string, locator: Locator, report: Report): Spec {
  const kvPath = trimSlashes(raw.vault?.kv?.path ?? 'internal')
  const authPath = trimSlashes(raw.vault?.auth?.path ?? 'kubernetes')
  const names = new Map<string, number>()
  const workloadOwners = new Map<string, string>()
  const apps = raw.apps.map((rawApp, appIndex): AppSpec => {
    const at: JsonPath = ['apps', appIndex]
    const earlier = names.get(rawApp.name)
    if (earlier !== undefined) report([...at, 'name'], `app "${rawApp.name}" is also apps[${earlier}]: each app is one Vault role and policy, so names must be unique`)
    names.set(rawApp.name, appIndex)

    const ttlSeconds = parseTtlSeconds(rawApp.ttl ?? '24h')
    if (ttlSeconds === undefined) report([...at, 'ttl'], `${JSON.stringify(rawApp.ttl)} is not a duration: use seconds or a Go duration such as 24h, 90m or 3600s`)

    const workloads: WorkloadRef[] = []
    for (const [index, text] of (rawApp.workloads ?? []).entries()) {
      try {
        const ref = parseWorkloadRef(text)
        workloads.push(ref)
        const key = `${rawApp.namespace ?? ''}/${ref.kind}/${ref.name}`
        const owner = workloadOwners.get(key)
        if (owner !== undefined && owner !== rawApp.name) report([...at, 'workloads', index], `${text} is also a workload of app "${owner}": a pod logs in with one role`)
        workloadOwners.set(key, rawApp.name)
      } catch (error) {
        report([...at, 'workloads', index], (error as Error).message)
      }
    }
    for (const [index, policy] of (rawApp.policies ?? []).entries()) {
      if (!/^[a-z0-9][a-z0-9._-]*$/.test(policy)) report([...at, 'policies', index], `policy name ${JSON.stringify(policy)} is not valid: use lower-case letters, digits, ".", "_" and "-"`)
      if (policy === 'root') report([...at, 'policies', index], 'an app never gets the root policy')
    }

    const files = new Map<string, string>()
    const secrets = rawApp.secrets.map((rawSecret, secretIndex) => {
      const secretAt: JsonPath = [...at, 'secrets', secretIndex]
      const lower = rawSecret.file.toLowerCase()
      const clash = files.get(lower)
      if (clash !== undefined) report([...secretAt, 'file'], clash === rawSecret.file ? `file "${clash}" is listed twice` : `files "${clash}" and "${rawSecret.file}" are the same file (the injector lower-cases names)`)
      files.set(lower, rawSecret.file)
      return buildSecret(rawSecret, secretAt, kvPath, report)
    })

    return {
      name: rawApp.name,
      ...(rawApp.namespace ? {namespace: rawApp.namespace} : {}),
      serviceAccount: rawApp.serviceAccount ?? rawApp.name,
      ttlSeconds: ttlSeconds ?? 0,
      workloads,
      policies: rawApp.policies ?? [],
      secrets,
      injector: buildInjector(rawApp.injector, [...at, 'injector'], report),
      at,
    }
  })
  return {file, kvPath, kvVersion: raw.vault?.kv?.version ?? 2, authPath, apps, names: FILE_NAMES, problemAt: (at, message) => locator.problem(at, message)}
}

function buildSecret(raw: RawSecret, at: JsonPath, kvPath: string, report: Report): SecretSpec {
  const format = raw.format ?? (raw.template !== undefined || raw.templateFile !== undefined ? 'template' : 'map')
  const secretPath = trimSlashes(raw.path)
  if (!secretPath.startsWith(`${kvPath}/`)) report([...at, 'path'], `${raw.path} is not under the KV engine ${kvPath}/ (vault.kv.path): write it as ${kvPath}/…`)
  const nameProblem = raw.file.includes('/') ? `"${raw.file}" contains "/": the file name becomes part of an annotation key` : secretNameProblem(raw.file)
  if (nameProblem) report([...at, 'file'], nameProblem)
  if (format === 'template') {
    if ((raw.template === undefined) === (raw.templateFile === undefined)) report(at, 'format: template needs exactly one of template or templateFile')
  } else {
    if (raw.template !== undefined) report([...at, 'template'], `a template is for format: template, not ${format}`)
    if (raw.templateFile !== undefined) report([...at, 'templateFile'], `a templateFile is for format: template, not ${format}`)
  }
  const keys = raw.keys ?? []
  if (format === 'env' && keys.length === 0) report(at, 'format: env needs keys: the variable names are made from them')
  if (raw.data) {
    for (const [index, key] of keys.entries()) {
      if (!Object.hasOwn(raw.data, key)) report([...at, 'keys', index], `key "${key}" is not in data, so the secret written would not have it`)
    }
  }
  return {
    file: raw.file,
    path: secretPath,
    format,
    keys,
    ...(raw.template !== undefined ? {template: raw.template} : {}),
    ...(raw.data ? {data: raw.data} : {}),
    at,
  }
}

function buildInjector(raw: RawApp['injector'], at: JsonPath, report: Report): InjectorOptions {
  const annotations: Record<string, string> = {}
  for (const [name, value] of Object.entries(raw?.annotations ?? {})) {
    const full = name.includes('/') ? name : `${ANNOTATION_PREFIX}${name}`
    const base = full.startsWith(ANNOTATION_PREFIX) ? full.slice(ANNOTATION_PREFIX.length) : undefined
    const problem = annotationKeyProblem(full)
    if (problem) report([...at, 'annotations', name], `${name}: ${problem}`, true)
    else if (base !== undefined && (DERIVED.includes(base) || DERIVED_PREFIXES.some((prefix) => base.startsWith(prefix)))) {
      report([...at, 'annotations', name], `${name} is derived from the app (name, secrets, injector options): set it there`, true)
    } else annotations[full] = value
  }
  return {
    prePopulateOnly: raw?.prePopulateOnly ?? false,
    initFirst: raw?.initFirst ?? false,
    ...(raw?.agentImage ? {agentImage: raw.agentImage} : {}),
    annotations,
  }
}

async function readTemplateFiles(raw: RawSpec, spec: Spec, dir: string, report: Report): Promise<void> {
  const reads = raw.apps.flatMap((app, appIndex) =>
    app.secrets.map(async (secret, secretIndex) => {
      if (secret.templateFile === undefined) return
      try {
        spec.apps[appIndex].secrets[secretIndex].template = await readFile(path.resolve(dir, secret.templateFile), 'utf8')
      } catch (error) {
        report(['apps', appIndex, 'secrets', secretIndex, 'templateFile'], `cannot read ${secret.templateFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
      }
    }),
  )
  await Promise.all(reads)
}

/**
 * The secrets the injector derives from a pod's annotations (`secrets()` in vault-k8s annotations.go) and where it
 * writes each one, so collisions and stray options can be found before the pod exists.
 */
import {posix} from 'node:path'

import {ANNOTATION_PREFIX, SECRET_CREATING_BASES, annotationKey} from './catalog.js'
import {goBool} from './go-parse.js'

export const DEFAULT_SECRET_VOLUME_PATH = '/vault/secrets'

export interface InjectedSecret {
  /** NAME as written in the keys (per-secret options are looked up with it, case-sensitively). */
  rawName: string
  /** The file name: NAME lower-cased unless preserve-secret-case is true. */
  name: string
  /** Value of agent-inject-secret-NAME ("" when absent). */
  path: string
  /** Value of agent-inject-template-NAME ("" when absent). */
  template: string
  /** Value of agent-inject-template-file-NAME, used only when there is no inline template. */
  templateFile: string
  mountPath: string
  /** agent-inject-file-NAME ("" when absent). */
  file: string
  /** Where Vault Agent writes the rendered secret. */
  destination: string
  /** error-on-missing-key-NAME parses true: a missing key fails the agent instead of rendering `<no value>`. */
  errorOnMissingKey: boolean
  /** agent-template-left-delim-NAME / agent-template-right-delim-NAME ("" when absent: Go's `{{` and `}}`). */
  leftDelim: string
  rightDelim: string
}

/** Go's path.Join / filepath.Join (on Linux): empty elements dropped, the result cleaned, no trailing slash. */
export function goJoin(...elements: string[]): string {
  const joined = elements.filter((element) => element !== '').join('/')
  if (joined === '') return ''
  const cleaned = posix.normalize(joined)
  return cleaned.length > 1 && cleaned.endsWith('/') ? cleaned.slice(0, -1) : cleaned
}

const value = (annotations: Readonly<Record<string, string>>, base: string, rawName?: string): string | undefined =>
  annotations[annotationKey(rawName === undefined ? base : `${base}-${rawName}`)]

/** The injector's `secretName`: lower-cased unless preserve-secret-case(-NAME) parses true (parse errors mean false). */
function fileName(annotations: Readonly<Record<string, string>>, rawName: string): string {
  const preserve = value(annotations, 'preserve-secret-case', rawName) ?? value(annotations, 'preserve-secret-case')
  return preserve !== undefined && goBool(preserve) === true ? rawName : rawName.toLowerCase()
}

/**
 * Secrets in the order their creating keys appear; deduplicated by raw NAME, as the injector does. A creating key
 * whose value is blank (strings.TrimSpace) creates nothing; every value is then read as written (annotationsSecretValue).
 */
export function injectedSecrets(annotations: Readonly<Record<string, string>>): InjectedSecret[] {
  const rawNames: string[] = []
  for (const [key, text] of Object.entries(annotations)) {
    if (!key.startsWith(ANNOTATION_PREFIX) || text.trim() === '') continue
    const suffix = key.slice(ANNOTATION_PREFIX.length)
    const base = SECRET_CREATING_BASES.find((candidate) => suffix.startsWith(`${candidate}-`))
    const rawName = base === undefined ? '' : suffix.slice(base.length + 1)
    if (rawName !== '' && !rawNames.includes(rawName)) rawNames.push(rawName)
  }
  const globalMount = value(annotations, 'secret-volume-path') ?? DEFAULT_SECRET_VOLUME_PATH
  return rawNames.map((rawName) => {
    const name = fileName(annotations, rawName)
    const mountPath = value(annotations, 'secret-volume-path', rawName) ?? globalMount
    const file = value(annotations, 'agent-inject-file', rawName) ?? ''
    const template = value(annotations, 'agent-inject-template', rawName) ?? ''
    return {
      rawName,
      name,
      path: value(annotations, 'agent-inject-secret', rawName) ?? '',
      template,
      templateFile: template === '' ? (value(annotations, 'agent-inject-template-file', rawName) ?? '') : '',
      mountPath,
      file,
      // Go: fmt.Sprintf("%s/%s", mountPath, name) without a file, filepath.Join(mountPath, file) with one.
      destination: file === '' ? `${mountPath}/${name}` : goJoin(mountPath, file),
      errorOnMissingKey: goBool(value(annotations, 'error-on-missing-key', rawName) ?? '') === true,
      leftDelim: value(annotations, 'agent-template-left-delim', rawName) ?? '',
      rightDelim: value(annotations, 'agent-template-right-delim', rawName) ?? '',
    }
  })
}

/** Where agent-inject-token writes the token, when it is enabled. */
export function tokenSinkPath(annotations: Readonly<Record<string, string>>): string | undefined {
  const enabled = value(annotations, 'agent-inject-token')
  if (enabled === undefined || goBool(enabled) !== true) return undefined
  // config.go: path.Join(secret-volume-path, "token").
  return goJoin(value(annotations, 'secret-volume-path') ?? DEFAULT_SECRET_VOLUME_PATH, 'token')
}

export interface RenderedFile {
  /** The annotation suffix as written (`database-config.txt`); every per-secret annotation is keyed by it. */
  secret: string
  /** Where vault-agent writes it, inside the app container. */
  path: string
  /** The Vault path from agent-inject-secret-NAME, when there is one (for hints). */
  vaultPath?: string
}

/** The files the injector tells vault-agent to render for these secrets, sorted by path. */
export function renderedFilesOf(secrets: InjectedSecret[]): RenderedFile[] {
  return secrets
    .map((secret) => ({secret: secret.rawName, path: secret.destination, ...(secret.path ? {vaultPath: secret.path} : {})}))
    .sort((a, b) => a.path.localeCompare(b.path))
}

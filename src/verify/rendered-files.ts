import path from 'node:path'

import {ANNOTATION_PREFIX, annotationIsTrue} from '../kube/pod-state.js'

export interface RenderedFile {
  /** The annotation suffix as written (`database-config.txt`); every per-secret annotation is keyed by it. */
  secret: string
  /** Where vault-agent writes it, inside the app container. */
  path: string
  /** The Vault path from agent-inject-secret-NAME, when there is one (for hints). */
  vaultPath?: string
}

const DEFAULT_MOUNT = '/vault/secrets'

// Checked in this order: `agent-inject-template-file-x` also starts with `agent-inject-template-`.
const SECRET_PREFIXES = ['agent-inject-template-file-', 'agent-inject-template-', 'agent-inject-secret-']

/**
 * The files the injector tells vault-agent to render for these pod annotations, following vault-k8s
 * (agent-inject/agent/annotations.go `secrets()`): the name is lower-cased unless preserve-secret-case, the directory
 * is secret-volume-path[-NAME], and agent-inject-file-NAME renames the file (joined and cleaned, like filepath.Join).
 */
export function renderedFiles(annotations: Record<string, string> | undefined): RenderedFile[] {
  const all = annotations ?? {}
  const get = (suffix: string) => all[`${ANNOTATION_PREFIX}${suffix}`]
  const secrets = new Map<string, RenderedFile>()
  for (const [key, value] of Object.entries(all)) {
    if (!key.startsWith(ANNOTATION_PREFIX) || value.trim() === '') continue
    const suffix = key.slice(ANNOTATION_PREFIX.length)
    const prefix = SECRET_PREFIXES.find((p) => suffix.startsWith(p))
    const raw = prefix ? suffix.slice(prefix.length) : ''
    if (raw === '' || secrets.has(raw)) continue
    const preserveCase = annotationIsTrue(get(`preserve-secret-case-${raw}`) ?? get('preserve-secret-case'))
    const name = preserveCase ? raw : raw.toLowerCase()
    const mount = get(`secret-volume-path-${raw}`) || get('secret-volume-path') || DEFAULT_MOUNT
    const file = get(`agent-inject-file-${raw}`)
    secrets.set(raw, {
      secret: raw,
      path: file ? path.posix.join(mount, file) : `${mount}/${name}`,
      vaultPath: get(`agent-inject-secret-${raw}`),
    })
  }
  return [...secrets.values()].sort((a, b) => a.path.localeCompare(b.path))
}

/** Whether `--expect FILE=…` names this file: by secret name, file name or full path. */
export function fileMatches(reference: string, file: RenderedFile): boolean {
  return reference === file.secret || reference === file.path || reference === path.posix.basename(file.path) || reference.toLowerCase() === file.secret.toLowerCase()
}

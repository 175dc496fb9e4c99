import path from 'node:path'

import {injectedSecrets} from '../annotations/secrets.js'

export interface RenderedFile {
  /** The annotation suffix as written (`database-config.txt`); every per-secret annotation is keyed by it. */
  secret: string
  /** Where vault-agent writes it, inside the app container. */
  path: string
  /** The Vault path from agent-inject-secret-NAME, when there is one (for hints). */
  vaultPath?: string
}

/** The files the injector tells vault-agent to render for these pod annotations, sorted by path. */
export function renderedFiles(annotations: Record<string, string> | undefined): RenderedFile[] {
  return injectedSecrets(annotations ?? {})
    .map((secret) => ({secret: secret.rawName, path: secret.destination, ...(secret.path ? {vaultPath: secret.path} : {})}))
    .sort((a, b) => a.path.localeCompare(b.path))
}

/** Whether `--expect FILE=…` names this file: by secret name, file name or full path. */
export function fileMatches(reference: string, file: RenderedFile): boolean {
  return reference === file.secret || reference === file.path || reference === path.posix.basename(file.path) || reference.toLowerCase() === file.secret.toLowerCase()
}

import path from 'node:path'

import type {RenderedFile} from '../annotations/secrets.js'

/** Whether `--expect FILE=…` names this file: by secret name, file name or full path. */
export function fileMatches(reference: string, file: RenderedFile): boolean {
  return reference === file.secret || reference === file.path || reference === path.posix.basename(file.path) || reference.toLowerCase() === file.secret.toLowerCase()
}

import {readFile} from 'node:fs/promises'
import path from 'node:path'

import {usageError} from '../errors.js'
import {cannotRead, manifestFilesOf} from '../manifest-files.js'
import {readStdin} from '../stdin.js'
import type {ManifestText} from './manifests.js'

/**
 * UTF-8 when the bytes are UTF-8; otherwise Latin-1, where every byte is one character, so that writing the text
 * back as Latin-1 gives every byte vsi did not change exactly as it was (UTF-8 decoding would turn them into U+FFFD).
 */
function decode(bytes: Buffer): Pick<ManifestText, 'text' | 'encoding'> {
  try {
    return {text: new TextDecoder('utf-8', {fatal: true}).decode(bytes)}
  } catch {
    return {text: bytes.toString('latin1'), encoding: 'latin1'}
  }
}

/** The files `-f` names (directories walked, `-` for stdin), each once; `recursive` is -R. */
export async function manifestFiles(given: string[], recursive = false): Promise<string[]> {
  if (given.filter((item) => item === '-').length > 1) throw usageError('-f - (stdin) is given twice')
  const files = (await Promise.all(given.map((item) => (item === '-' ? ['-'] : manifestFilesOf(item, recursive))))).flat()
  const seen = new Set<string>()
  return files.filter((file) => {
    const resolved = path.resolve(file)
    if (seen.has(resolved)) return false
    seen.add(resolved)
    return true
  })
}

/** Every manifest named by `-f` (files, directories, `-` for stdin), read before anything is written; `recursive` is -R. */
export async function readManifests(given: string[], recursive = false): Promise<ManifestText[]> {
  const unique = await manifestFiles(given, recursive)
  return Promise.all(
    unique.map(async (file) => ({
      path: file,
      ...(file === '-' ? {text: await readStdin('manifests')} : decode(await readFile(file).catch((error: unknown) => Promise.reject(cannotRead(file, error))))),
    })),
  )
}

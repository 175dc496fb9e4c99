import {readdir, readFile, stat} from 'node:fs/promises'
import path from 'node:path'

import {inputError, usageError} from '../errors.js'
import {readStdin} from '../stdin.js'
import type {ManifestText} from './manifests.js'

/** The files `kubectl apply -f DIR` reads from a directory (not recursive, as without -R). */
const MANIFEST_EXTENSION = /\.(ya?ml|json)$/i

function cannotRead(file: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException).code
  const reason = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : (code ?? (error as Error).message)
  return inputError(`cannot read ${file}: ${reason}`)
}

async function filesOf(given: string): Promise<string[]> {
  const stats = await stat(given).catch((error: unknown) => Promise.reject(cannotRead(given, error)))
  if (!stats.isDirectory()) return [given]
  const entries = await readdir(given, {withFileTypes: true}).catch((error: unknown) => Promise.reject(cannotRead(given, error)))
  const files = entries.filter((entry) => entry.isFile() && MANIFEST_EXTENSION.test(entry.name)).map((entry) => path.join(given, entry.name))
  if (files.length === 0) throw inputError(`${given}: no .yaml, .yml or .json files in this directory`)
  return files.sort()
}

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

/** Every manifest named by `-f` (files, directories, `-` for stdin), read before anything is written. */
export async function readManifests(given: string[]): Promise<ManifestText[]> {
  if (given.filter((item) => item === '-').length > 1) throw usageError('-f - (stdin) is given twice')
  const files = (await Promise.all(given.map((item) => (item === '-' ? ['-'] : filesOf(item))))).flat()
  const seen = new Set<string>()
  const unique = files.filter((file) => {
    const resolved = path.resolve(file)
    if (seen.has(resolved)) return false
    seen.add(resolved)
    return true
  })
  return Promise.all(
    unique.map(async (file) => ({
      path: file,
      ...(file === '-' ? {text: await readStdin('manifests')} : decode(await readFile(file).catch((error: unknown) => Promise.reject(cannotRead(file, error))))),
    })),
  )
}

/**
 * The files a manifest path names, walked as kubectl walks `-f PATH [-R]` (k8s.io/cli-runtime
 * pkg/resource/visitor.go, ExpandPathsToFileVisitors): a file is taken as given, whatever its extension; a directory
 * gives its .yaml, .yml and .json files in lexical order, and its subdirectories only with `recursive` (-R).
 * `vsi lint` and `vsi patch -f` both read directories through this one walker.
 */
import type {Dirent} from 'node:fs'
import {readdir, stat} from 'node:fs/promises'
import path from 'node:path'

import {inputError} from './errors.js'

/** kubectl's FileExtensions: the files it reads from a directory. */
const MANIFEST_EXTENSION = /\.(ya?ml|json)$/i

export function cannotRead(file: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException).code
  const reason = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (code ?? (error as Error).message)
  return inputError(`cannot read ${file}: ${reason}`)
}

const byName = (a: Dirent, b: Dirent): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)

async function walk(directory: string, recursive: boolean, found: {files: string[]; subdirectories: number}): Promise<void> {
  const entries = await readdir(directory, {withFileTypes: true}).catch((error: unknown) => Promise.reject(cannotRead(directory, error)))
  for (const entry of entries.sort(byName)) {
    const full = path.join(directory, entry.name)
    if (entry.isDirectory()) {
      found.subdirectories++
      if (recursive) await walk(full, recursive, found)
    } else if (MANIFEST_EXTENSION.test(entry.name) && (entry.isFile() || entry.isSymbolicLink())) found.files.push(full)
  }
}

/** The manifest files of one path given on the command line (not `-`). */
export async function manifestFilesOf(given: string, recursive: boolean): Promise<string[]> {
  const stats = await stat(given).catch((error: unknown) => Promise.reject(cannotRead(given, error)))
  if (!stats.isDirectory()) return [given]
  const found = {files: [] as string[], subdirectories: 0}
  await walk(given, recursive, found)
  if (found.files.length === 0) {
    const where = recursive ? 'in this directory or below it' : 'in this directory'
    const hint = !recursive && found.subdirectories > 0 ? 'Its subdirectories are read with -R/--recursive, as kubectl reads them.' : 'Give the manifest files themselves, or a directory that holds some.'
    throw inputError(`${given}: no .yaml, .yml or .json files ${where}`, hint)
  }
  return found.files
}

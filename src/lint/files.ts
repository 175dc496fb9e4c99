/** Turns `vsi lint` arguments (files, directories, `-`) into YAML texts. The only I/O of the linter. */
import {readdir, readFile, stat} from 'node:fs/promises'
import path from 'node:path'

import {inputError, usageError} from '../errors.js'

export interface LintInput {
  /** As shown in problems: the path as given, or joined onto the directory given; `<stdin>` for `-`. */
  file: string
  text: string
}

export const STDIN_NAME = '<stdin>'
const YAML_FILE = /\.ya?ml$/i

/** Reads every input; a directory contributes its *.yaml / *.yml files, recursively, in name order. */
export async function readLintInputs(paths: readonly string[], readStdin: () => Promise<string>): Promise<LintInput[]> {
  if (paths.length === 0) throw usageError('no input: give YAML files or directories to lint, or - for stdin')
  const inputs: LintInput[] = []
  for (const given of paths) {
    if (given === '-') {
      inputs.push({file: STDIN_NAME, text: await readStdin()})
      continue
    }
    const files = await filesOf(given)
    for (const file of files) inputs.push({file, text: await readText(file)})
  }
  return inputs
}

async function filesOf(given: string): Promise<string[]> {
  const stats = await stat(given).catch((error: NodeJS.ErrnoException) => {
    throw inputError(`cannot read ${given}: ${error.code === 'ENOENT' ? 'no such file or directory' : error.message}`)
  })
  if (!stats.isDirectory()) return [given]
  const files = await yamlFilesUnder(given)
  if (files.length === 0) throw inputError(`${given}: no .yaml or .yml files in this directory`, 'give the manifest files themselves, or a directory that holds some')
  return files
}

async function yamlFilesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, {withFileTypes: true}).catch((error: Error) => {
    throw inputError(`cannot read directory ${directory}: ${error.message}`)
  })
  const sorted = entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const files: string[] = []
  for (const entry of sorted) {
    const full = path.join(directory, entry.name)
    // Hidden directories (.git, .github's caches) hold no manifests worth linting.
    if (entry.isDirectory() && !entry.name.startsWith('.')) files.push(...(await yamlFilesUnder(full)))
    else if (entry.isFile() && YAML_FILE.test(entry.name)) files.push(full)
  }
  return files
}

async function readText(file: string): Promise<string> {
  return readFile(file, 'utf8').catch((error: Error) => {
    throw inputError(`cannot read ${file}: ${error.message}`)
  })
}

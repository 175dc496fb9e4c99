/** Turns `vsi lint` arguments (files, directories, `-`) into YAML texts. The only I/O of the linter. */
import {readFile} from 'node:fs/promises'

import {usageError} from '../errors.js'
import {cannotRead, manifestFilesOf} from '../manifest-files.js'

export interface LintInput {
  /** As shown in problems: the path as given, or joined onto the directory given; `<stdin>` for `-`. */
  file: string
  text: string
}

export const STDIN_NAME = '<stdin>'

/** Reads every input; a directory contributes its manifest files as `kubectl -f DIR` reads them (`recursive`: -R). */
export async function readLintInputs(paths: readonly string[], readStdin: () => Promise<string>, recursive = false): Promise<LintInput[]> {
  if (paths.length === 0) throw usageError('no input: give YAML files or directories to lint, or - for stdin')
  const inputs: LintInput[] = []
  for (const given of paths) {
    if (given === '-') {
      inputs.push({file: STDIN_NAME, text: await readStdin()})
      continue
    }
    const files = await manifestFilesOf(given, recursive)
    for (const file of files) inputs.push({file, text: await readText(file)})
  }
  return inputs
}

async function readText(file: string): Promise<string> {
  return readFile(file, 'utf8').catch((error: unknown) => Promise.reject(cannotRead(file, error)))
}

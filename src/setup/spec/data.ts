/**
 * The values of secrets that have `data:`, from their sources. Every value is registered as secret before anything
 * could print it; a source that cannot be read is a usage error at its place in the file (nothing contacted yet).
 */
import {readFile} from 'node:fs/promises'
import path from 'node:path'

import {registerValue} from '../../vault/secret-input.js'
import {specError, type AppSpec, type SecretSpec, type Spec, type SpecProblem} from './file.js'
import type {JsonPath} from './schema-check.js'

export interface DataOptions {
  /** Directory of vsi.yaml: fromFile paths are relative to it. */
  dir: string
  env: Record<string, string | undefined>
  /** stdin is a terminal and CI is not set: `prompt: true` may ask. */
  interactive: boolean
  ask: (message: string) => Promise<string>
}

/** Secret → its values, for every secret of `apps` that has data. */
export type ResolvedData = Map<SecretSpec, Record<string, string>>

export async function resolveData(spec: Spec, apps: AppSpec[], options: DataOptions): Promise<ResolvedData> {
  const problems: SpecProblem[] = []
  const problem = (at: JsonPath, message: string) => problems.push(spec.problemAt(at, message))
  const resolved: ResolvedData = new Map()
  // Prompts come one after the other, in file order; files and variables are read at once.
  for (const app of apps) {
    for (const secret of app.secrets) {
      if (!secret.data) continue
      const values: Record<string, string> = {}
      for (const [key, source] of Object.entries(secret.data)) {
        const at = [...secret.at, 'data', key]
        const value = await readSource(source, `${app.name}: ${secret.path} ${key}`, options).catch((error: Error) => {
          problem(at, error.message)
          return undefined
        })
        if (value === undefined) continue
        registerValue(value)
        values[key] = value
      }
      resolved.set(secret, values)
    }
  }
  if (problems.length > 0) throw specError(spec.file, problems)
  return resolved
}

async function readSource(source: NonNullable<SecretSpec['data']>[string], label: string, options: DataOptions): Promise<string> {
  if ('value' in source) return source.value
  if ('fromEnv' in source) {
    const value = options.env[source.fromEnv]
    if (value === undefined) throw new Error(`the environment variable ${source.fromEnv} is not set`)
    return value
  }
  if ('fromFile' in source) {
    try {
      // As `vault kv put key=@file`: the content as it is, final newline included.
      return await readFile(path.resolve(options.dir, source.fromFile), 'utf8')
    } catch (error) {
      throw new Error(`cannot read ${source.fromFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
    }
  }
  if (!options.interactive) throw new Error('prompt: true needs a terminal (stdin is not one, or CI is set): use fromEnv or fromFile here')
  return options.ask(label)
}

import {readFile} from 'node:fs/promises'

import {inputError, usageError} from '../errors.js'
import {registerSecret} from '../output/redact.js'
import {readStdin} from '../stdin.js'

/** A secret value piped in for `key=-`. */
export const readPipedValue = () => readStdin(undefined, 'Pipe the value in, e.g. `printf %s "$PASSWORD" | vsi ...`.')

export interface SecretInput {
  data: Record<string, string>
  /** Keys whose value was typed on the command line (visible in shell history and the process list). */
  inlineKeys: string[]
  /** Keys read from stdin or a file whose value ends in a newline (kept, as `vault kv put` keeps it). */
  newlineKeys: string[]
}

/**
 * Reads `key=value`, `key=@file` and `key=-` (stdin) as `vault kv put` does: file and stdin contents are taken as
 * they are, trailing newline included. Every value is registered as a secret before anything can print it.
 */
export async function readSecretAssignments(args: string[], readStdin: () => Promise<string> = readPipedValue): Promise<SecretInput> {
  const data: Record<string, string> = {}
  const inlineKeys: string[] = []
  const newlineKeys: string[] = []
  let stdinUsedBy: string | undefined
  for (const [index, raw] of args.entries()) {
    const at = raw.indexOf('=')
    const key = at < 0 ? '' : raw.slice(0, at).trim()
    // The argument itself is not echoed: without "=" it may well be a bare secret value.
    if (key === '') throw usageError(`secret data argument ${index + 1}: expected key=value, key=@file or key=-`)
    const value = raw.slice(at + 1)
    if (Object.hasOwn(data, key)) throw usageError(`key "${key}" is given twice`)
    if (value === '-') {
      if (stdinUsedBy) throw usageError(`only one key can read stdin ("${stdinUsedBy}" and "${key}" both use "-")`)
      stdinUsedBy = key
      data[key] = await readStdin()
      if (data[key].endsWith('\n')) newlineKeys.push(key)
    } else if (value.startsWith('@')) {
      data[key] = await readValueFile(key, value.slice(1))
      if (data[key].endsWith('\n')) newlineKeys.push(key)
    } else {
      data[key] = value
      inlineKeys.push(key)
    }
    registerValue(data[key])
  }
  return {data, inlineKeys, newlineKeys}
}

/** A here-string (`<<<`), `echo` or an editor adds a final newline the user rarely means to store. */
export function trailingNewlineWarning(keys: string[]): string {
  const names = keys.map((key) => `"${key}"`).join(', ')
  return `the value of ${names} ends in a newline, which is stored as part of the secret (as vault kv put stores it); if it should not be, give the value without one, e.g. printf '%s' "$VALUE" | … ${keys[0]}=-`
}

export function inlineValueWarning(keys: string[]): string {
  return `the value of ${keys.map((key) => `"${key}"`).join(', ')} was given on the command line, where shell history and the process list can see it; prefer key=@file or key=- (stdin)`
}

async function readValueFile(key: string, file: string): Promise<string> {
  if (file === '') throw usageError(`key "${key}": "@" needs a file name`)
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    throw inputError(`key "${key}": cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
  }
}

/** A value from a file usually ends in a newline; it must be masked with and without it. */
export function registerValue(value: string): void {
  registerSecret(value)
  registerSecret(value.trim())
}

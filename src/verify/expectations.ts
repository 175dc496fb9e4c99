import {readFileSync} from 'node:fs'

import type {RenderedFile} from '../annotations/secrets.js'
import {parseAssignment} from '../assignment.js'
import {inputError, usageError} from '../errors.js'
import {registerSecret} from '../output/redact.js'
import {missingKeys, rendersKeys} from './content.js'
import {fileMatches} from './rendered-files.js'

export type Expectation =
  | {file: string; kind: 'equals'; value: string; description: string}
  | {file: string; kind: 'keys'; keys: string[]; description: string}
  | {file: string; kind: 'match'; pattern: RegExp; description: string}

export interface ExpectationFlags {
  expect?: string[]
  'expect-keys'?: string[]
  'expect-match'?: string[]
}

/** Reads --expect (a value, or @path for a file's content), --expect-keys and --expect-match; usage errors on bad input. */
export function parseExpectations(flags: ExpectationFlags): Expectation[] {
  const expectations: Expectation[] = []
  for (const raw of flags.expect ?? []) {
    const {key, value} = parseAssignment(raw, 'expect', 'FILE=VALUE or FILE=@PATH')
    let expected = value
    let description = 'equals the given value'
    if (value.startsWith('@')) {
      const source = value.slice(1)
      try {
        expected = readFileSync(source, 'utf8')
      } catch (error) {
        throw inputError(`--expect ${key}=@${source}: cannot read ${source}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
      }
      description = `equals the content of ${source}`
    }
    registerSecret(expected.trim())
    expectations.push({file: key, kind: 'equals', value: expected, description})
  }
  for (const raw of flags['expect-keys'] ?? []) {
    const {key, value} = parseAssignment(raw, 'expect-keys', 'FILE=KEY1,KEY2')
    const keys = value.split(',').map((k) => k.trim()).filter((k) => k !== '')
    if (keys.length === 0) throw usageError(`--expect-keys ${JSON.stringify(raw)}: list at least one key after "="`)
    expectations.push({file: key, kind: 'keys', keys, description: `has keys ${keys.join(',')}`})
  }
  for (const raw of flags['expect-match'] ?? []) {
    const {key, value} = parseAssignment(raw, 'expect-match', 'FILE=REGEX')
    let pattern: RegExp
    try {
      pattern = new RegExp(value, 'm')
    } catch (error) {
      throw usageError(`--expect-match ${JSON.stringify(raw)}: invalid regular expression: ${(error as Error).message}`)
    }
    expectations.push({file: key, kind: 'match', pattern, description: `matches /${value}/`})
  }
  return expectations
}

/** Templates usually end with a newline the user does not type: `--expect f=v` also accepts `v\n`. */
function withoutFinalNewline(text: string): string {
  return text.replace(/\r?\n$/, '')
}

/**
 * Undefined when the content meets the expectation, else why not (never quoting the content). `secretKeys`: the keys
 * of the secret the file renders, when Vault could be asked.
 */
export function unmetReason(expectation: Expectation, content: string, secretKeys?: string[]): string | undefined {
  switch (expectation.kind) {
    case 'equals':
      return withoutFinalNewline(content) === withoutFinalNewline(expectation.value) ? undefined : `content differs from the expected value (${expectation.description})`
    case 'keys': {
      const missing = missingKeys(content, expectation.keys, secretKeys)
      if (missing.length === 0) return undefined
      const known = secretKeys && rendersKeys(content, secretKeys) ? ` (the secret in Vault has ${secretKeys.length === 0 ? 'no keys' : `keys ${secretKeys.join(', ')}`})` : ''
      return `missing key${missing.length === 1 ? '' : 's'} ${missing.join(', ')}${known}`
    }
    case 'match':
      return expectation.pattern.test(content) ? undefined : `content does not match /${expectation.pattern.source}/`
  }
}

/** An expectation naming a file no pod renders is a typo: say so before reporting every pod as failing. */
export function checkExpectationsNameFiles(expectations: Expectation[], files: RenderedFile[]): void {
  for (const expectation of expectations) {
    if (files.length > 0 && !files.some((file) => fileMatches(expectation.file, file))) {
      throw usageError(
        `"${expectation.file}" names no rendered secret file`,
        `The pods' annotations render: ${files.map((f) => `${f.secret} (${f.path})`).join(', ')}.`,
      )
    }
  }
}

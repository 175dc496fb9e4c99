import {usageError} from '../errors.js'
import type {KvVersion} from '../vault/mounts.js'

export const TEMPLATE_FORMATS = ['json', 'env', 'map'] as const
export type TemplateFormat = (typeof TEMPLATE_FORMATS)[number]

/** A key Go templates can reach as `.field`; any other key needs `index`. */
const GO_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/

/** What a secret's key/value map is inside `{{ with secret … }}`: KV v2 nests it under `.Data.data`. */
const dataOf = (kvVersion: KvVersion): string => (kvVersion === 2 ? '.Data.data' : '.Data')

function field(kvVersion: KvVersion, key: string): string {
  return GO_IDENTIFIER.test(key) ? `${dataOf(kvVersion)}.${key}` : `index ${dataOf(kvVersion)} ${JSON.stringify(key)}`
}

/** `db-password` → `DB_PASSWORD`: upper case, anything a shell variable name cannot hold becomes `_`. */
export function envName(key: string): string {
  const name = key.toUpperCase().replaceAll(/[^A-Z0-9_]/g, '_')
  return /^[0-9]/.test(name) ? `_${name}` : name
}

function bodyLines(format: TemplateFormat, kvVersion: KvVersion, keys: string[]): string[] {
  const data = dataOf(kvVersion)
  switch (format) {
    case 'json': {
      if (keys.length === 0) return [`{{ ${data} | toJSON }}`]
      const members = keys.map((key, index) => `  ${JSON.stringify(key)}: {{ ${field(kvVersion, key)} | toJSON }}${index < keys.length - 1 ? ',' : ''}`)
      return ['{', ...members, '}']
    }
    case 'env': {
      return keys.map((key) => `export ${envName(key)}="{{ ${field(kvVersion, key)} }}"`)
    }
    case 'map': {
      if (keys.length === 0) return [`{{ range $k, $v := ${data} -}}`, '{{ $k }}: {{ $v }}', '{{ end -}}']
      return keys.map((key) => `${key}: {{ ${field(kvVersion, key)} }}`)
    }
  }
}

/**
 * An `agent-inject-template-*` text for a common file format, in the tutorial's style. The rendered file ends with
 * one newline: `-}}` after `with` drops the newline that follows it, and `{{ end -}}` keeps the last line's.
 * Without keys, `json` and `map` write every key of the secret; `env` needs keys (shell names are derived from them).
 */
export function formatTemplate(format: TemplateFormat, apiPath: string, kvVersion: KvVersion, keys: string[]): string {
  if (format === 'env') {
    if (keys.length === 0) throw usageError('--format env needs --keys: the variable names are made from the keys')
    const names = new Map<string, string>()
    for (const key of keys) {
      const clash = names.get(envName(key))
      if (clash !== undefined) throw usageError(`--keys ${clash} and ${key} both become the variable ${envName(key)}`)
      names.set(envName(key), key)
    }
  }
  return [`{{- with secret ${JSON.stringify(apiPath)} -}}`, ...bodyLines(format, kvVersion, keys), '{{ end -}}', ''].join('\n')
}

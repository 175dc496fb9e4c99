import {usageError} from './errors.js'

export interface Assignment {
  key: string
  value: string
}

/** Parses `key=value` as given to flags like `--secret` and `--expect`; the value may itself contain `=`. */
export function parseAssignment(raw: string, flag: string, what = 'key=value'): Assignment {
  const at = raw.indexOf('=')
  if (at < 0) throw usageError(`--${flag} ${JSON.stringify(raw)}: expected ${what}`)
  const key = raw.slice(0, at).trim()
  if (key === '') throw usageError(`--${flag} ${JSON.stringify(raw)}: the name before "=" is empty`)
  return {key, value: raw.slice(at + 1)}
}

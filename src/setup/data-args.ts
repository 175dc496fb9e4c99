import {usageError} from '../errors.js'

/**
 * Which key=value arguments belong to which --secret: each group follows its --secret, as in
 * `--secret internal/a user=x --secret internal/b key=@k.txt`. With a single --secret they may stand anywhere.
 * `dataArgs` are the arguments oclif did not take as flags or flag values, in order; `takesValue` says whether a
 * flag token (`--ttl`, `-n`) consumes the next one.
 */
export function dataArgsBySecret(rawArgv: string[], dataArgs: string[], secretCount: number, takesValue: (flag: string) => boolean): string[][] {
  if (secretCount <= 1) return [dataArgs]
  const groups: string[][] = Array.from({length: secretCount}, () => [])
  const pending = [...dataArgs]
  let current = -1
  for (let index = 0; index < rawArgv.length && pending.length > 0; index++) {
    const token = rawArgv[index]
    if (token === '--secret' || token.startsWith('--secret=')) {
      current++
      if (token === '--secret') index++
    } else if (token.startsWith('-') && token !== '-') {
      if (!token.includes('=') && takesValue(token)) index++
    } else if (token === pending[0]) {
      // The argument itself is not echoed: it may hold a value.
      if (current < 0) throw usageError(`secret data argument ${dataArgs.length - pending.length + 1} comes before any --secret: with several --secret, put each key=value argument after the --secret it belongs to`)
      groups[current].push(pending.shift()!)
    }
  }
  return groups
}

/**
 * oclif's parse errors, reworded so the first line carries everything: which flag, the value given and what was
 * expected; which argument is missing; and, for an unknown flag, the nearest one the command has.
 */
import {distance} from '../annotations/nearest.js'
import {usageError, type VsiError} from '../errors.js'

export interface ParseErrorText {
  message: string
  hint: string
}

/** An oclif parse error (a CLIError with exit 2, or one carrying `parse`) as a usage error; undefined for the rest. */
export function parseErrorAsUsage(error: unknown, flagNames: readonly string[]): VsiError | undefined {
  if (!(error instanceof Error)) return undefined
  const shape = error as Error & {oclif?: {exit?: number}; parse?: unknown}
  if (!shape.oclif || (shape.oclif.exit !== 2 && !shape.parse)) return undefined
  const {message, hint} = describeParseError(error.message, flagNames)
  return usageError(message, hint)
}

const HELP_HINT = 'Run the command with --help to see its flags.'

export function describeParseError(raw: string, flagNames: readonly string[] = []): ParseErrorText {
  const lines = raw
    .split('\n')
    .filter((line) => !/^See more help with --help$/.test(line.trim()) && !/^The following errors? occurred:?$/.test(line.trim()))
    .map((line) => line.replace(/^\s*[-*]\s+/, ''))
  const text = lines.join('\n').trim()

  // "Parsing --concurrency \n\tExpected an integer but received: abc"
  const parsing = /^Parsing (--[\w-]+)\s*\n\s*(.+)$/m.exec(text)
  if (parsing) return {message: `${parsing[1]}: ${lowerFirst(parsing[2].trim())}`, hint: HELP_HINT}

  // "Missing 1 required arg:\nname  Policy name."
  const missing = /^Missing \d+ required args?:\s*\n([\s\S]*)$/.exec(text)
  if (missing) {
    const args = missing[1].split('\n').map((line) => /^(\S+)\s*(.*)$/.exec(line.trim())).filter((m): m is RegExpExecArray => m !== null)
    const named = args.map(([, name, description]) => `${name.toUpperCase()}${description ? ` (${description.replace(/\.$/, '')})` : ''}`)
    return {message: `missing argument${args.length === 1 ? '' : 's'} ${named.join(', ')}`, hint: 'Run the command with --help to see its arguments.'}
  }

  // "Nonexistent flag: --rol" (or "Nonexistent flags: --a, --b")
  const unknown = /^Nonexistent flags?: (.+)$/m.exec(text)
  if (unknown) {
    const given = unknown[1].split(/,\s*/)
    const suggestions = given.map((flag) => nearestFlag(flag, flagNames)).filter((s): s is string => s !== undefined)
    const message = `unknown flag${given.length === 1 ? '' : 's'} ${given.join(', ')}`
    return {message, hint: suggestions.length > 0 ? `Did you mean ${suggestions.join(', ')}? ${HELP_HINT}` : HELP_HINT}
  }

  return {message: lines.find((line) => line.trim() !== '')?.trim() ?? raw, hint: HELP_HINT}
}

/** The command's flag nearest to a mistyped one (`--rol` → `--role`, `--namepsace` → `--namespace`), if close enough. */
export function nearestFlag(given: string, flagNames: readonly string[]): string | undefined {
  const name = given.replace(/^-+/, '').split('=')[0]
  if (name === '') return undefined
  let best: {flag: string; cost: number} | undefined
  for (const candidate of flagNames) {
    const prefix = candidate.startsWith(name) ? 0.5 : Number.POSITIVE_INFINITY
    const cost = Math.min(distance(name, candidate), prefix)
    if (!best || cost < best.cost) best = {flag: candidate, cost}
  }
  const allowed = Math.max(1, Math.floor(name.length / 3))
  return best && best.cost <= allowed ? `--${best.flag}` : undefined
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1)
}

import {Chalk} from 'chalk'

/**
 * The colour level for a stream. FORCE_COLOR asks for colour even without a terminal (CI logs that render it) and,
 * as in Node itself, wins over NO_COLOR: `0`/`false` off, `1`–`3` that many levels, empty or `true` level 1.
 * Otherwise https://no-color.org: any non-empty NO_COLOR turns colour off; so does output that is not a terminal.
 */
export function colorLevel(stream: NodeJS.WriteStream = process.stdout): 0 | 1 | 2 | 3 {
  const force = process.env.FORCE_COLOR
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 0
    const level = Number(force)
    return level === 2 || level === 3 ? level : 1
  }
  const noColor = process.env.NO_COLOR
  if (noColor !== undefined && noColor !== '') return 0
  return stream.isTTY && process.env.TERM !== 'dumb' ? 1 : 0
}

export const color = new Chalk({level: colorLevel()})
export const errColor = new Chalk({level: colorLevel(process.stderr)})

/** vsi never waits for an answer nobody can give: no TTY on stdin, or a CI run, means no prompts. */
export function canPrompt(): boolean {
  const ci = process.env.CI
  return Boolean(process.stdin.isTTY) && (ci === undefined || ci === '' || ci === 'false' || ci === '0')
}

import {Chalk} from 'chalk'

/** https://no-color.org: any non-empty NO_COLOR turns colour off; so does output that is not a terminal. */
export function colorEnabled(stream: NodeJS.WriteStream = process.stdout): boolean {
  const noColor = process.env.NO_COLOR
  if (noColor !== undefined && noColor !== '') return false
  return Boolean(stream.isTTY) && process.env.TERM !== 'dumb'
}

export const color = new Chalk({level: colorEnabled() ? 1 : 0})
export const errColor = new Chalk({level: colorEnabled(process.stderr) ? 1 : 0})

/** vsi never waits for an answer nobody can give: no TTY on stdin, or a CI run, means no prompts. */
export function canPrompt(): boolean {
  const ci = process.env.CI
  return Boolean(process.stdin.isTTY) && (ci === undefined || ci === '' || ci === 'false' || ci === '0')
}

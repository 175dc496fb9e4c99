import {usageError} from './errors.js'

/**
 * All of stdin, for an argument `-`. It must be piped: a terminal would wait for an end that never comes, so vsi
 * refuses one. `what` names what `-` stands for in that message ("YAML", "the manifest or template").
 */
export async function readStdin(what?: string, hint?: string): Promise<string> {
  if (process.stdin.isTTY) throw usageError(`"-" reads ${what === undefined ? '' : `${what} `}from stdin, but stdin is a terminal`, hint)
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

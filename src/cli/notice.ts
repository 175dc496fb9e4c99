import {redact} from '../output/redact.js'
import {errColor} from '../output/terminal.js'

/** Side remarks (what vsi found or chose on its own) go to stderr, and nowhere with --json. */
export function stderrNotice(json: boolean): (line: string) => void {
  return (line) => {
    if (!json) process.stderr.write(`${errColor.dim(redact(line))}\n`)
  }
}

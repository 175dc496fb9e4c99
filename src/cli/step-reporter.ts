import {startProgress} from './progress.js'
import {redact} from '../output/redact.js'

export interface StepReporter {
  /** A new step or a new status; repeated texts are shown once. */
  report(text: string): void
  done(final: string): void
}

/**
 * Progress of a long run on stderr: a spinner with the current status on a terminal, one line per change
 * elsewhere (CI logs), nothing with --json.
 */
export function stepReporter(action: string, options: {json: boolean}): StepReporter {
  if (options.json) return {report() {}, done() {}}
  if (process.stderr.isTTY && process.env.TERM !== 'dumb') {
    const spinner = startProgress(action, options)
    return {report: (text) => spinner.update(redact(text)), done: (final) => spinner.stop(final)}
  }
  let last = ''
  return {
    report(text) {
      if (text === last) return
      last = text
      process.stderr.write(`${redact(text)}\n`)
    },
    done() {},
  }
}

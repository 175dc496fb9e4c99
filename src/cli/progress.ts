import {ux} from '@oclif/core'

export interface Progress {
  update(status: string): void
  stop(final: string): void
}

const silent: Progress = {update() {}, stop() {}}

/** A spinner on stderr for long waits; nothing at all when stderr is not a terminal or the output is --json. */
export function startProgress(action: string, options: {json: boolean}): Progress {
  if (options.json || !process.stderr.isTTY || process.env.TERM === 'dumb') return silent
  ux.action.start(action)
  return {
    update: (status) => {
      ux.action.status = status
    },
    stop: (final) => ux.action.stop(final),
  }
}

import type {Hook} from '@oclif/core'

import {distance} from '../annotations/nearest.js'

/**
 * `vsi pach`: in a terminal, oclif's not-found plugin asks "Did you mean patch?" and runs it; elsewhere (scripts, CI,
 * piped stdin) nothing can answer, so the error names the nearest command instead, as kubectl does. Exit 127, as
 * the plugin and a shell exit for an unknown command.
 */
const hook: Hook.CommandNotFound = async function (options) {
  if (process.stdin.isTTY && !process.env.CI) {
    const {default: notFound} = await import('@oclif/plugin-not-found')
    return notFound.call(this, options)
  }
  const spaced = (id: string) => id.replaceAll(':', ' ')
  const typed = spaced(options.id)
  const visible = options.config.commands.filter((command) => !command.hidden).flatMap((command) => [command.id, ...command.aliases]).map(spaced)
  const nearest = visible
    .map((id) => ({id, cost: distance(typed, id)}))
    .sort((a, b) => a.cost - b.cost || a.id.localeCompare(b.id))[0]
  const suggestion = nearest && nearest.cost <= Math.max(2, Math.floor(typed.length / 3)) ? `\nDid you mean this?\n\t${nearest.id}\n` : ''
  process.stderr.write(`Error: unknown command "${typed}" for "${options.config.bin}"\n${suggestion}\nRun '${options.config.bin} help' for a list of commands.\n`)
  this.exit(127)
}

export default hook

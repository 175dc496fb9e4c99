import {color} from '../output/terminal.js'
import type {Action} from './steps.js'

const PAINT: Record<Action['status'], (text: string) => string> = {
  create: color.green,
  created: color.green,
  change: color.yellow,
  changed: color.yellow,
  delete: color.red,
  deleted: color.red,
  unchanged: color.dim,
  check: color.cyan,
  verified: color.green,
  missing: color.red,
  failed: color.red,
  skipped: color.dim,
}

const WIDTH = Math.max(...Object.keys(PAINT).map((status) => status.length))

/** `created    policy internal-app` / `failed     role internal-app: Permission denied …`. */
export function formatAction(action: Action): string {
  const detail = action.detail ? `: ${action.detail}` : ''
  return `${PAINT[action.status](action.status.padEnd(WIDTH))}  ${action.target}${detail}`
}

export interface Tally {
  writes: number
  failed: number
  skipped: number
}

export function tally(actions: Action[]): Tally {
  const count = (...statuses: Action['status'][]) => actions.filter((action) => statuses.includes(action.status)).length
  return {writes: count('created', 'changed', 'deleted'), failed: count('failed'), skipped: count('skipped')}
}

/** The last line of a run. */
export function summaryLine(actions: Action[], dryRun: boolean): string {
  const count = (status: Action['status']) => actions.filter((action) => action.status === status).length
  if (dryRun) {
    const writes = count('create') + count('change')
    if (writes === 0 && count('missing') === 0) return 'Dry run: everything is already set up; a run would write nothing.'
    return `Dry run: ${count('create')} to create, ${count('change')} to change, ${count('unchanged')} unchanged; nothing was written.`
  }
  const {writes, failed, skipped} = tally(actions)
  if (failed > 0) return `Stopped: ${failed} failed, ${skipped} skipped, ${writes} written. Fix the cause and run the command again; finished steps are kept.`
  if (writes === 0) return 'Nothing to change: everything was already set up (no writes made).'
  return `Done: ${count('created')} created, ${count('changed')} changed, ${count('unchanged')} unchanged.`
}

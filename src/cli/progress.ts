import {ux} from '@oclif/core'

import type {RolloutStatus} from '../kube/rollout.js'

export interface Progress {
  update(status: string): void
  stop(final: string): void
}

const silent: Progress = {update() {}, stop() {}}

const onTerminal = () => Boolean(process.stderr.isTTY) && process.env.TERM !== 'dumb'

/** Whether startProgress shows a spinner (else waits print lines, or nothing with --json). */
export const showsSpinner = (options: {json: boolean}): boolean => !options.json && onTerminal()

/** A spinner on stderr for long waits; nothing at all when stderr is not a terminal or the output is --json. */
export function startProgress(action: string, options: {json: boolean}): Progress {
  if (options.json || !onTerminal()) return silent
  ux.action.start(action)
  return {
    update: (status) => {
      ux.action.status = status
    },
    stop: (final) => ux.action.stop(final),
  }
}

export interface RolloutProgress {
  /** Whether the spinner shows a count of the new revision's pods (the wait must then ask for it: countNewPods). */
  readonly countsNewPods: boolean
  /** One observation of a rollout; `workload` tells apart several awaited at once. */
  update(status: RolloutStatus, workload?: string): void
  stop(final: string): void
}

/**
 * Progress of rollout waits on stderr. On a terminal, a spinner counting each new revision's ready pods. Elsewhere
 * (CI logs), kubectl rollout status's own lines, one per change of a workload's state rather than one per poll; the
 * final "successfully rolled out" is left to the caller's result. Nothing with --json.
 */
export function rolloutProgress(action: string, options: {json: boolean}): RolloutProgress {
  if (options.json) return {countsNewPods: false, update() {}, stop() {}}
  if (onTerminal()) {
    const last = new Map<string, string>()
    // Started by the first status, so that lines printed before the wait are not covered by it.
    let spinner: Progress | undefined
    return {
      countsNewPods: true,
      update(status, workload = '') {
        last.set(workload, `${status.ready}/${status.desired} new pods ready`)
        spinner ??= startProgress(action, options)
        spinner.update(last.size === 1 ? last.get(workload)! : [...last].map(([name, count]) => `${name}: ${count}`).join(', '))
      },
      stop: (final) => spinner?.stop(final),
    }
  }
  return {countsNewPods: false, update: rolloutLines(), stop() {}}
}

/** kubectl rollout status's lines on stderr, one per change of a workload's state; not the final success. */
export function rolloutLines(): (status: RolloutStatus, workload?: string) => void {
  const last = new Map<string, string>()
  return (status, workload = '') => {
    if (status.done || last.get(workload) === status.message) return
    last.set(workload, status.message)
    // kubectl names the workload in every line but "Waiting for … spec update to be observed...".
    const named = workload === '' || status.message.includes('"') ? status.message : `${status.message} (${workload})`
    process.stderr.write(`${named}\n`)
  }
}

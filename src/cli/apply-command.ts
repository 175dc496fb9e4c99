import type {ApplyResult} from '../kube/apply.js'
import {applyWorkloadPatch} from '../kube/apply.js'
import {connectKube} from '../kube/client.js'
import {parseWorkloadRef} from '../kube/workload.js'
import {rolloutProgress} from './progress.js'

export interface ApplyFlagValues {
  apply?: string
  timeout: number
  wait: boolean
  kubeconfig?: string
  context?: string
  namespace?: string
}

/** What a command needs to report progress: VsiCommand provides all three. */
export interface ApplyReporter {
  jsonEnabled(): boolean
  log(message?: string): void
  warn(message: string): unknown
}

/** Runs `--apply` for a command that has built `patch`; prints kubectl-like lines unless --json. */
export async function applyFromFlags(command: ApplyReporter, flags: ApplyFlagValues & {apply: string}, patch: object): Promise<ApplyResult> {
  const ref = parseWorkloadRef(flags.apply)
  const kube = await connectKube(flags)
  const json = command.jsonEnabled()
  const kindName = `${ref.kind.toLowerCase()}.apps/${ref.name}`
  const progress = rolloutProgress(`Waiting for ${flags.apply} to roll out`, {json})
  try {
    const result = await applyWorkloadPatch(kube, ref, patch, {
      timeoutMs: flags.timeout,
      wait: flags.wait,
      warn: (message) => command.warn(message),
      // As kubectl: the patch is reported when made, before the wait's progress.
      onPatched: (changed) => {
        if (!json) command.log(changed ? `${kindName} patched` : `${kindName} unchanged: it already has this patch, nothing was written`)
      },
      countNewPods: progress.countsNewPods,
      onProgress: (status) => progress.update(status),
    })
    progress.stop(result.rollout ? `${result.rollout.ready}/${result.rollout.desired} new pods ready` : 'done')
    if (!json && result.rollout) command.log(`${result.rollout.message} (${result.rollout.ready}/${result.rollout.desired} pods ready, ${result.rollout.seconds}s)`)
    return result
  } catch (error) {
    progress.stop('failed')
    throw error
  }
}

import type {V1Pod} from '@kubernetes/client-node'

import type {KubeClient} from '../kube/client.js'
import type {CauseContext, Diagnosis} from './causes.js'
import {diagnose, lastAgentError, oneLine} from './causes.js'

/** Enough of a log to hold the agent's last error with its continuation lines. */
const LOG_LINES = 200

/** What a Vault Agent container's log says went wrong, and the cause behind it when vsi knows it. */
export interface AgentError {
  /** The last [ERROR] entry on one line. */
  error: string
  diagnosis?: Diagnosis
}

/**
 * The one reading of a vault-agent(-init) container's log, for verify and doctor: the last error of its current run,
 * else of its previous one (a restarted agent may not have failed yet), mapped to its cause. Undefined when the log
 * shows no error or cannot be read (forbidden, no such run): the container state alone must do then.
 */
export async function readAgentError(kube: KubeClient, pod: V1Pod, container: string, causes: CauseContext): Promise<AgentError | undefined> {
  for (const previous of [false, true]) {
    let entry: string | undefined
    try {
      entry = lastAgentError(await kube.podLogs(pod.metadata?.name ?? '', {namespace: causes.namespace, container, tailLines: LOG_LINES, previous}))
    } catch {
      continue
    }
    if (entry) return {error: oneLine(entry), diagnosis: diagnose(entry, causes)}
  }
  return undefined
}

import {Flags} from '@oclif/core'

import {usageError} from '../errors.js'
import {kubeFlags} from '../flags.js'

const UNIT_MS: Record<string, number> = {ms: 1, s: 1000, m: 60_000, h: 3_600_000}

/** Milliseconds for a kubectl-style --timeout: a Go duration (`5m`, `1m30s`, `500ms`) or plain seconds. */
export function parseTimeout(text: string, flag = 'timeout'): number {
  const value = text.trim()
  let ms: number | undefined
  if (/^\d+(\.\d+)?$/.test(value)) ms = Number(value) * 1000
  else if (/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(value)) {
    ms = 0
    for (const match of value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) ms += Number(match[1]) * UNIT_MS[match[2]]
  }
  if (ms === undefined || ms <= 0) throw usageError(`--${flag} ${JSON.stringify(text)}: expected a duration such as 90s, 5m or 1m30s`)
  return Math.round(ms)
}

export const timeoutFlag = (description: string, defaultValue: string) =>
  Flags.custom<number>({
    description,
    default: async () => parseTimeout(defaultValue),
    defaultHelp: async () => defaultValue,
    parse: async (input) => parseTimeout(input),
  })()

/** The flags `vsi patch` gains for applying its patch to a live workload. */
export const applyFlags = {
  apply: Flags.string({
    exclusive: ['filename'],
    description: 'Apply the patch to this workload (deployment/NAME, statefulset/NAME or daemonset/NAME) as `kubectl patch` does, then wait for the rollout.',
    helpValue: 'WORKLOAD',
    helpGroup: 'APPLY',
  }),
  timeout: timeoutFlag('With --apply: how long to wait for the rollout (e.g. 90s, 5m).', '5m'),
  wait: Flags.boolean({
    description: 'With --apply: wait until the rollout is complete (--no-wait returns once the patch is written).',
    default: true,
    allowNo: true,
    helpGroup: 'APPLY',
  }),
  ...kubeFlags,
}


/** The checks vsi makes on a pod's injector annotations, as vault-k8s reads them: one list of rules. */
import {agentRunsAsRoot, apiServerRefuses, injectorRefuses, telemetryDropped} from './admission.js'
import {annotationsTooLarge, invalidKey, unknownAnnotation} from './keys.js'
import {blankSecret, filePathEscapes, orphanSecretOption, secretNameCollision, templateWithoutSecret} from './secrets.js'
import {kv2DataPath, templatePathMismatch, templateSyntax} from './templates.js'
import type {AnnotationEntry, Finding, PodSpecShape, PodTarget, Rule} from './types.js'
import {invalidValue, nonStringValue} from './values.js'
import {
  annotationsOnWorkload,
  injectedStatus,
  injectionNotEnabled,
  jobNeedsPrePopulateOnly,
  missingRole,
  unknownContainer,
} from './workload.js'

/** Every rule; each reports under one or more of RULE_IDS (invalidValue reports invalid-value and runtime-invalid-value). */
export const RULES: readonly Rule[] = [
  unknownAnnotation,
  invalidKey,
  annotationsTooLarge,
  nonStringValue,
  invalidValue,
  secretNameCollision,
  filePathEscapes,
  orphanSecretOption,
  blankSecret,
  templateWithoutSecret,
  annotationsOnWorkload,
  injectedStatus,
  jobNeedsPrePopulateOnly,
  injectionNotEnabled,
  missingRole,
  unknownContainer,
  templateSyntax,
  templatePathMismatch,
  kv2DataPath,
  injectorRefuses,
  apiServerRefuses,
  agentRunsAsRoot,
  telemetryDropped,
]

export function lintTarget(target: PodTarget): Finding[] {
  return RULES.flatMap((rule) => rule(target))
}

/** A live object's annotations (from the API, so all strings) and what surrounds them. */
export interface LiveAnnotations {
  kind?: string
  annotations: Readonly<Record<string, string>>
  workloadAnnotations?: Readonly<Record<string, string>>
  podSpec?: PodSpecShape
}

/** The API gives no file positions: findings about a live object are located by their key alone. */
const NOWHERE = {line: 0, col: 0}

const liveEntries = (annotations: Readonly<Record<string, string>> = {}): AnnotationEntry[] =>
  Object.entries(annotations).map(([key, value]) => ({key, value, keyAt: NOWHERE, valueAt: NOWHERE, positionInValue: () => undefined}))

/** Every rule over the annotations of a pod or workload read from the cluster (for `vsi doctor`); no positions. */
export function lintLiveAnnotations(live: LiveAnnotations): Array<Omit<Finding, 'at'>> {
  const target: PodTarget = {
    annotations: liveEntries(live.annotations),
    workloadAnnotations: liveEntries(live.workloadAnnotations),
    anchor: NOWHERE,
    ...(live.kind === undefined ? {} : {kind: live.kind}),
    ...(live.podSpec ? {podSpec: live.podSpec} : {}),
  }
  return lintTarget(target).map(({at: _at, ...finding}) => finding)
}

export type {Finding, RuleId} from './types.js'
export {RULE_IDS} from './types.js'

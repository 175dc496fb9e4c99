/** Lints the Vault Agent Injector annotations of the pod templates in YAML text. Pure: files are read by the caller. */
import {LineCounter, parseAllDocuments} from 'yaml'

import {agentRunsAsRoot, apiServerRefuses, injectorRefuses, telemetryDropped} from './rules/admission.js'
import {annotationsTooLarge, invalidKey, unknownAnnotation} from './rules/keys.js'
import {blankSecret, filePathEscapes, orphanSecretOption, secretNameCollision, templateWithoutSecret} from './rules/secrets.js'
import {kv2DataPath, templatePathMismatch, templateSyntax} from './rules/templates.js'
import {invalidValue, nonStringValue} from './rules/values.js'
import {
  annotationsOnWorkload,
  injectedStatus,
  injectionNotEnabled,
  jobNeedsPrePopulateOnly,
  missingRole,
  unknownContainer,
} from './rules/workload.js'
import type {AnnotationEntry, Finding, LintProblem, LintResult, PodSpecShape, PodTarget, Rule} from './types.js'
import {podTargets} from './yaml-targets.js'

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

/** The YAML itself is broken: no rule can run (exit code 2 for `vsi lint`). */
export class YamlSyntaxError extends Error {
  override readonly name = 'YamlSyntaxError'
  constructor(
    readonly file: string,
    readonly line: number,
    readonly col: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}:${col}: invalid YAML: ${reason}`)
  }
}

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

/** Every problem in one YAML file (all its documents), in file order. Throws YamlSyntaxError. */
export function lintYaml(text: string, file: string): LintProblem[] {
  const lineCounter = new LineCounter()
  // YAML 1.1, as kubectl reads manifests: unquoted yes/no/on/off are booleans there, and 0600 is a number.
  const documents = parseAllDocuments(text, {lineCounter, version: '1.1'})
  for (const document of documents) {
    const [error] = document.errors
    if (error) {
      const {line, col} = lineCounter.linePos(error.pos[0])
      throw new YamlSyntaxError(file, line, col, error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''))
    }
  }
  return documents
    .flatMap((document) => podTargets(document, {text, lineCounter}))
    .flatMap(lintTarget)
    .map(({at, ...finding}) => ({file, line: at.line, col: at.col, ...finding}))
    .sort((a, b) => a.line - b.line || a.col - b.col)
}

export function summarize(files: string[], problems: LintProblem[]): LintResult {
  const errorCount = problems.filter((problem) => problem.severity === 'error').length
  return {files, problems, errorCount, warningCount: problems.length - errorCount}
}

export type {Finding, InjectorBehaviour, LintProblem, LintResult, PodSpecShape, RuleId, Severity} from './types.js'
export {RULE_IDS} from './types.js'

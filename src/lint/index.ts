/** Lints the Vault Agent Injector annotations of the pod templates in YAML text. Pure: files are read by the caller. */
import {LineCounter, parseAllDocuments} from 'yaml'

import {lintTarget} from '../annotations/rules/index.js'
import type {LintProblem, LintResult} from '../annotations/rules/types.js'
import {podTargets} from './yaml-targets.js'

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

export {lintLiveAnnotations} from '../annotations/rules/index.js'
export type {Finding, InjectorBehaviour, LintProblem, LintResult, PodSpecShape, RuleId, Severity} from '../annotations/rules/types.js'
export {RULE_IDS} from '../annotations/rules/types.js'

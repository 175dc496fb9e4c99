import type {Finding, RuleId} from '../../annotations/rules/index.js'
import {lintLiveAnnotations, RULE_IDS} from '../../annotations/rules/index.js'
import {ANNOTATION_PREFIX} from '../../annotations/catalog.js'
import {linkChecks} from '../check.js'
import type {DoctorContext} from '../context.js'
import type {DoctorCheck} from '../types.js'

const on = linkChecks('annotations')

type LintFinding = Omit<Finding, 'at'>

/** Every `vsi lint` rule over the pod's annotations, one check per rule that found something. */
function lintChecks(ctx: DoctorContext): DoctorCheck[] {
  const {subject} = ctx
  let findings: LintFinding[] = lintLiveAnnotations({
    kind: subject.kind,
    annotations: subject.podMetadata.annotations ?? {},
    workloadAnnotations: subject.objectAnnotations,
    ...(subject.podSpec ? {podSpec: subject.podSpec} : {}),
  })
  // A running pod carries agent-inject-status: injected because it was injected; only a template must not.
  if (subject.running && 'pod' in subject.running) findings = findings.filter((f) => f.rule !== 'injected-status')
  const byRule = new Map<RuleId, LintFinding[]>()
  for (const finding of findings) byRule.set(finding.rule, [...(byRule.get(finding.rule) ?? []), finding])
  if (byRule.size === 0) return [on.pass('annotations-lint', `no findings from the ${RULE_IDS.length} vsi lint rules`)]
  return [...byRule].map(([rule, found]) => {
    const [first] = found
    const reason = found.length === 1 ? first.message : `${first.message} (and ${found.length - 1} more like it)`
    const problem = found.some((f) => f.severity === 'error') ? on.fail : on.warn
    return problem('annotations-lint', rule === 'annotations-on-workload' ? 'annotations-misplaced' : 'annotation-invalid', reason, first.hint, rule)
  })
}

/** The switch itself: without agent-inject "true" on the pod, nothing else matters. Lint explains why when it can. */
function injectCheck(ctx: DoctorContext, lint: DoctorCheck[]): DoctorCheck | undefined {
  const where = ctx.subject.kind === 'Pod' ? 'the pod' : 'the pod template'
  const count = Object.keys(ctx.subject.podMetadata.annotations ?? {}).filter((key) => key.startsWith(ANNOTATION_PREFIX)).length
  if (ctx.spec.inject) return on.pass('annotations-inject', `agent-inject is "true" on ${where} (${count} vault.hashicorp.com annotations)`)
  if (lint.some((check) => check.status === 'fail')) return undefined
  return on.fail(
    'annotations-inject',
    'annotation-invalid',
    `${ANNOTATION_PREFIX}agent-inject is not "true" on ${where}: the injector leaves the pod alone`,
    `Set ${ANNOTATION_PREFIX}agent-inject: "true" on ${where} (vsi patch writes the annotations).`,
  )
}

/** Link 1: the annotations pass every lint rule, sit on the pod template, and switch injection on. */
export function annotationChecks(ctx: DoctorContext): DoctorCheck[] {
  const lint = lintChecks(ctx)
  const inject = injectCheck(ctx, lint)
  return inject ? [inject, ...lint] : lint
}

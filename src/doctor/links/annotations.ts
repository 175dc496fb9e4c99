import {ANNOTATION_PREFIX} from '../../kube/pod-state.js'
import type {DoctorCheck} from '../types.js'
import {linkChecks} from '../check.js'
import type {DoctorContext} from '../context.js'

const on = linkChecks('annotations')

const vaultKeys = (annotations: Record<string, string> | undefined) => Object.keys(annotations ?? {}).filter((key) => key.startsWith(ANNOTATION_PREFIX))

/** Where the annotations sit: the injector reads only the pod's (the pod template's, for a controller). */
function locationCheck(ctx: DoctorContext): DoctorCheck {
  const {subject, spec} = ctx
  const onTemplate = vaultKeys(subject.podMetadata.annotations)
  const onObject = vaultKeys(subject.objectAnnotations)
  const kind = subject.kind ?? 'object'
  const where = subject.kind === 'Pod' ? 'the pod' : 'the pod template (spec.template.metadata.annotations)'
  if (onObject.length > 0 && !spec.inject) {
    return on.fail(
      'annotations-location',
      'annotations-misplaced',
      `the vault.hashicorp.com annotations (${onObject.length}) are on the ${kind}'s own metadata, which the injector never reads: pods get no agent`,
      `Move them to spec.template.metadata.annotations (vsi patch writes them there), then roll out the ${kind}.`,
    )
  }
  if (!spec.inject) {
    return on.fail(
      'annotations-location',
      'annotation-invalid',
      `${ANNOTATION_PREFIX}agent-inject is not "true" on ${where}: the injector leaves the pod alone`,
      `Set ${ANNOTATION_PREFIX}agent-inject: "true" on ${where}.`,
    )
  }
  if (onObject.length > 0) {
    return on.warn(
      'annotations-location',
      'annotations-misplaced',
      `${onObject.length} vault.hashicorp.com annotations are also on the ${kind}'s own metadata, where they have no effect`,
      `Remove them there (or move them to ${where}) so that nobody edits the wrong copy.`,
    )
  }
  return on.pass('annotations-location', `${onTemplate.length} vault.hashicorp.com annotations on ${where}`)
}

const RUN_TO_COMPLETION = ['Job', 'CronJob']

/** A Job's pod ends when its containers do: a vault-agent sidecar never does (vault-k8s #120). */
function workloadCheck(ctx: DoctorContext): DoctorCheck | undefined {
  const {kind} = ctx.subject
  if (!kind || !RUN_TO_COMPLETION.includes(kind) || !ctx.spec.inject) return undefined
  if (ctx.spec.prePopulateOnly) return on.pass('annotations-workload', `${kind}: agent-pre-populate-only, so no sidecar keeps the pod running`)
  return on.fail(
    'annotations-workload',
    'annotation-invalid',
    `a ${kind}'s pod gets a vault-agent sidecar that keeps running after the job's container exits: the ${kind} never completes`,
    `Set ${ANNOTATION_PREFIX}agent-pre-populate-only: "true" (the init container writes the secrets once, and no sidecar is added).`,
  )
}

/** Link 1: the annotations are where the injector reads them, and fit the workload. */
export function annotationChecks(ctx: DoctorContext): DoctorCheck[] {
  const workload = workloadCheck(ctx)
  return workload ? [locationCheck(ctx), workload] : [locationCheck(ctx)]
}

import type {V1ServiceAccount, V1ServiceAccountTokenProjection} from '@kubernetes/client-node'

import {ANNOTATION_PREFIX} from '../../annotations/catalog.js'
import type {Fact} from '../check.js'
import {isUnavailable, linkChecks} from '../check.js'
import type {DoctorContext} from '../context.js'
import {forbiddenReason} from '../injector-facts.js'
import type {DoctorCheck} from '../types.js'

const on = linkChecks('service-account')

export const UNKNOWN_ACCOUNT = 'the file has no pod spec (a patch): the service account the pods run as is unknown'

/** The projected token named by agent-service-account-token-volume-name, if the pod has such a volume. */
export function projectedToken(ctx: DoctorContext): V1ServiceAccountTokenProjection | undefined {
  const volume = ctx.subject.podSpec?.volumes?.find((v) => v.name === ctx.spec.tokenVolumeName)
  return volume?.projected?.sources?.find((source) => source.serviceAccountToken)?.serviceAccountToken
}

function tokenCheck(ctx: DoctorContext, account: V1ServiceAccount | undefined): DoctorCheck {
  const {spec, subject} = ctx
  const volumeKey = `${ANNOTATION_PREFIX}agent-service-account-token-volume-name`
  if (spec.tokenVolumeName) {
    const projected = projectedToken(ctx)
    if (!projected) {
      return on.fail(
        'service-account-token',
        'token-not-mounted',
        `${volumeKey} names volume "${spec.tokenVolumeName}", which is not a projected volume with a serviceAccountToken source in the pod`,
        `Add the volume (projected: sources: [serviceAccountToken: {path: token, audience: …}]) or fix the annotation.`,
      )
    }
    return on.pass('service-account-token', `projected token volume ${spec.tokenVolumeName} (path ${projected.path}${projected.audience ? `, audience ${projected.audience}` : ''})`)
  }
  const podSetting = subject.podSpec?.automountServiceAccountToken
  const accountSetting = account?.automountServiceAccountToken
  const automount = podSetting ?? accountSetting ?? true
  if (!automount) {
    const where = podSetting === false ? 'the pod spec' : `service account ${spec.serviceAccount}`
    return on.fail(
      'service-account-token',
      'token-not-mounted',
      `automountServiceAccountToken is false on ${where}: the agent has no token to log in to Vault with`,
      `Set it to true for this pod, or mount a projected service account token and name its volume in ${volumeKey}.`,
    )
  }
  return on.pass('service-account-token', `the token of ${spec.serviceAccount} is mounted (automountServiceAccountToken is not false)`)
}

async function findAccount(ctx: DoctorContext): Promise<Fact<V1ServiceAccount | undefined>> {
  if (isUnavailable(ctx.kube)) return ctx.kube
  try {
    return await ctx.kube.findServiceAccount(ctx.spec.serviceAccount, ctx.subject.namespace)
  } catch (error) {
    const reason = forbiddenReason(error)
    if (reason) return {unavailable: reason}
    throw error
  }
}

/** Link 3: the pod's service account exists and its token reaches the agent. */
export async function serviceAccountChecks(ctx: DoctorContext): Promise<{checks: DoctorCheck[]; exists?: boolean}> {
  const {serviceAccount} = ctx.spec
  const namespace = ctx.subject.namespace
  if (!ctx.spec.serviceAccountKnown) return {checks: [on.skip('service-account', UNKNOWN_ACCOUNT)]}
  const account = await findAccount(ctx)
  if (isUnavailable(account)) return {checks: [on.skip('service-account-exists', account.unavailable), tokenCheck(ctx, undefined)]}
  if (!account) {
    const check = on.fail(
      'service-account-exists',
      'service-account-missing',
      `service account ${namespace}/${serviceAccount} does not exist: the pods cannot be created`,
      `Create it: kubectl create serviceaccount ${serviceAccount} -n ${namespace} (vsi setup --app ${serviceAccount} does it with the role).`,
    )
    return {checks: [check, tokenCheck(ctx, undefined)], exists: false}
  }
  return {checks: [on.pass('service-account-exists', `${namespace}/${serviceAccount}`), tokenCheck(ctx, account)], exists: true}
}

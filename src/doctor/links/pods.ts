import type {V1Pod} from '@kubernetes/client-node'

import type {CauseContext} from '../../agent/causes.js'
import {readAgentError} from '../../agent/agent-log.js'
import {AGENT_CONTAINER, AGENT_INIT_CONTAINER, injectionSpec} from '../../annotations/injection.js'
import type {KubeClient} from '../../kube/client.js'
import {containerStatus, describeContainerState, initCompleted, isTerminating} from '../../kube/pod-state.js'
import {recreateCommand} from '../../kube/workload.js'
import {isUnavailable, linkChecks} from '../check.js'
import type {DoctorContext} from '../context.js'
import {forbiddenReason} from '../injector-facts.js'
import {selectorMatches} from '../match.js'
import type {DoctorCheck} from '../types.js'

const on = linkChecks('pods')

/** Enough to see a pattern across replicas without reading every pod's logs. */
const MAX_PODS = 5

const created = (pod: V1Pod) => new Date(pod.metadata?.creationTimestamp ?? 0).getTime()

/** When the injector last became ready: pods created before it were admitted without it (failurePolicy Ignore). */
async function injectorReadySince(ctx: DoctorContext, kube: KubeClient): Promise<Date | undefined> {
  if (isUnavailable(ctx.injector) || !ctx.injector.service?.spec?.selector || !ctx.injector.serviceRef) return undefined
  const selector = ctx.injector.service.spec.selector
  const pods = await kube.listPods({namespace: ctx.injector.serviceRef.namespace}).catch(() => [])
  const times = pods
    .filter((pod) => selectorMatches({matchLabels: selector}, pod.metadata?.labels))
    .map((pod) => pod.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True')?.lastTransitionTime)
    .filter((time) => time !== undefined)
    .map((time) => new Date(time))
  return times.length === 0 ? undefined : new Date(Math.min(...times.map((t) => t.getTime())))
}

function injectedCheck(pod: V1Pod, ctx: DoctorContext, readySince: Date | undefined): DoctorCheck {
  const name = pod.metadata?.name ?? ''
  const ns = ctx.subject.namespace
  const injection = injectionSpec(pod.metadata ?? {}, pod.spec)
  if (injection.alreadyInjected && injection.agentContainers.length > 0) return on.pass('pod-injected', `${name}: injected (${injection.agentContainers.join(', ')})`, name)
  const restart = recreateCommand(pod, ns)
  if (!injection.inject) {
    const why = ctx.spec.inject ? 'it was created from an older pod template, before the annotations were added' : 'its pod template is not annotated for injection'
    return on.fail('pod-injected', 'not-injected', `${name} is not annotated for injection: ${why}`, ctx.spec.inject ? `Roll out the new template: ${restart}` : 'Fix the annotations (see above), then recreate the pods.', name)
  }
  const injectorDown = !isUnavailable(ctx.injector) && (ctx.injector.readyEndpoints === 0 || !ctx.injector.webhook)
  let why = 'the injector was not ready (or not reachable) when it was created'
  if (injectorDown) why = 'the injector is not ready now (see the injector checks)'
  else if (readySince && created(pod) <= readySince.getTime()) {
    // Timestamps have whole seconds: the same second means "while the injector was coming up".
    const at = new Date(created(pod)).toISOString()
    why = created(pod) < readySince.getTime() ? `it was created at ${at}, before the injector became ready at ${readySince.toISOString()}` : `it was created at ${at}, while the injector was becoming ready`
  }
  return on.fail(
    'pod-injected',
    'not-injected',
    `${name} is annotated but has no vault-agent: ${why}; with failurePolicy Ignore the API server let it start without secrets`,
    injectorDown ? `Fix the injector, then run \`${restart}\`.` : `Recreate the pods now that the injector is ready: ${restart}`,
    name,
  )
}

async function agentCheck(pod: V1Pod, ctx: DoctorContext, kube: KubeClient): Promise<DoctorCheck | undefined> {
  const name = pod.metadata?.name ?? ''
  const ns = ctx.subject.namespace
  const {agentContainers} = injectionSpec(pod.metadata ?? {}, pod.spec)
  const hasInit = agentContainers.includes(AGENT_INIT_CONTAINER)
  const hasSidecar = agentContainers.includes(AGENT_CONTAINER)
  let container: string | undefined
  let state: string | undefined
  if (hasInit && !initCompleted(pod, AGENT_INIT_CONTAINER)) [container, state] = [AGENT_INIT_CONTAINER, describeContainerState(containerStatus(pod, AGENT_INIT_CONTAINER, true))]
  else if (hasSidecar && !containerStatus(pod, AGENT_CONTAINER)?.state?.running) [container, state] = [AGENT_CONTAINER, describeContainerState(containerStatus(pod, AGENT_CONTAINER))]
  if (!container) return on.pass('pod-agent', `${name}: ${hasInit ? `${AGENT_INIT_CONTAINER} completed` : ''}${hasInit && hasSidecar ? ', ' : ''}${hasSidecar ? `${AGENT_CONTAINER} running` : ''}`, name)

  const causeContext: CauseContext = {role: ctx.spec.role, authMount: ctx.spec.authMount, serviceAccount: pod.spec?.serviceAccountName ?? ctx.spec.serviceAccount, namespace: ns}
  const found = await readAgentError(kube, pod, container, causeContext)
  const diagnosis = found?.diagnosis
  const logs = `kubectl logs ${name} -c ${container} -n ${ns}`
  if (!found) {
    return on.fail('pod-agent', 'agent-failed', `${name}: ${container} has not finished (${state}); its log shows no error yet`, `Watch it: ${logs}`, name)
  }
  return on.fail(
    'pod-agent',
    diagnosis?.class ?? 'agent-failed',
    `${name}: ${container} ${state}; last error: ${found.error}${diagnosis ? ` → ${diagnosis.reason}` : ''}`,
    diagnosis ? `${diagnosis.hint} Then recreate the pod (${recreateCommand(pod, ns)}).` : `Read the whole log: ${logs}`,
    name,
  )
}

async function listPods(ctx: DoctorContext, kube: KubeClient): Promise<V1Pod[]> {
  const running = ctx.subject.running!
  if ('pod' in running) return [await kube.getPod(running.pod.metadata?.name ?? '', ctx.subject.namespace)]
  return kube.listPods({namespace: ctx.subject.namespace, labelSelector: running.selector})
}

/** Link 8: the pods that run now: injected or not (and why), and how their agent is doing. */
export async function podChecks(ctx: DoctorContext): Promise<DoctorCheck[]> {
  if (ctx.subject.fromFile) return [on.skip('pods', 'the target is a file: no running pods to look at (run doctor on the workload once it is deployed)')]
  if (isUnavailable(ctx.kube)) return [on.skip('pods', ctx.kube.unavailable)]
  const kube = ctx.kube
  let pods: V1Pod[]
  try {
    pods = (await listPods(ctx, kube)).filter((pod) => !isTerminating(pod))
  } catch (error) {
    const reason = forbiddenReason(error)
    if (reason) return [on.skip('pods', reason)]
    throw error
  }
  if (pods.length === 0) return [on.skip('pods', `no pods of ${ctx.subject.target} are running`)]
  const newest = pods.sort((a, b) => created(b) - created(a) || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '')).slice(0, MAX_PODS)
  const readySince = newest.some((pod) => !injectionSpec(pod.metadata ?? {}, pod.spec).alreadyInjected) ? await injectorReadySince(ctx, kube) : undefined
  const perPod = await Promise.all(
    newest.map(async (pod) => {
      const injected = injectedCheck(pod, ctx, readySince)
      const agent = injected.status === 'pass' ? await agentCheck(pod, ctx, kube) : undefined
      return agent ? [injected, agent] : [injected]
    }),
  )
  return perPod.flat()
}

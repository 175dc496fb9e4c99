import type {V1Pod} from '@kubernetes/client-node'

import type {AgentError} from '../agent/agent-log.js'
import {readAgentError} from '../agent/agent-log.js'
import type {InjectionSpec} from '../annotations/injection.js'
import {AGENT_CONTAINER, AGENT_INIT_CONTAINER, injectionSpec} from '../annotations/injection.js'
import type {RenderedFile} from '../annotations/secrets.js'
import {VsiError} from '../errors.js'
import type {KubeClient} from '../kube/client.js'
import {containerStatus, describeContainerState, initCompleted, isPodReady, notReadyReason} from '../kube/pod-state.js'
import {recreateCommand} from '../kube/workload.js'
import {describeSummary, summarize} from './content.js'
import type {Expectation} from './expectations.js'
import {unmetReason} from './expectations.js'
import {fileMatches} from './rendered-files.js'
import type {SecretKeys} from './secret-keys.js'
import type {Check, CheckFailure, FailureClass, PodReport} from './types.js'

export interface CheckContext {
  kube: KubeClient
  namespace: string
  /** -c: the container to read files in; default the first container that is not vault-agent. */
  container?: string
  expectations: Expectation[]
  showSecrets: boolean
  /** Epoch ms when --timeout runs out: no exec is started or waited for past it. */
  deadline: number
  /** The keys of a secret in Vault, when Vault can be asked: --expect-keys then reads Go's map output by them. */
  secretKeys?: SecretKeys
}

const MAX_EXEC_MS = 30_000

const fail = (failureClass: FailureClass, reason: string, hint: string): CheckFailure => ({class: failureClass, reason, hint})

/** What the agent container's log says went wrong and why (the reading doctor does too), within --timeout. */
function agentError(ctx: CheckContext, pod: V1Pod, spec: InjectionSpec, container: string): Promise<AgentError | undefined> {
  const {role, authMount, serviceAccount} = spec
  const kube = ctx.kube.withSignal(AbortSignal.timeout(Math.max(ctx.deadline - Date.now(), 1)))
  return readAgentError(kube, pod, container, {role, authMount, serviceAccount, namespace: ctx.namespace})
}

function appContainer(pod: V1Pod, requested: string | undefined): string | undefined {
  const names = (pod.spec?.containers ?? []).map((c) => c.name)
  if (requested !== undefined) return names.includes(requested) ? requested : undefined
  return names.find((name) => name !== AGENT_CONTAINER)
}

/** The pod-level checks: injected, vault-agent-init completed, vault-agent running, every container ready. */
async function podChecks(pod: V1Pod, spec: InjectionSpec, ctx: CheckContext): Promise<{checks: Check[]; injected: boolean}> {
  const name = pod.metadata?.name ?? ''
  const ns = ctx.namespace
  const checks: Check[] = []
  const containerNames = (pod.spec?.containers ?? []).map((c) => c.name)
  const injected = spec.alreadyInjected && spec.agentContainers.length > 0

  if (!spec.inject) {
    checks.push({
      check: 'injected',
      status: 'fail',
      failure: fail(
        'not-injected',
        'pod is not annotated for injection (vault.hashicorp.com/agent-inject is not "true" on its template)',
        'Annotate the pod template: `vsi patch … --apply <workload>`, then verify again.',
      ),
    })
  } else if (!injected) {
    checks.push({
      check: 'injected',
      status: 'fail',
      failure: fail(
        'not-injected',
        'pod started without vault-agent: the injector webhook was not ready (or not reachable) when the pod was created',
        `Once the injector is ready (kubectl rollout status deployment/vault-agent-injector), run \`${recreateCommand(pod, ns)}\`.`,
      ),
    })
  } else {
    checks.push({check: 'injected', status: 'pass', detail: `agent-inject-status: injected (${spec.agentContainers.join(', ')})`})
  }

  let agentsOk = true
  if (injected && spec.agentContainers.includes(AGENT_INIT_CONTAINER)) {
    if (initCompleted(pod, AGENT_INIT_CONTAINER)) {
      checks.push({check: 'agent-init', status: 'pass', detail: `${AGENT_INIT_CONTAINER} completed`})
    } else {
      agentsOk = false
      const state = describeContainerState(containerStatus(pod, AGENT_INIT_CONTAINER, true))
      const found = await agentError(ctx, pod, spec, AGENT_INIT_CONTAINER)
      const cause = found?.diagnosis
      checks.push({
        check: 'agent-init',
        status: 'fail',
        detail: found?.error,
        failure: fail(
          'not-ready',
          `${AGENT_INIT_CONTAINER} has not completed (${state})${found ? `: ${found.error}` : ''}${cause ? ` → ${cause.reason}` : ''}`,
          cause
            ? `${cause.hint} Then recreate the pod (${recreateCommand(pod, ns)}).`
            : `It cannot log in to Vault or read a secret: see \`kubectl logs ${name} -c ${AGENT_INIT_CONTAINER} -n ${ns}\`; check the Vault role's bound service account and namespace, and that its policy can read the secret paths.`,
        ),
      })
    }
  }
  if (injected && spec.sidecar) {
    const status = containerStatus(pod, AGENT_CONTAINER)
    if (status?.state?.running) {
      checks.push({check: 'agent', status: 'pass', detail: `${AGENT_CONTAINER} running`})
    } else if (agentsOk) {
      agentsOk = false
      checks.push({
        check: 'agent',
        status: 'fail',
        failure: fail(
          'not-ready',
          `${AGENT_CONTAINER} is not running (${describeContainerState(status)})`,
          `See \`kubectl logs ${name} -c ${AGENT_CONTAINER} -n ${ns}\` and \`kubectl describe pod ${name} -n ${ns}\`.`,
        ),
      })
    } else {
      checks.push({check: 'agent', status: 'skip', detail: `${AGENT_INIT_CONTAINER} has not completed`})
    }
  }

  const ready = isPodReady(pod)
  const readyContainers = (pod.status?.containerStatuses ?? []).filter((s) => s.ready).length
  if (ready) checks.push({check: 'ready', status: 'pass', detail: `${readyContainers}/${containerNames.length} containers ready`})
  else if (!agentsOk) checks.push({check: 'ready', status: 'skip', detail: 'vault-agent is not up (see above)'})
  else {
    checks.push({
      check: 'ready',
      status: 'fail',
      failure: fail('not-ready', `pod is not Ready: ${notReadyReason(pod)}`, `See \`kubectl describe pod ${name} -n ${ns}\`; raise --timeout if it is still starting.`),
    })
  }
  return {checks, injected}
}

function execFailure(error: unknown, pod: string, container: string, file: string): CheckFailure {
  if (error instanceof VsiError && error.code === 'timeout') {
    return fail('timeout', `reading ${file} did not finish before --timeout`, 'Raise --timeout, or lower --concurrency on a slow cluster.')
  }
  const message = error instanceof Error ? error.message : String(error)
  const hint = error instanceof VsiError && error.hint ? error.hint : `Try it by hand: kubectl exec ${pod} -c ${container} -- cat ${file}`
  return fail('exec-failed', message, hint)
}

/** Reads one rendered file in the app container and checks it, then each expectation that names it. */
async function fileChecks(pod: V1Pod, spec: InjectionSpec, file: RenderedFile, container: string, ctx: CheckContext): Promise<Check[]> {
  const name = pod.metadata?.name ?? ''
  const base = {file: file.path, secret: file.secret, container}
  const expectations = ctx.expectations.filter((e) => fileMatches(e.file, file))
  const skipExpectations = (why: string): Check[] =>
    expectations.map((e) => ({...base, check: 'expect' as const, status: 'skip' as const, expectation: e.description, detail: why}))

  const remaining = ctx.deadline - Date.now()
  if (remaining <= 0) {
    return [{...base, check: 'file', status: 'fail', failure: fail('timeout', `no time left to read ${file.path} (--timeout reached)`, 'Raise --timeout.')}, ...skipExpectations('not read')]
  }
  let result
  try {
    result = await ctx.kube.exec(name, ['cat', file.path], {namespace: ctx.namespace, container, timeoutMs: Math.min(remaining, MAX_EXEC_MS)})
  } catch (error) {
    return [{...base, check: 'file', status: 'fail', failure: execFailure(error, name, container, file.path)}, ...skipExpectations('not read')]
  }
  if (result.exitCode !== 0) {
    const stderr = result.stderr.toString('utf8').trim().split('\n')[0] ?? ''
    if (/no such file/i.test(stderr)) {
      const found = await agentError(ctx, pod, spec, AGENT_CONTAINER)
      const failure = fail(
        'file-missing',
        `${file.path} does not exist in container ${container}${found ? `; vault-agent says: ${found.error}` : ''}${found?.diagnosis ? ` → ${found.diagnosis.reason}` : ''}`,
        `vault-agent did not render it: see \`kubectl logs ${name} -c ${AGENT_CONTAINER} -n ${ctx.namespace}\`${file.vaultPath ? `; the role's policy must allow read on ${file.vaultPath}` : ''}.`,
      )
      return [{...base, check: 'file', status: 'fail', failure}, ...skipExpectations('file missing')]
    }
    const why = stderr || result.message || `exit code ${result.exitCode}`
    const hint = /executable file not found|not found in \$PATH/i.test(why)
      ? `Container ${container} has no \`cat\`: pass -c with a container that has one.`
      : `Try it by hand: kubectl exec ${name} -c ${container} -- cat ${file.path}`
    return [{...base, check: 'file', status: 'fail', failure: fail('exec-failed', `cat ${file.path} failed: ${why}`, hint)}, ...skipExpectations('not read')]
  }

  const content = result.stdout.toString('utf8')
  const summary = summarize(content, ctx.showSecrets)
  const detail = `${describeSummary(summary)}${result.truncated ? ' (truncated)' : ''}`
  if (content.trim() === '') {
    const failure = fail(
      'content-mismatch',
      `${file.path} is empty: the template rendered nothing`,
      `Check the secret has data (vault kv get ${file.vaultPath ?? '<path>'}) and the template in vault.hashicorp.com/agent-inject-template-${file.secret}.`,
    )
    return [{...base, check: 'file', status: 'fail', detail, content: summary, failure}, ...skipExpectations('file empty')]
  }
  const checks: Check[] = [{...base, check: 'file', status: 'pass', detail, content: summary}]
  const secretKeys = expectations.some((e) => e.kind === 'keys') && file.vaultPath ? await ctx.secretKeys?.(file.vaultPath) : undefined
  for (const expectation of expectations) {
    const unmet = unmetReason(expectation, content, secretKeys)
    checks.push({
      ...base,
      check: 'expect',
      expectation: expectation.description,
      status: unmet ? 'fail' : 'pass',
      ...(unmet
        ? {
            failure: fail(
              'content-mismatch',
              `${file.path}: ${unmet}`,
              `Compare with the secret in Vault${file.vaultPath ? ` (vault kv get ${file.vaultPath})` : ''} and the template in vault.hashicorp.com/agent-inject-template-${file.secret}.`,
            ),
          }
        : {}),
    })
  }
  return checks
}

/** Every check for one pod; never throws for a pod-level problem (that is a failed check). */
export async function checkPod(pod: V1Pod, ctx: CheckContext): Promise<PodReport> {
  const name = pod.metadata?.name ?? ''
  const spec = injectionSpec(pod.metadata ?? {}, pod.spec)
  const {checks, injected} = await podChecks(pod, spec, ctx)
  const files = spec.files
  const container = appContainer(pod, ctx.container)
  const running = container !== undefined && containerStatus(pod, container)?.state?.running !== undefined

  for (const file of files) {
    const base = {file: file.path, secret: file.secret}
    if (!injected) {
      checks.push({...base, check: 'file', status: 'skip', detail: 'pod is not injected'})
    } else if (container === undefined) {
      const names = (pod.spec?.containers ?? []).map((c) => c.name).join(', ')
      checks.push({
        ...base,
        check: 'file',
        status: 'fail',
        failure: fail('exec-failed', `container ${ctx.container} is not in pod ${name} (containers: ${names})`, `Pass -c with one of: ${names}.`),
      })
    } else if (!running) {
      checks.push({...base, container, check: 'file', status: 'skip', detail: `container ${container} is not running`})
    } else {
      checks.push(...(await fileChecks(pod, spec, file, container, ctx)))
    }
  }
  return {pod: name, ready: isPodReady(pod), injected, passed: checks.every((c) => c.status !== 'fail'), checks}
}

import type {V1Deployment, V1MutatingWebhook} from '@kubernetes/client-node'

import type {KubeClient} from '../../kube/client.js'
import {INJECTOR_WEBHOOK} from '../../kube/injector-webhook.js'
import {labelSelectorToString} from '../../kube/selector.js'
import {isUnavailable, linkChecks} from '../check.js'
import type {DoctorContext} from '../context.js'
import type {InjectorFacts} from '../injector-facts.js'
import {forbiddenReason} from '../injector-facts.js'
import {selectorMatches} from '../match.js'
import type {DoctorCheck} from '../types.js'

const on = linkChecks('injector')

/** The injector refuses annotated pods there (vault-k8s agent-inject/handler.go). */
const SYSTEM_NAMESPACES = ['kube-system', 'kube-public']

const INSTALL_HINT = 'Install it: helm install vault hashicorp/vault --set injector.enabled=true (with your other values), then recreate the pods.'

export function namespaceCheck(namespace: string): DoctorCheck {
  if (SYSTEM_NAMESPACES.includes(namespace)) {
    return on.fail(
      'injector-namespace',
      'system-namespace',
      `the injector refuses pods in ${namespace} ("cannot inject into system namespaces")`,
      'Run the workload in another namespace.',
    )
  }
  return on.pass('injector-namespace', `${namespace} is not a system namespace`)
}

function webhookCheck(facts: InjectorFacts): DoctorCheck {
  const {webhook, configuration} = facts
  if (!webhook) {
    return on.fail('injector-webhook', 'injector-missing', `no Vault Agent Injector: no MutatingWebhookConfiguration has the ${INJECTOR_WEBHOOK} webhook`, INSTALL_HINT)
  }
  if (!webhook.clientConfig.url && !webhook.clientConfig.caBundle) {
    return on.fail(
      'injector-webhook',
      'injector-not-ready',
      `${configuration} has no caBundle: the API server cannot call the injector yet`,
      'The injector writes its CA there when it starts (AGENT_INJECT_TLS_AUTO): check its logs (kubectl logs deployment/vault-agent-injector).',
    )
  }
  const createsPods = (webhook.rules ?? []).some((rule) => rule.operations?.some((op) => op === 'CREATE' || op === '*') && rule.resources?.some((r) => r === 'pods' || r === '*'))
  if (!createsPods) {
    return on.fail('injector-webhook', 'injector-not-ready', `${configuration}: webhook ${INJECTOR_WEBHOOK} has no rule for CREATE of pods`, INSTALL_HINT)
  }
  return on.pass('injector-webhook', `${configuration}: webhook ${INJECTOR_WEBHOOK}, caBundle set, failurePolicy ${webhook.failurePolicy ?? 'Fail'}`)
}

function serviceCheck(facts: InjectorFacts): DoctorCheck | undefined {
  const ref = facts.serviceRef
  if (!facts.webhook) return undefined
  if (!ref) return on.pass('injector-service', `webhook calls ${facts.webhook.clientConfig.url}`)
  const name = `${ref.namespace}/${ref.name}`
  const ignored = facts.webhook.failurePolicy === 'Ignore' ? '; with failurePolicy Ignore, pods are created without secrets and nothing reports it' : ''
  if (!facts.service) return on.fail('injector-service', 'injector-not-ready', `the webhook's service ${name} does not exist${ignored}`, INSTALL_HINT)
  if (facts.readyEndpoints === 0) {
    return on.fail(
      'injector-service',
      'injector-not-ready',
      `service ${name} has no ready endpoints: no injector pod can answer${ignored}`,
      `Check the injector pods: kubectl get pods -n ${ref.namespace} -l ${labelSelectorToString({matchLabels: facts.service.spec?.selector})}`,
    )
  }
  return on.pass('injector-service', `service ${name} has ${facts.readyEndpoints} ready endpoint${facts.readyEndpoints === 1 ? '' : 's'}`)
}

function available(deployment: V1Deployment): boolean {
  return deployment.status?.conditions?.some((c) => c.type === 'Available' && c.status === 'True') ?? (deployment.status?.availableReplicas ?? 0) > 0
}

function deploymentCheck(facts: InjectorFacts): DoctorCheck | undefined {
  if (!facts.service) return undefined
  const {deployment} = facts
  if (!deployment) return on.warn('injector-deployment', 'injector-not-ready', `no Deployment in ${facts.serviceRef?.namespace} runs the pods of service ${facts.serviceRef?.name}`, INSTALL_HINT)
  const name = `${deployment.metadata?.namespace}/${deployment.metadata?.name}`
  const ready = `${deployment.status?.availableReplicas ?? 0}/${deployment.spec?.replicas ?? 1} available`
  if (!available(deployment)) {
    return on.fail('injector-deployment', 'injector-not-ready', `the injector Deployment ${name} is not available (${ready})`, `See kubectl describe deployment ${deployment.metadata?.name} -n ${deployment.metadata?.namespace} and its pods' logs.`)
  }
  return on.pass('injector-deployment', `${name}: ${ready}`)
}

async function selectorCheck(webhook: V1MutatingWebhook, kube: KubeClient, ctx: DoctorContext): Promise<DoctorCheck> {
  const namespace = ctx.subject.namespace
  const podLabels = ctx.subject.podMetadata.labels ?? {}
  if (!selectorMatches(webhook.objectSelector, podLabels)) {
    return on.fail(
      'injector-selectors',
      'pod-not-selected',
      `the webhook's objectSelector (${labelSelectorToString(webhook.objectSelector)}) does not select this pod's labels: the injector never sees it`,
      'Change the pod labels, or the injector.webhook.objectSelector value of the Helm chart.',
    )
  }
  if (webhook.namespaceSelector && labelSelectorToString(webhook.namespaceSelector) !== '') {
    let labels: Record<string, string> | undefined
    try {
      labels = (await kube.findNamespace(namespace))?.metadata?.labels
    } catch (error) {
      const reason = forbiddenReason(error)
      if (reason) return on.skip('injector-selectors', `cannot read namespace ${namespace} to match the webhook's namespaceSelector: ${reason}`)
      throw error
    }
    // The API server labels every namespace with its name (Kubernetes 1.21+).
    if (!selectorMatches(webhook.namespaceSelector, {'kubernetes.io/metadata.name': namespace, ...labels})) {
      return on.fail(
        'injector-selectors',
        'pod-not-selected',
        `the webhook's namespaceSelector (${labelSelectorToString(webhook.namespaceSelector)}) does not select namespace ${namespace}: the injector never sees its pods`,
        `Label the namespace to match (kubectl label namespace ${namespace} …), or change injector.namespaceSelector in the Helm values.`,
      )
    }
  }
  return on.pass('injector-selectors', `the webhook selects namespace ${namespace} and the pod's labels`)
}

/** Link 2: an injector exists, can be called, and is called for this pod. */
export async function injectorChecks(ctx: DoctorContext): Promise<DoctorCheck[]> {
  const checks = [namespaceCheck(ctx.subject.namespace)]
  if (isUnavailable(ctx.kube)) return [...checks, on.skip('injector', ctx.kube.unavailable)]
  if (isUnavailable(ctx.injector)) return [...checks, on.skip('injector', `cannot read the injector's webhook configuration: ${ctx.injector.unavailable}`)]
  const facts = ctx.injector
  const found = [webhookCheck(facts), serviceCheck(facts), deploymentCheck(facts)].filter((check) => check !== undefined)
  if (facts.webhook) found.push(await selectorCheck(facts.webhook, ctx.kube, ctx))
  return [...checks, ...found]
}

import type {V1MutatingWebhook} from '@kubernetes/client-node'

import type {KubeClient} from './client.js'
import {isForbidden} from './errors.js'

/** The webhook name the Vault Helm chart and vault-k8s's own manifests register. */
export const INJECTOR_WEBHOOK = 'vault.hashicorp.com'

export interface InjectorState {
  /** The MutatingWebhookConfiguration holding the vault.hashicorp.com webhook, if any. */
  configuration?: string
  service?: {namespace: string; name: string}
  /** Whether the webhook can be served right now: a CA bundle is installed and its Service has ready endpoints. */
  ready: boolean
  /** Why not, one sentence each; empty when ready. */
  problems: string[]
}

/**
 * Finds the Vault Agent Injector's webhook and checks it could mutate a pod created now. With `failurePolicy: Ignore`
 * (the chart's default) a pod created while this is not the case starts without secrets, and nothing reports an error.
 * Returns undefined when the caller may not read webhook configurations (a 403): the check is then skipped.
 */
export async function checkInjector(kube: KubeClient): Promise<InjectorState | undefined> {
  try {
    return await webhookReadiness(kube)
  } catch (error) {
    if (isForbidden(error)) return undefined
    throw error
  }
}

export interface InjectorWebhook {
  /** The MutatingWebhookConfiguration holding it. */
  configuration: string
  webhook: V1MutatingWebhook
  service?: {namespace: string; name: string}
  /** Ready addresses behind that Service. */
  readyEndpoints: number
}

/** The vault.hashicorp.com webhook, the Service it calls and how many ready endpoints that Service has. */
export async function findInjectorWebhook(kube: KubeClient): Promise<InjectorWebhook | undefined> {
  let found: {configuration: string; webhook: V1MutatingWebhook} | undefined
  for (const configuration of await kube.listMutatingWebhookConfigurations()) {
    const webhook = configuration.webhooks?.find((w) => w.name === INJECTOR_WEBHOOK)
    if (webhook) found = {configuration: configuration.metadata?.name ?? '', webhook}
  }
  if (!found) return undefined
  const ref = found.webhook.clientConfig.service
  if (!ref) return {...found, readyEndpoints: 0}
  const service = {namespace: ref.namespace, name: ref.name}
  const endpoints = await kube.findEndpoints(service.name, service.namespace)
  const readyEndpoints = endpoints?.subsets?.reduce((count, subset) => count + (subset.addresses?.length ?? 0), 0) ?? 0
  return {...found, service, readyEndpoints}
}

async function webhookReadiness(kube: KubeClient): Promise<InjectorState> {
  const found = await findInjectorWebhook(kube)
  if (!found) {
    return {
      ready: false,
      problems: [`no Vault Agent Injector is installed (no MutatingWebhookConfiguration has the ${INJECTOR_WEBHOOK} webhook)`],
    }
  }
  const problems: string[] = []
  const {clientConfig} = found.webhook
  if (!clientConfig.url && !clientConfig.caBundle) {
    problems.push(`the injector has not installed its CA in ${found.configuration} yet (empty caBundle)`)
  }
  const {service} = found
  if (service && found.readyEndpoints === 0) problems.push(`the injector service ${service.namespace}/${service.name} has no ready endpoints`)
  return {configuration: found.configuration, service, ready: problems.length === 0, problems}
}

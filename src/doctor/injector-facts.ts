import type {V1Deployment, V1MutatingWebhook, V1Service} from '@kubernetes/client-node'

import type {InjectorDefaults} from '../annotations/injection.js'
import type {KubeClient} from '../kube/client.js'
import {isForbidden} from '../kube/errors.js'
import {findInjectorWebhook} from '../kube/injector-webhook.js'
import type {Fact} from './check.js'
import {selectorMatches} from './match.js'

/** What doctor knows about the Vault Agent Injector: its webhook, the Service it calls, the Deployment behind it. */
export interface InjectorFacts {
  configuration?: string
  webhook?: V1MutatingWebhook
  service?: V1Service
  serviceRef?: {namespace: string; name: string}
  readyEndpoints: number
  deployment?: V1Deployment
  /** The injector container's AGENT_INJECT_* settings that change what a pod gets. */
  defaults: InjectorDefaults
}

/** A 403 means "cannot tell", not "broken": the caller turns it into skipped checks. */
export function forbiddenReason(error: unknown): string | undefined {
  return isForbidden(error) ? error.message : undefined
}

function injectorDefaults(deployment: V1Deployment | undefined): InjectorDefaults {
  const env = new Map((deployment?.spec?.template.spec?.containers ?? []).flatMap((c) => c.env ?? []).map((e) => [e.name, e.value]))
  const template = env.get('AGENT_INJECT_DEFAULT_TEMPLATE')?.toLowerCase()
  return {
    authPath: env.get('AGENT_INJECT_VAULT_AUTH_PATH') || undefined,
    defaultTemplate: template === 'json' || template === 'map' ? template : undefined,
  }
}

/** Reads the webhook configuration, its Service and endpoints, and the injector Deployment (the one the Service selects). */
export async function readInjectorFacts(kube: KubeClient): Promise<Fact<InjectorFacts>> {
  try {
    const found = await findInjectorWebhook(kube)
    const {configuration, webhook, service: serviceRef, readyEndpoints = 0} = found ?? {}
    if (!serviceRef) return {configuration, webhook, readyEndpoints, defaults: {}}
    const service = await kube.findService(serviceRef.name, serviceRef.namespace)
    const selector = service?.spec?.selector
    const deployments = selector ? await kube.listDeployments({namespace: serviceRef.namespace}) : []
    const deployment = deployments.find((d) => selectorMatches({matchLabels: selector}, d.spec?.template.metadata?.labels))
    return {configuration, webhook, service, serviceRef, readyEndpoints, deployment, defaults: injectorDefaults(deployment)}
  } catch (error) {
    const reason = forbiddenReason(error)
    if (reason) return {unavailable: reason}
    throw error
  }
}

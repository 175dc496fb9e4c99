import type {V1MutatingWebhook} from '@kubernetes/client-node'
import {describe, expect, it} from 'vitest'

import {injectionSpec} from '../../../src/annotations/injection.js'
import type {DoctorContext} from '../../../src/doctor/context.js'
import type {InjectorFacts} from '../../../src/doctor/injector-facts.js'
import {injectorChecks} from '../../../src/doctor/links/injector.js'
import type {KubeClient} from '../../../src/kube/client.js'

const WEBHOOK: V1MutatingWebhook = {
  name: 'vault.hashicorp.com',
  admissionReviewVersions: ['v1'],
  sideEffects: 'None',
  failurePolicy: 'Ignore',
  clientConfig: {service: {name: 'vault-agent-injector-svc', namespace: 'vault'}, caBundle: 'Q0E='},
  rules: [{apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods']}],
  objectSelector: {matchExpressions: [{key: 'app.kubernetes.io/name', operator: 'NotIn', values: ['vault-agent-injector']}]},
}

function facts(change: Partial<InjectorFacts> = {}, webhook: Partial<V1MutatingWebhook> = {}): InjectorFacts {
  return {
    configuration: 'vault-agent-injector-cfg',
    webhook: {...WEBHOOK, ...webhook},
    service: {spec: {selector: {'app.kubernetes.io/name': 'vault-agent-injector'}}},
    serviceRef: {namespace: 'vault', name: 'vault-agent-injector-svc'},
    readyEndpoints: 1,
    deployment: {metadata: {name: 'vault-agent-injector', namespace: 'vault'}, spec: {replicas: 1, selector: {}, template: {}}, status: {availableReplicas: 1, conditions: [{type: 'Available', status: 'True'}]}},
    defaults: {},
    ...change,
  }
}

function context(injector: InjectorFacts, namespace = 'default', namespaceLabels: Record<string, string> = {}): DoctorContext {
  const metadata = {labels: {app: 'orgchart'}, annotations: {'vault.hashicorp.com/agent-inject': 'true'}}
  const kube = {findNamespace: async (name: string) => ({metadata: {name, labels: namespaceLabels}})} as unknown as KubeClient
  return {
    subject: {target: 'deployment/orgchart', kind: 'Deployment', namespace, podMetadata: metadata, objectAnnotations: {}, fromFile: false, ignored: []},
    spec: injectionSpec(metadata, {containers: []}),
    kube,
    injector,
    vault: {unavailable: 'not used'},
    vaultState: {unavailable: 'not used'},
    lookups: [],
  }
}

const statuses = async (ctx: DoctorContext) => Object.fromEntries((await injectorChecks(ctx)).map((c) => [c.check, c.failure?.reason ?? c.status]))

describe('the injector link', () => {
  it('passes a ready injector that selects the pod', async () => {
    expect(await statuses(context(facts()))).toEqual({
      'injector-namespace': 'pass',
      'injector-webhook': 'pass',
      'injector-service': 'pass',
      'injector-deployment': 'pass',
      'injector-selectors': 'pass',
    })
  })

  it('names what keeps the webhook from being called', async () => {
    expect((await statuses(context(facts({}, {clientConfig: {service: WEBHOOK.clientConfig.service}}))))['injector-webhook']).toBe(
      'vault-agent-injector-cfg has no caBundle: the API server cannot call the injector yet',
    )
    expect((await statuses(context(facts({readyEndpoints: 0}))))['injector-service']).toMatch(/has no ready endpoints: no injector pod can answer; with failurePolicy Ignore/)
    expect((await statuses(context(facts({webhook: undefined, configuration: undefined}))))['injector-webhook']).toMatch(/no Vault Agent Injector/)
    expect((await statuses(context(facts(), 'kube-system')))['injector-namespace']).toMatch(/refuses pods in kube-system/)
  })

  it('evaluates the namespace and object selectors', async () => {
    const byNamespace = facts({}, {namespaceSelector: {matchLabels: {'vault-injection': 'enabled'}}})
    expect((await statuses(context(byNamespace)))['injector-selectors']).toMatch(/namespaceSelector \(vault-injection=enabled\) does not select namespace default/)
    expect((await statuses(context(byNamespace, 'default', {'vault-injection': 'enabled'})))['injector-selectors']).toBe('pass')
    // Every namespace carries kubernetes.io/metadata.name.
    const byName = facts({}, {namespaceSelector: {matchExpressions: [{key: 'kubernetes.io/metadata.name', operator: 'In', values: ['default']}]}})
    expect((await statuses(context(byName)))['injector-selectors']).toBe('pass')
    const byObject = facts({}, {objectSelector: {matchLabels: {'vault-inject': 'yes'}}})
    expect((await statuses(context(byObject)))['injector-selectors']).toMatch(/objectSelector \(vault-inject=yes\) does not select this pod's labels/)
  })
})

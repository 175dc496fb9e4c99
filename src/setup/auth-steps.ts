/**
 * The Kubernetes auth method's configuration, which depends on where Vault runs: in the cluster it reviews tokens
 * with its own service account (which needs system:auth-delegator); outside, with a `vault-auth` service account's
 * long-lived token that vsi creates.
 */
import type {V1Secret} from '@kubernetes/client-node'

import {settleAll} from '../async.js'
import {VsiError} from '../errors.js'
import type {KubeClient} from '../kube/client.js'
import {isAlreadyExists} from '../kube/errors.js'
import {AUTH_DELEGATOR, clusterCaPem, findAuthDelegatorBinding} from '../kube/token-review.js'
import {registerSecret} from '../output/redact.js'
import type {VaultServerPod} from '../vault/discover.js'
import {authConfigChanges, writeAuthConfig, type KubernetesAuthConfig, type KubernetesAuthConfigRead} from '../vault/kubernetes-auth.js'
import type {SetupContext} from './context.js'
import {IN_CLUSTER_KUBERNETES_HOST, REVIEWER_SERVICE_ACCOUNT, REVIEWER_TOKEN_SECRET, reviewerBindingName} from './inputs.js'
import {createServiceAccountIfMissing} from './service-account.js'
import type {Step} from './steps.js'

export async function inClusterDelegatorStep(kube: KubeClient, pod: VaultServerPod): Promise<Step> {
  const expected = `${pod.serviceAccount}-server-binding`
  const binding = await findAuthDelegatorBinding(kube, pod.namespace, pod.serviceAccount, expected)
  return {
    id: 'vault-auth-delegator',
    target: `${AUTH_DELEGATOR} for Vault's service account ${pod.namespace}/${pod.serviceAccount}`,
    state: binding ? 'unchanged' : 'missing',
    detail: binding
      ? undefined
      : `no ClusterRoleBinding grants it ${AUTH_DELEGATOR}, so Vault cannot review tokens; the Helm chart creates ${expected} (server.authDelegator.enabled=true)`,
  }
}

export interface ReviewerState {
  account: boolean
  binding?: string
  secret?: V1Secret
  caPem?: string
  server: string
}

export async function readReviewerState(kube: KubeClient, namespace: string): Promise<ReviewerState> {
  const [account, binding, secret, caPem] = await settleAll([
    kube.findServiceAccount(REVIEWER_SERVICE_ACCOUNT, namespace),
    findAuthDelegatorBinding(kube, namespace, REVIEWER_SERVICE_ACCOUNT, reviewerBindingName(namespace)),
    kube.findSecret(REVIEWER_TOKEN_SECRET, namespace),
    clusterCaPem(kube),
  ])
  registerSecret(decodeSecretField(secret, 'token'))
  return {account: account !== undefined, binding, secret, caPem, server: kube.server}
}

export function reviewerAccountSteps(kube: KubeClient, namespace: string, state: ReviewerState): Step[] {
  return [
    {
      id: 'reviewer-service-account',
      target: `service account ${namespace}/${REVIEWER_SERVICE_ACCOUNT} (for Vault's token reviews)`,
      state: state.account ? 'unchanged' : 'create',
      run: () => createServiceAccountIfMissing(kube, REVIEWER_SERVICE_ACCOUNT, namespace),
    },
    {
      id: 'reviewer-binding',
      target: `ClusterRoleBinding ${state.binding ?? reviewerBindingName(namespace)} (${AUTH_DELEGATOR})`,
      state: state.binding ? 'unchanged' : 'create',
      run: async () => {
        try {
          await kube.createClusterRoleBinding({
            metadata: {name: reviewerBindingName(namespace)},
            roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: AUTH_DELEGATOR},
            subjects: [{kind: 'ServiceAccount', name: REVIEWER_SERVICE_ACCOUNT, namespace}],
          })
        } catch (error) {
          if (!isAlreadyExists(error)) throw error
        }
      },
    },
    {
      id: 'reviewer-token',
      target: `secret ${namespace}/${REVIEWER_TOKEN_SECRET} (long-lived token of ${REVIEWER_SERVICE_ACCOUNT})`,
      state: state.secret ? 'unchanged' : 'create',
      after: ['reviewer-service-account'],
      run: async () => {
        try {
          await kube.createSecret(
            {
              metadata: {name: REVIEWER_TOKEN_SECRET, annotations: {'kubernetes.io/service-account.name': REVIEWER_SERVICE_ACCOUNT}},
              type: 'kubernetes.io/service-account-token',
            },
            namespace,
          )
        } catch (error) {
          if (!isAlreadyExists(error)) throw error
        }
      },
    },
  ]
}

export function authConfigStep(context: SetupContext, current: KubernetesAuthConfigRead | undefined, reviewer: ReviewerState | undefined): Step {
  const {vault, kube, inputs} = context
  const target = `auth/${inputs.authPath}/config (${inputs.vaultInCluster ? 'Vault in the cluster' : 'Vault outside the cluster'})`
  if (!reviewer) {
    const wanted: KubernetesAuthConfig = {kubernetes_host: inputs.kubernetesHost ?? IN_CLUSTER_KUBERNETES_HOST}
    const changes = authConfigChanges(current, wanted, false)
    return {
      id: 'auth-config',
      target,
      state: !current ? 'create' : changes.length > 0 ? 'change' : 'unchanged',
      detail: current ? changes.join('; ') || undefined : undefined,
      after: ['auth-method'],
      run: () => writeAuthConfig(vault, inputs.authPath, wanted),
    }
  }
  const existingJwt = decodeSecretField(reviewer.secret, 'token')
  const wanted = (jwt: string | undefined): KubernetesAuthConfig => ({
    kubernetes_host: inputs.kubernetesHost ?? reviewer.server,
    ...(reviewer.caPem ? {kubernetes_ca_cert: reviewer.caPem} : {}),
    token_reviewer_jwt: jwt,
  })
  // A token Secret that existed before this run is the one an earlier run configured.
  const changes = authConfigChanges(current, wanted(existingJwt ?? ''), existingJwt !== undefined)
  return {
    id: 'auth-config',
    target,
    state: !current ? 'create' : changes.length > 0 ? 'change' : 'unchanged',
    detail: current ? changes.join('; ') || undefined : undefined,
    after: ['auth-method', 'reviewer-token', 'reviewer-binding'],
    run: async () => {
      const jwt = existingJwt ?? (await waitForServiceAccountToken(kube, REVIEWER_TOKEN_SECRET, inputs.namespace))
      await writeAuthConfig(vault, inputs.authPath, wanted(jwt))
    },
  }
}

function decodeSecretField(secret: V1Secret | undefined, key: string): string | undefined {
  const value = secret?.data?.[key]
  return value ? Buffer.from(value, 'base64').toString('utf8') : undefined
}

/**
 * The JWT the token controller writes into a `kubernetes.io/service-account-token` Secret shortly after it is
 * created. There is no event to wait for through the REST API short of a watch, so this polls with backoff.
 */
async function waitForServiceAccountToken(kube: KubeClient, secretName: string, namespace: string, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs
  for (let delay = 50; ; delay = Math.min(delay * 2, 1000)) {
    const encoded = (await kube.findSecret(secretName, namespace))?.data?.token
    if (encoded) {
      const token = Buffer.from(encoded, 'base64').toString('utf8')
      registerSecret(token)
      return token
    }
    if (Date.now() + delay > deadline) {
      throw new VsiError(`the token controller did not fill in secret ${namespace}/${secretName} within ${Math.round(timeoutMs / 1000)}s`, {
        code: 'timeout',
        hint: 'Check that the kube-controller-manager runs (kubectl get pods -n kube-system), then run vsi setup again.',
      })
    }
    await new Promise((resolve) => setTimeout(resolve, delay))
  }
}

import {readFileSync} from 'node:fs'
import {parse} from 'yaml'

import type {Cluster} from './cluster.js'
import type {KubeObject} from './types.js'

import {NODE_IP, NODE_NAME} from './cluster.js'
import {createKubeSystem} from './kube-system.js'
import {bootstrapPolicy} from './rbac.js'
import {VAULT_HELM_CHART, VAULT_IMAGE, VAULT_K8S_IMAGE} from '../versions.js'

/** A fresh minikube-like cluster: system namespaces, the node, the `kubernetes` Service, bootstrap RBAC (kube-system's pods: kube-system.ts). */
function emptyCluster(): KubeObject[] {
  const ns = (name: string): KubeObject => ({apiVersion: 'v1', kind: 'Namespace', metadata: {name}})
  return [
    ...['default', 'kube-system', 'kube-public', 'kube-node-lease'].map(ns),
    ...bootstrapPolicy(),
    {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: NODE_NAME,
        labels: {
          'kubernetes.io/arch': 'amd64',
          'kubernetes.io/hostname': NODE_NAME,
          'kubernetes.io/os': 'linux',
          'minikube.k8s.io/name': NODE_NAME,
          'minikube.k8s.io/primary': 'true',
          'node-role.kubernetes.io/control-plane': '',
        },
      },
      spec: {podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24']},
      status: {
        addresses: [
          {address: NODE_IP, type: 'InternalIP'},
          {address: NODE_NAME, type: 'Hostname'},
        ],
        conditions: [{type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status'}],
        nodeInfo: {kubeletVersion: 'v1.32.0', kubeProxyVersion: 'v1.32.0', containerRuntimeVersion: 'docker://27.4.1', osImage: 'Ubuntu 22.04.5 LTS', kernelVersion: '6.8.0-49-generic', architecture: 'amd64', operatingSystem: 'linux'},
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {name: 'kubernetes', namespace: 'default', labels: {component: 'apiserver', provider: 'kubernetes'}},
      spec: {clusterIP: '10.96.0.1', ports: [{name: 'https', port: 443, protocol: 'TCP', targetPort: 8443}]},
    },
    {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: {name: 'kubernetes', namespace: 'default', labels: {'endpointslice.kubernetes.io/skip-mirror': 'true'}},
      subsets: [{addresses: [{ip: NODE_IP}], ports: [{name: 'https', port: 8443, protocol: 'TCP'}]}],
    },
  ]
}

const CHART = VAULT_HELM_CHART
const INJECTOR_IMAGE = VAULT_K8S_IMAGE
const helm = {'meta.helm.sh/release-name': 'vault', 'meta.helm.sh/release-namespace': 'default'}
const labels = (name: string, extra: Record<string, string> = {}) => ({
  'app.kubernetes.io/instance': 'vault',
  'app.kubernetes.io/managed-by': 'Helm',
  'app.kubernetes.io/name': name,
  ...extra,
})
const serverSelector = {'app.kubernetes.io/name': 'vault', 'app.kubernetes.io/instance': 'vault', component: 'server'}
const injectorSelector = {'app.kubernetes.io/name': 'vault-agent-injector', 'app.kubernetes.io/instance': 'vault', component: 'webhook'}

/** `helm install vault hashicorp/vault --set server.dev.enabled=true` (the chart of ../versions.ts; objects and values as vault-helm's templates render them). */
function vaultRelease(caPem: string): KubeObject[] {
  const ports = [
    {name: 'http', port: 8200, targetPort: 8200},
    {name: 'https-internal', port: 8201, targetPort: 8201},
  ]
  const env = (pairs: Record<string, string>) => Object.entries(pairs).map(([name, value]) => ({name, value}))
  return [
    {apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: 'vault', namespace: 'default', labels: labels('vault', {'helm.sh/chart': CHART}), annotations: helm}},
    {apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: 'vault-agent-injector', namespace: 'default', labels: labels('vault-agent-injector'), annotations: helm}},
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: {name: 'vault-agent-injector-clusterrole', labels: labels('vault-agent-injector'), annotations: helm},
      rules: [{apiGroups: ['admissionregistration.k8s.io'], resources: ['mutatingwebhookconfigurations'], verbs: ['get', 'list', 'watch', 'patch']}],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: {name: 'vault-agent-injector-binding', labels: labels('vault-agent-injector'), annotations: helm},
      roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'vault-agent-injector-clusterrole'},
      subjects: [{kind: 'ServiceAccount', name: 'vault-agent-injector', namespace: 'default'}],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: {name: 'vault-server-binding', labels: labels('vault', {'helm.sh/chart': CHART}), annotations: helm},
      roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator'},
      subjects: [{kind: 'ServiceAccount', name: 'vault', namespace: 'default'}],
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {name: 'vault', namespace: 'default', labels: labels('vault', {'helm.sh/chart': CHART}), annotations: helm},
      spec: {ports, publishNotReadyAddresses: true, selector: serverSelector},
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {name: 'vault-internal', namespace: 'default', labels: labels('vault', {'helm.sh/chart': CHART, 'vault-internal': 'true'}), annotations: helm},
      spec: {clusterIP: 'None', ports, publishNotReadyAddresses: true, selector: serverSelector},
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {name: 'vault-agent-injector-svc', namespace: 'default', labels: labels('vault-agent-injector'), annotations: helm},
      spec: {ports: [{name: 'https', port: 443, targetPort: 8080}], selector: injectorSelector},
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {name: 'vault-agent-injector', namespace: 'default', labels: labels('vault-agent-injector', {component: 'webhook'}), annotations: helm},
      spec: {
        replicas: 1,
        selector: {matchLabels: injectorSelector},
        template: {
          metadata: {labels: injectorSelector},
          spec: {
            serviceAccountName: 'vault-agent-injector',
            securityContext: {runAsNonRoot: true, runAsGroup: 1000, runAsUser: 100, fsGroup: 1000},
            containers: [
              {
                name: 'sidecar-injector',
                image: INJECTOR_IMAGE,
                args: ['agent-inject', '2>&1'],
                env: env({
                  AGENT_INJECT_LISTEN: ':8080',
                  AGENT_INJECT_LOG_LEVEL: 'info',
                  AGENT_INJECT_VAULT_ADDR: 'http://vault.default.svc:8200',
                  AGENT_INJECT_VAULT_AUTH_PATH: 'auth/kubernetes',
                  AGENT_INJECT_VAULT_IMAGE: VAULT_IMAGE,
                  AGENT_INJECT_TLS_AUTO: 'vault-agent-injector-cfg',
                  AGENT_INJECT_TLS_AUTO_HOSTS: 'vault-agent-injector-svc,vault-agent-injector-svc.default,vault-agent-injector-svc.default.svc',
                  AGENT_INJECT_LOG_FORMAT: 'standard',
                  AGENT_INJECT_REVOKE_ON_SHUTDOWN: 'false',
                  AGENT_INJECT_CPU_REQUEST: '250m',
                  AGENT_INJECT_CPU_LIMIT: '500m',
                  AGENT_INJECT_MEM_REQUEST: '64Mi',
                  AGENT_INJECT_MEM_LIMIT: '128Mi',
                  AGENT_INJECT_DEFAULT_TEMPLATE: 'map',
                  AGENT_INJECT_TEMPLATE_CONFIG_EXIT_ON_RETRY_FAILURE: 'true',
                }),
                ports: [{containerPort: 8080, name: 'https'}],
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: {name: 'vault', namespace: 'default', labels: labels('vault'), annotations: helm},
      spec: {
        serviceName: 'vault-internal',
        podManagementPolicy: 'Parallel',
        replicas: 1,
        updateStrategy: {type: 'OnDelete'},
        selector: {matchLabels: serverSelector},
        template: {
          metadata: {labels: {'helm.sh/chart': CHART, ...serverSelector}},
          spec: {
            serviceAccountName: 'vault',
            securityContext: {runAsNonRoot: true, runAsGroup: 1000, runAsUser: 100, fsGroup: 1000},
            volumes: [{name: 'home', emptyDir: {}}],
            containers: [
              {
                name: 'vault',
                image: VAULT_IMAGE,
                command: ['/bin/sh', '-ec'],
                args: ['/usr/local/bin/docker-entrypoint.sh vault server -dev '],
                env: [
                  // vault-helm templates/server-statefulset.yaml: the pod's name and namespace come from the downward API
                  {name: 'HOST_IP', valueFrom: {fieldRef: {fieldPath: 'status.hostIP'}}},
                  {name: 'POD_IP', valueFrom: {fieldRef: {fieldPath: 'status.podIP'}}},
                  {name: 'VAULT_K8S_POD_NAME', valueFrom: {fieldRef: {fieldPath: 'metadata.name'}}},
                  {name: 'VAULT_K8S_NAMESPACE', valueFrom: {fieldRef: {fieldPath: 'metadata.namespace'}}},
                  ...env({VAULT_ADDR: 'http://127.0.0.1:8200', VAULT_API_ADDR: 'http://$(POD_IP):8200', SKIP_CHOWN: 'true', SKIP_SETCAP: 'true'}),
                  {name: 'HOSTNAME', valueFrom: {fieldRef: {fieldPath: 'metadata.name'}}},
                  ...env({VAULT_CLUSTER_ADDR: 'https://$(HOSTNAME).vault-internal:8201', HOME: '/home/vault', VAULT_DEV_ROOT_TOKEN_ID: 'root', VAULT_DEV_LISTEN_ADDRESS: '[::]:8200'}),
                ],
                ports: [
                  {containerPort: 8200, name: 'http'},
                  {containerPort: 8201, name: 'https-internal'},
                  {containerPort: 8202, name: 'http-rep'},
                ],
                readinessProbe: {exec: {command: ['/bin/sh', '-ec', 'vault status -tls-skip-verify']}, failureThreshold: 2, initialDelaySeconds: 5, periodSeconds: 5, successThreshold: 1, timeoutSeconds: 3},
                volumeMounts: [{name: 'home', mountPath: '/home/vault'}],
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: {name: 'vault-agent-injector-cfg', labels: labels('vault-agent-injector'), annotations: helm},
      webhooks: [
        {
          name: 'vault.hashicorp.com',
          admissionReviewVersions: ['v1', 'v1beta1'],
          clientConfig: {service: {name: 'vault-agent-injector-svc', namespace: 'default', path: '/mutate', port: 443}, caBundle: Buffer.from(caPem).toString('base64')},
          failurePolicy: 'Ignore',
          matchPolicy: 'Exact',
          objectSelector: {matchExpressions: [{key: 'app.kubernetes.io/name', operator: 'NotIn', values: ['vault-agent-injector']}]},
          rules: [{apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'], scope: 'Namespaced'}],
          sideEffects: 'None',
          timeoutSeconds: 30,
        },
      ],
    },
  ]
}

/**
 * The tutorial's deployment-orgchart.yaml (test/fixtures/tutorial), as `kubectl apply -f` sends it to namespace
 * default: `annotations:` with no value is null, which the API server decodes as no annotations.
 */
function orgchart(): KubeObject {
  const obj = parse(readFileSync(new URL('../../fixtures/tutorial/deployment-orgchart.yaml', import.meta.url), 'utf8')) as KubeObject
  obj.metadata.namespace = 'default'
  const template = obj.spec.template.metadata
  if (template.annotations === null) delete template.annotations
  return obj
}

export type Preset = 'empty' | 'tutorial'

/** Builds a preset through the API path (admission, controllers), then waits for the controllers to settle. */
export async function applyPreset(cluster: Cluster, preset: Preset): Promise<void> {
  for (const obj of emptyCluster()) cluster.create(obj)
  await cluster.queue.settle()
  await createKubeSystem(cluster)
  if (preset === 'empty') return
  for (const obj of vaultRelease(cluster.options.caPem)) cluster.create(obj)
  await cluster.queue.settle()
  // The tutorial's orgchart pod ran with `internal-app`; the preset is the state before vsi creates that account,
  // so the account is created for the rollout and removed again (the running pod keeps going, as it would).
  const sa = cluster.create({apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: 'internal-app', namespace: 'default'}})
  cluster.create(orgchart())
  await cluster.queue.settle()
  cluster.store.delete('serviceaccounts', 'default', sa.metadata.name)
  await cluster.queue.settle()
}

/**
 * The objects `helm install vault hashicorp/vault` renders for chart vault-0.34.1 (hashicorp/vault-helm v0.34.1,
 * templates/*.yaml with release `vault`), in dev mode, for the values the helm test double supports:
 * server.dev.enabled, server.dev.devRootToken, server.image.{repository,tag}, server.nodeSelector,
 * injector.enabled, injector.image.{repository,tag}, injector.agentImage.{repository,tag}, injector.nodeSelector.
 */
export const CHART_VERSION = '0.34.1'
export const APP_VERSION = '2.0.4'
const CHART = `vault-${CHART_VERSION}`

const get = (values, path, fallback) => path.split('.').reduce((node, key) => (node && typeof node === 'object' ? node[key] : undefined), values) ?? fallback

export function render(values, namespace) {
  if (get(values, 'server.dev.enabled', false) !== true) {
    throw new Error('the helm test double renders dev mode only (server.dev.enabled=true)')
  }
  const release = 'vault'
  const helm = {'meta.helm.sh/release-name': release, 'meta.helm.sh/release-namespace': namespace}
  const labels = (name, extra = {}) => ({'app.kubernetes.io/instance': release, 'app.kubernetes.io/managed-by': 'Helm', 'app.kubernetes.io/name': name, ...extra})
  const meta = (name, labelSet, namespaced = true) => ({name, ...(namespaced ? {namespace} : {}), labels: labelSet, annotations: helm})
  const serverSelector = {'app.kubernetes.io/name': 'vault', 'app.kubernetes.io/instance': release, component: 'server'}
  const injectorSelector = {'app.kubernetes.io/name': 'vault-agent-injector', 'app.kubernetes.io/instance': release, component: 'webhook'}
  const image = (prefix, repository, tag) => `${get(values, `${prefix}.repository`, repository)}:${get(values, `${prefix}.tag`, tag)}`
  const serverImage = image('server.image', 'hashicorp/vault', APP_VERSION)
  const agentImage = image('injector.agentImage', 'hashicorp/vault', APP_VERSION)
  const injectorImage = image('injector.image', 'hashicorp/vault-k8s', '1.7.6')
  const env = (pairs) => Object.entries(pairs).map(([name, value]) => ({name, value}))
  const ports = [
    {name: 'http', port: 8200, targetPort: 8200},
    {name: 'https-internal', port: 8201, targetPort: 8201},
  ]
  const injector = get(values, 'injector.enabled', true) !== false
  const vaultLabels = labels('vault', {'helm.sh/chart': CHART})
  const objects = [
    {apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('vault', vaultLabels)},
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: meta('vault-server-binding', vaultLabels, false),
      roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator'},
      subjects: [{kind: 'ServiceAccount', name: 'vault', namespace}],
    },
    {apiVersion: 'v1', kind: 'Service', metadata: meta('vault', vaultLabels), spec: {ports, publishNotReadyAddresses: true, selector: serverSelector}},
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta('vault-internal', labels('vault', {'helm.sh/chart': CHART, 'vault-internal': 'true'})),
      spec: {clusterIP: 'None', ports, publishNotReadyAddresses: true, selector: serverSelector},
    },
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: meta('vault', labels('vault')),
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
            ...nodeSelector(get(values, 'server.nodeSelector')),
            volumes: [{name: 'home', emptyDir: {}}],
            containers: [
              {
                name: 'vault',
                image: serverImage,
                command: ['/bin/sh', '-ec'],
                args: ['/usr/local/bin/docker-entrypoint.sh vault server -dev '],
                env: [
                  {name: 'HOST_IP', valueFrom: {fieldRef: {fieldPath: 'status.hostIP'}}},
                  {name: 'POD_IP', valueFrom: {fieldRef: {fieldPath: 'status.podIP'}}},
                  {name: 'VAULT_K8S_POD_NAME', valueFrom: {fieldRef: {fieldPath: 'metadata.name'}}},
                  {name: 'VAULT_K8S_NAMESPACE', valueFrom: {fieldRef: {fieldPath: 'metadata.namespace'}}},
                  ...env({VAULT_ADDR: 'http://127.0.0.1:8200', VAULT_API_ADDR: 'http://$(POD_IP):8200', SKIP_CHOWN: 'true', SKIP_SETCAP: 'true'}),
                  {name: 'HOSTNAME', valueFrom: {fieldRef: {fieldPath: 'metadata.name'}}},
                  ...env({VAULT_CLUSTER_ADDR: 'https://$(HOSTNAME).vault-internal:8201', HOME: '/home/vault', VAULT_DEV_ROOT_TOKEN_ID: String(get(values, 'server.dev.devRootToken', 'root')), VAULT_DEV_LISTEN_ADDRESS: '[::]:8200'}),
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
  ]
  if (!injector) return objects
  const injectorLabels = labels('vault-agent-injector')
  return [
    ...objects,
    {apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('vault-agent-injector', injectorLabels)},
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: meta('vault-agent-injector-clusterrole', injectorLabels, false),
      rules: [{apiGroups: ['admissionregistration.k8s.io'], resources: ['mutatingwebhookconfigurations'], verbs: ['get', 'list', 'watch', 'patch']}],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: meta('vault-agent-injector-binding', injectorLabels, false),
      roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'vault-agent-injector-clusterrole'},
      subjects: [{kind: 'ServiceAccount', name: 'vault-agent-injector', namespace}],
    },
    {apiVersion: 'v1', kind: 'Service', metadata: meta('vault-agent-injector-svc', injectorLabels), spec: {ports: [{name: 'https', port: 443, targetPort: 8080}], selector: injectorSelector}},
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta('vault-agent-injector', labels('vault-agent-injector', {component: 'webhook'})),
      spec: {
        replicas: 1,
        selector: {matchLabels: injectorSelector},
        template: {
          metadata: {labels: injectorSelector},
          spec: {
            serviceAccountName: 'vault-agent-injector',
            securityContext: {runAsNonRoot: true, runAsGroup: 1000, runAsUser: 100, fsGroup: 1000},
            ...nodeSelector(get(values, 'injector.nodeSelector')),
            containers: [
              {
                name: 'sidecar-injector',
                image: injectorImage,
                args: ['agent-inject', '2>&1'],
                env: env({
                  AGENT_INJECT_LISTEN: ':8080',
                  AGENT_INJECT_LOG_LEVEL: 'info',
                  AGENT_INJECT_VAULT_ADDR: `http://vault.${namespace}.svc:8200`,
                  AGENT_INJECT_VAULT_AUTH_PATH: 'auth/kubernetes',
                  AGENT_INJECT_VAULT_IMAGE: agentImage,
                  AGENT_INJECT_TLS_AUTO: 'vault-agent-injector-cfg',
                  AGENT_INJECT_TLS_AUTO_HOSTS: `vault-agent-injector-svc,vault-agent-injector-svc.${namespace},vault-agent-injector-svc.${namespace}.svc`,
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
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: meta('vault-agent-injector-cfg', injectorLabels, false),
      webhooks: [
        {
          name: 'vault.hashicorp.com',
          admissionReviewVersions: ['v1', 'v1beta1'],
          // Empty at install; the injector fills it in (AGENT_INJECT_TLS_AUTO).
          clientConfig: {service: {name: 'vault-agent-injector-svc', namespace, path: '/mutate'}, caBundle: ''},
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

function nodeSelector(value) {
  return value && typeof value === 'object' && Object.keys(value).length > 0 ? {nodeSelector: Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]))} : {}
}

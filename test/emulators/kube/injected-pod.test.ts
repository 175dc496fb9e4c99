/**
 * The pod the emulated injector produces, compared field by field with the pod vault-k8s 1.7.6 produces. The
 * expected objects below are written from hashicorp/vault-k8s v1.7.6 (agent-inject/agent/*.go, cited by line),
 * plus what the API server adds after the webhook (ServiceAccount admission's kube-api-access volume, defaulting).
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {VAULT_IMAGE} from '../versions.js'
import {startKubeEmulator, type KubeEmulator} from './index.js'
import {hasKubectl, kubectlFor} from './test-support.js'

const SA_MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount'
const TUTORIAL = {
  'vault.hashicorp.com/agent-inject': 'true',
  'vault.hashicorp.com/role': 'internal-app',
  'vault.hashicorp.com/agent-inject-secret-database-config.txt': 'internal/data/database/config',
}

const podYaml = (name: string, annotations: Record<string, string>) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {name, annotations},
    spec: {serviceAccountName: 'internal-app', containers: [{name: 'app', image: 'nginx:1.27'}]},
  })

// container_env.go:13-38 baseContainerEnvVars (fieldRef.apiVersion is the API server's default)
const baseEnv = [
  {name: 'NAMESPACE', valueFrom: {fieldRef: {apiVersion: 'v1', fieldPath: 'metadata.namespace'}}},
  {name: 'HOST_IP', valueFrom: {fieldRef: {apiVersion: 'v1', fieldPath: 'status.hostIP'}}},
  {name: 'POD_IP', valueFrom: {fieldRef: {apiVersion: 'v1', fieldPath: 'status.podIP'}}},
]
// container_sidecar.go:23 DefaultContainerArg
const DEFAULT_ARG = 'echo ${VAULT_CONFIG?} | base64 -d > /home/vault/config.json && vault agent -config=/home/vault/config.json'
// container_sidecar.go:227-244 securityContext() with annotations.go defaults run-as-user 100, run-as-group 1000
const securityContext = {runAsUser: 100, runAsGroup: 1000, runAsNonRoot: true, readOnlyRootFilesystem: true, capabilities: {drop: ['ALL']}, allowPrivilegeEscalation: false}
// the Helm chart's agentDefaults (AGENT_INJECT_CPU_LIMIT …), container_sidecar.go:139-197 parseResources
const resources = {limits: {cpu: '500m', memory: '128Mi'}, requests: {cpu: '250m', memory: '64Mi'}}
// pkg/apis/core/v1 defaults.go, applied to the webhook's output
const apiDefaults = {imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File'}

// config.go:233-329 newConfig, marshalled by encoding/json in struct-field order (config.go:24-110)
const config = (init: boolean) =>
  `{"auto_auth":{"method":{"type":"kubernetes","mount_path":"auth/kubernetes","config":{"role":"internal-app","token_path":"${SA_MOUNT}/token"}},` +
  `"sink":[{"type":"file","config":{"path":"/home/vault/.vault-token"}}]},"exit_after_auth":${init},"pid_file":"/home/vault/.pid",` +
  `"vault":{"address":"http://vault.default.svc:8200"},"template":[{"destination":"/vault/secrets/database-config.txt",` +
  `"contents":"{{ with secret \\"internal/data/database/config\\" }}{{ range $k, $v := .Data }}{{ $k }}: {{ $v }}\\n{{ end }}{{ end }}",` +
  `"left_delimiter":"{{","right_delimiter":"}}"}],"template_config":{"exit_on_retry_failure":true}}`

describe.skipIf(!hasKubectl)('the injected pod is what vault-k8s 1.7.6 injects', () => {
  let kube: KubeEmulator
  let kubectl: ReturnType<typeof kubectlFor>
  const getPod = async (name: string) => JSON.parse((await kubectl(['get', 'pod', name, '-o', 'json'])).stdout)

  beforeAll(async () => {
    kube = await startKubeEmulator({preset: 'tutorial'})
    kubectl = kubectlFor(kube)
    expect((await kubectl(['create', 'serviceaccount', 'internal-app'])).code).toBe(0)
  })
  afterAll(() => kube?.stop())

  it('adds the volumes, mounts, init container, sidecar and status annotation of agent.go Patch, field by field', async () => {
    expect((await kubectl(['create', '-f', '-'], podYaml('tutorial', TUTORIAL))).code).toBe(0)
    const pod = await getPod('tutorial')
    const saVolume = pod.spec.volumes[0].name as string
    expect(saVolume).toMatch(/^kube-api-access-[a-z0-9]{5}$/)
    const memory = (name: string) => ({name, emptyDir: {medium: 'Memory'}})
    // agent.go:609-620: the token volumes (container_volume.go:82-110), then the secrets volume
    expect(pod.spec.volumes.slice(1)).toEqual([memory('home-init'), memory('home-sidecar'), memory('vault-secrets')])
    // agent.go:654-662 + container_volume.go:138-157: the app gets the secrets mount after its own
    expect(pod.spec.containers[0].volumeMounts).toEqual([
      {name: saVolume, readOnly: true, mountPath: SA_MOUNT},
      {name: 'vault-secrets', mountPath: '/vault/secrets'},
    ])
    const env = (init: boolean) => [
      ...baseEnv,
      // container_env.go:66-78
      {name: 'VAULT_LOG_LEVEL', value: 'info'},
      {name: 'VAULT_LOG_FORMAT', value: 'standard'},
      // container_env.go:87-95
      {name: 'VAULT_CONFIG', value: Buffer.from(config(init)).toString('base64')},
    ]
    // container_init_sidecar.go:19-105: home-init first, then the service-account token
    expect(pod.spec.initContainers).toEqual([
      {
        name: 'vault-agent-init',
        image: VAULT_IMAGE,
        command: ['/bin/sh', '-ec'],
        args: [DEFAULT_ARG],
        env: env(true),
        resources,
        volumeMounts: [
          {name: 'home-init', mountPath: '/home/vault'},
          {name: saVolume, mountPath: SA_MOUNT, readOnly: true},
          {name: 'vault-secrets', mountPath: '/vault/secrets'},
        ],
        securityContext,
        ...apiDefaults,
      },
    ])
    // container_sidecar.go:30-117: the token first, then home-sidecar; an empty lifecycle (createLifecycle)
    expect(pod.spec.containers[1]).toEqual({
      name: 'vault-agent',
      image: VAULT_IMAGE,
      command: ['/bin/sh', '-ec'],
      args: [DEFAULT_ARG],
      env: env(false),
      resources,
      volumeMounts: [
        {name: saVolume, mountPath: SA_MOUNT, readOnly: true},
        {name: 'home-sidecar', mountPath: '/home/vault'},
        {name: 'vault-secrets', mountPath: '/vault/secrets'},
      ],
      lifecycle: {},
      securityContext,
      ...apiDefaults,
    })
    // agent.go:727-730: the only annotation the webhook adds (Init's defaults are not patched in)
    expect(pod.metadata.annotations).toEqual({...TUTORIAL, 'vault.hashicorp.com/agent-inject-status': 'injected'})
  })

  it('puts the client settings in the env and a revoking preStop hook on the sidecar (container_env.go, createLifecycle)', async () => {
    const annotations = {
      ...TUTORIAL,
      'vault.hashicorp.com/agent-revoke-on-shutdown': 'true',
      'vault.hashicorp.com/agent-revoke-grace': '7',
      'vault.hashicorp.com/go-max-procs': '2',
      'vault.hashicorp.com/client-timeout': '30s',
      'vault.hashicorp.com/client-max-retries': '4',
      'vault.hashicorp.com/proxy-address': 'http://proxy.internal:3128',
      'vault.hashicorp.com/ca-cert': '/vault/tls/ca.crt',
    }
    expect((await kubectl(['create', '-f', '-'], podYaml('revoking', annotations))).code).toBe(0)
    const sidecar = (await getPod('revoking')).spec.containers[1]
    // container_sidecar.go:210-225 with agent.go:881-899 vaultCliFlags
    expect(sidecar.lifecycle).toEqual({
      preStop: {exec: {command: ['/bin/sh', '-c', '/bin/sleep 7 && /bin/vault token revoke -address=http://vault.default.svc:8200 -ca-cert=/vault/tls/ca.crt -self']}},
    })
    // container_env.go:42-85, in this order
    expect(sidecar.env.map((e: {name: string; value?: string}) => [e.name, e.value])).toEqual([
      ['NAMESPACE', undefined],
      ['HOST_IP', undefined],
      ['POD_IP', undefined],
      ['GOMAXPROCS', '2'],
      ['VAULT_CLIENT_TIMEOUT', '30s'],
      ['VAULT_MAX_RETRIES', '4'],
      ['VAULT_LOG_LEVEL', 'info'],
      ['VAULT_LOG_FORMAT', 'standard'],
      ['HTTPS_PROXY', 'http://proxy.internal:3128'],
      ['VAULT_CONFIG', expect.any(String)],
    ])
    const vault = JSON.parse(Buffer.from(sidecar.env.at(-1).value, 'base64').toString()).vault
    expect(vault).toEqual({address: 'http://vault.default.svc:8200', ca_cert: '/vault/tls/ca.crt'})
  })

  it('with agent-configmap runs the agent on config.hcl and gives it VAULT_* variables instead of VAULT_CONFIG', async () => {
    const annotations = {'vault.hashicorp.com/agent-inject': 'true', 'vault.hashicorp.com/agent-configmap': 'agent-config'}
    expect((await kubectl(['create', '-f', '-'], podYaml('from-configmap', annotations))).code).toBe(0)
    const pod = await getPod('from-configmap')
    // container_init_sidecar.go:56-63, container_sidecar.go:65-72
    expect(pod.spec.initContainers[0].args).toEqual(['touch /home/vault/.vault-token && vault agent -config=/vault/configs/config-init.hcl'])
    expect(pod.spec.containers[1].args).toEqual(['touch /home/vault/.vault-token && vault agent -config=/vault/configs/config.hcl'])
    expect(pod.spec.containers[1].volumeMounts.at(-1)).toEqual({name: 'vault-config', mountPath: '/vault/configs', readOnly: true})
    // container_volume.go:112-123, defaulted by the API server
    expect(pod.spec.volumes.at(-1)).toEqual({name: 'vault-config', configMap: {name: 'agent-config', defaultMode: 420}})
    // container_env.go:96-133
    expect(pod.spec.containers[1].env.slice(3)).toEqual([
      {name: 'VAULT_LOG_LEVEL', value: 'info'},
      {name: 'VAULT_LOG_FORMAT', value: 'standard'},
      {name: 'VAULT_ADDR', value: 'http://vault.default.svc:8200'},
      {name: 'VAULT_SKIP_VERIFY', value: 'false'},
    ])
  })

  it('holds the files the real agent has: /home/vault/config.json and the token sink /home/vault/.vault-token', async () => {
    await kube.settle()
    const pod = await getPod('tutorial')
    const configJson = await kubectl(['exec', 'tutorial', '-c', 'vault-agent', '--', 'cat', '/home/vault/config.json'])
    expect(configJson).toMatchObject({code: 0, stdout: config(false)})
    expect(configJson.stdout).toBe(Buffer.from(pod.spec.containers[1].env.at(-1).value, 'base64').toString())
    const token = await kubectl(['exec', 'tutorial', '-c', 'vault-agent', '--', 'cat', '/home/vault/.vault-token'])
    expect(token.code).toBe(0)
    expect(token.stdout).toMatch(/^hvs\.[A-Za-z0-9_-]+$/)
    // the app container does not mount the agent's home
    const fromApp = await kubectl(['exec', 'tutorial', '-c', 'app', '--', 'cat', '/home/vault/.vault-token'])
    expect(fromApp.code).toBe(1)
  })

  it('denies a pod whose agent-inject does not parse, worded as handler.go words it', async () => {
    const applied = await kubectl(['create', '-f', '-'], podYaml('undecided', {...TUTORIAL, 'vault.hashicorp.com/agent-inject': 'maybe'}))
    expect(applied.code).toBe(1)
    // handler.go:209-210; agent.go ShouldInject's parseutil.ParseBool is mapstructure.WeakDecode (its "cannot parse ''")
    expect(applied.stderr).toBe(
      'Error from server: error when creating "STDIN": admission webhook "vault.hashicorp.com" denied the request: error checking if should inject agent: cannot parse \'\' as bool: strconv.ParseBool: parsing "maybe": invalid syntax\n',
    )
    expect(kube.store.get('pods', 'default', 'undecided')).toBeUndefined()
  })
})

/**
 * What the emulated injector writes into a pod beyond the tutorial's annotations, each checked against
 * hashicorp/vault-k8s v1.7.6 (agent-inject/agent: annotations.go, config.go, container_sidecar.go, container_env.go)
 * and kubernetes/apimachinery v0.36.3 (pkg/api/resource/quantity.go), the versions the chart's injector is built from.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startKubeEmulator, type KubeEmulator} from './index.js'
import {canonicalQuantity, parseQuantity} from './injector/go.js'
import {injectPod} from './injector/inject.js'
import type {Container, KubeObject, PodSpec} from './types.js'

interface CreatedPod {
  status: number
  body: {
    message?: string
    spec?: {containers: Array<{name: string; env?: Array<{name: string; value?: string; valueFrom?: unknown}>; resources?: unknown}>}
  }
}

describe('the emulated injector follows vault-k8s 1.7.6 in what it writes', () => {
  let kube: KubeEmulator
  let count = 0

  beforeAll(async () => {
    kube = await startKubeEmulator({preset: 'tutorial', tls: false})
  })
  afterAll(() => kube?.stop())

  const create = async (annotations: Record<string, string>): Promise<CreatedPod> => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `config-${++count}`,
        annotations: Object.fromEntries(Object.entries({'agent-inject': 'true', role: 'app', ...annotations}).map(([k, v]) => [`vault.hashicorp.com/${k}`, v])),
      },
      spec: {containers: [{name: 'app', image: 'nginx'}]},
    }
    const response = await fetch(`${kube.url}/api/v1/namespaces/default/pods`, {
      method: 'POST',
      headers: {Authorization: `Bearer ${kube.adminToken}`, 'Content-Type': 'application/json'},
      body: JSON.stringify(pod),
    })
    return {status: response.status, body: (await response.json()) as CreatedPod['body']}
  }
  const sidecar = (created: CreatedPod) => created.body.spec!.containers.find((container) => container.name === 'vault-agent')!
  const agentConfig = (created: CreatedPod): string => Buffer.from(sidecar(created).env!.find((env) => env.name === 'VAULT_CONFIG')!.value!, 'base64').toString()

  it('writes agent-telemetry-* into the telemetry stanza: JSON-decoded values, dashes as underscores, struct order, unknown keys dropped', async () => {
    const created = await create({
      'agent-telemetry-prometheus_retention_time': '30s',
      'agent-telemetry-disable_hostname': 'true',
      'agent-telemetry-dogstatsd-tags': '["team:a"]',
      'agent-telemetry-Statsd_Address': '"statsd:8125"',
      'agent-telemetry-no_such_field': '1',
    })
    expect(created.status).toBe(201)
    // annotations.go:926 telemetryConfig; config.go:167 newTelemetryConfig (Marshal + Unmarshal into Telemetry, whose
    // field matching is case-insensitive); config.go:37 Telemetry is the last field of Config
    expect(agentConfig(created)).toMatch(
      /,"template_config":\{"exit_on_retry_failure":true\},"telemetry":\{"disable_hostname":true,"statsd_address":"statsd:8125","dogstatsd_tags":\["team:a"\],"prometheus_retention_time":"30s"\}\}$/,
    )
  })

  it('drops the whole telemetry stanza when one value has the wrong JSON type', async () => {
    // "30" decodes as a number; prometheus_retention_time is a string field: json.Unmarshal fails, newTelemetryConfig returns nil
    const created = await create({'agent-telemetry-prometheus_retention_time': '30', 'agent-telemetry-disable_hostname': 'true'})
    expect(created.status).toBe(201)
    expect(JSON.parse(agentConfig(created))).not.toHaveProperty('telemetry')
  })

  it('uses an inline template over agent-inject-template-file, without a source (secrets() reads TemplateFile only when Template is "")', async () => {
    const created = await create({'agent-inject-template-db': '{{ with secret "kv/db" }}{{ .Data.password }}{{ end }}', 'agent-inject-template-file-db': '/vault/custom/db.tmpl'})
    expect(JSON.parse(agentConfig(created)).template).toEqual([
      {destination: '/vault/secrets/db', contents: '{{ with secret "kv/db" }}{{ .Data.password }}{{ end }}', left_delimiter: '{{', right_delimiter: '}}'},
    ])
  })

  it('reads error-on-missing-key only for a secret that exists: an orphan key with a bad value is not parsed', async () => {
    const orphan = await create({'agent-inject-secret-db': 'kv/db', 'error-on-missing-key-other': 'yes'})
    expect(orphan.status).toBe(201)
    const read = await create({'agent-inject-secret-db': 'kv/db', 'error-on-missing-key-db': 'yes'})
    expect({status: read.status, message: read.body.message}).toEqual({
      status: 400,
      message: `admission webhook "vault.hashicorp.com" denied the request: error creating new agent sidecar: cannot parse '' as bool: strconv.ParseBool: parsing "yes": invalid syntax`,
    })
  })

  it('writes resource quantities as resource.Quantity marshals them (canonical unless already so)', async () => {
    const created = await create({'agent-limits-cpu': '0.5', 'agent-limits-mem': '1024Mi', 'agent-requests-cpu': '250m', 'agent-requests-mem': '0.5Gi'})
    expect(created.status).toBe(201)
    expect(sidecar(created).resources).toEqual({limits: {cpu: '500m', memory: '1Gi'}, requests: {cpu: '250m', memory: '512Mi'}})
  })

  it('applies agent-json-patch to the container as the webhook marshals it: no fieldRef.apiVersion yet, canonical quantities', async () => {
    const patch = JSON.stringify([
      {op: 'test', path: '/env/0/valueFrom/fieldRef', value: {fieldPath: 'metadata.namespace'}},
      {op: 'test', path: '/resources/limits/cpu', value: '500m'},
    ])
    const created = await create({'agent-limits-cpu': '0.5', 'agent-json-patch': patch})
    expect({status: created.status, message: created.body.message}).toEqual({status: 201, message: undefined})
    // the API server then defaults fieldRef.apiVersion (pkg/apis/core/v1 SetDefaults_ObjectFieldSelector)
    expect(sidecar(created).env![0]).toEqual({name: 'NAMESPACE', valueFrom: {fieldRef: {apiVersion: 'v1', fieldPath: 'metadata.namespace'}}})
  })

  it("names the pod in agent-service-account-token-volume-name's missing-volume denial (agent.go getProjectedTokenPath)", async () => {
    const name = `config-${count + 1}`
    const created = await fetch(`${kube.url}/api/v1/namespaces/default/pods`, {
      method: 'POST',
      headers: {Authorization: `Bearer ${kube.adminToken}`, 'Content-Type': 'application/json'},
      body: JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {name, annotations: {'vault.hashicorp.com/agent-inject': 'true', 'vault.hashicorp.com/role': 'app', 'vault.hashicorp.com/agent-service-account-token-volume-name': 'tok'}},
        spec: {containers: [{name: 'app', image: 'nginx', volumeMounts: [{name: 'tok', mountPath: '/var/run/secrets/tokens'}]}]},
      }),
    })
    count++
    expect(((await created.json()) as {message?: string}).message).toBe(
      `admission webhook "vault.hashicorp.com" denied the request: error creating new agent sidecar: failed to find volume "tok" in Pod "${name}" volumes`,
    )
  })

  it('decodes the patched container into corev1.Container: unknown fields dropped, a wrong type fails the pod', async () => {
    const dropped = await create({'agent-json-patch': '[{"op":"add","path":"/notAField","value":1}]'})
    expect(dropped.status).toBe(201)
    expect(sidecar(dropped)).not.toHaveProperty('notAField')
    const wrongType = await create({'agent-json-patch': '[{"op":"replace","path":"/command","value":"sh"}]'})
    expect(wrongType.body.message).toBe(
      'admission webhook "vault.hashicorp.com" denied the request: error creating patch for agent: json: cannot unmarshal string into Go struct field Container.command of type []string',
    )
  })

  it('puts the token sink where path.Join puts it for a relative secret-volume-path', async () => {
    const created = await create({'agent-inject-token': 'true', 'secret-volume-path': 'secrets'})
    expect(JSON.parse(agentConfig(created)).auto_auth.sink).toEqual([
      {type: 'file', config: {path: '/home/vault/.vault-token'}},
      {type: 'file', config: {path: 'secrets/token'}},
    ])
  })
})

describe("the emulated injector takes its defaults from the injector's AGENT_INJECT_* environment (flags.go parseEnvs)", () => {
  const SA_MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount'
  const pod = (annotations: Record<string, string> = {}): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'app',
      annotations: Object.fromEntries(
        Object.entries({'agent-inject': 'true', role: 'app', 'agent-inject-secret-db': 'kv/db', ...annotations}).map(([k, v]) => [`vault.hashicorp.com/${k}`, v]),
      ),
    },
    spec: {containers: [{name: 'app', image: 'nginx', volumeMounts: [{name: 'kube-api-access-x', mountPath: SA_MOUNT, readOnly: true}]}]},
  })
  const inject = (env: Record<string, string>, annotations?: Record<string, string>) => {
    const result = injectPod(pod(annotations), 'default', {vaultAddress: 'http://vault.default.svc:8200', authPath: 'auth/kubernetes', image: 'hashicorp/vault:2.0.4', env})
    if (!('pod' in result)) throw new Error(`not injected: ${JSON.stringify(result)}`)
    return (result.pod.spec as PodSpec).containers.find((container) => container.name === 'vault-agent')!
  }
  const configOf = (container: Container) => JSON.parse(Buffer.from(container.env!.find((env) => env.name === 'VAULT_CONFIG')!.value!, 'base64').toString())

  it('uses AGENT_INJECT_DEFAULT_TEMPLATE and the resource variables, and ignores variables set to ""', () => {
    const container = inject({AGENT_INJECT_DEFAULT_TEMPLATE: 'json', AGENT_INJECT_CPU_LIMIT: '1', AGENT_INJECT_MEM_LIMIT: ''})
    // config.go DefaultJSONTemplate
    expect(configOf(container).template[0].contents).toBe('{{ with secret "kv/db" }}{{ .Data | toJSON }}\n{{ end }}')
    expect(container.resources).toEqual({limits: {cpu: '1', memory: '128Mi'}, requests: {cpu: '250m', memory: '64Mi'}})
  })

  it('leaves out the security context when AGENT_INJECT_SET_SECURITY_CONTEXT is false, unless a run-as annotation turns it back on (Init)', () => {
    expect(inject({AGENT_INJECT_SET_SECURITY_CONTEXT: 'false'}).securityContext).toBeUndefined()
    expect(inject({AGENT_INJECT_SET_SECURITY_CONTEXT: 'false'}, {'agent-run-as-user': '2000'}).securityContext).toMatchObject({runAsUser: 2000, runAsGroup: 1000})
  })

  it('gives the agents VAULT_CACERT_BYTES from AGENT_INJECT_VAULT_CACERT_BYTES, base64-decoded when it decodes (container_env.go)', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'
    expect(inject({AGENT_INJECT_VAULT_CACERT_BYTES: Buffer.from(pem).toString('base64')}).env!.at(-1)).toEqual({name: 'VAULT_CACERT_BYTES', value: pem})
    expect(inject({AGENT_INJECT_VAULT_CACERT_BYTES: pem}).env!.at(-1)).toEqual({name: 'VAULT_CACERT_BYTES', value: pem})
  })
})

describe('resource.Quantity as the injector parses and marshals it (apimachinery v0.36.3; each pair from `go run` of ParseQuantity + json.Marshal)', () => {
  const MARSHALLED: Array<[string, string]> = [
    ['500m', '500m'], ['128Mi', '128Mi'], ['0.5', '500m'], ['1024Mi', '1Gi'], ['1000m', '1'], ['+', '0'], ['+500m', '+500m'],
    ['1.5Ki', '1536'], ['1.5', '1500m'], ['1e3', '1e3'], ['1e-10', '1e-9'], ['0.1n', '1n'], ['1000', '1k'], ['0500m', '0500m'],
    ['1025Ki', '1025Ki'], ['-1.5', '-1500m'], ['1.', '1.'], ['.5', '500m'], ['e3', '0'], ['1.5Gi', '1536Mi'], ['0.0001Ki', '102400u'],
    ['Mi', '0'], ['1000E', '1'],
  ]
  it.each(MARSHALLED)('%s marshals as %s', (given, marshalled) => {
    expect(() => parseQuantity(given)).not.toThrow()
    expect(canonicalQuantity(given)).toBe(marshalled)
  })

  it.each([
    ['64MB', "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
    ['1.5.5', "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
    ['1mi', "unable to parse quantity's suffix"],
    ['1e+', "unable to parse quantity's suffix"],
  ])('%s is refused: %s', (given, error) => {
    expect(() => parseQuantity(given)).toThrow(error)
  })
})

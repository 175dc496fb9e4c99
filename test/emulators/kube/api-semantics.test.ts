import {mkdtempSync, writeFileSync} from 'node:fs'
import {request} from 'node:https'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startKubeEmulator, type KubeEmulator} from './index.js'
import {hasKubectl, kubectlFor, kubectlStream} from './test-support.js'

/** One GET with the headers kubectl sends for tables, returning the raw body (a watch is cut after `lines` lines). */
function rawGet(kube: KubeEmulator, path: string, accept: string, lines = 0): Promise<{status: number; body: string}> {
  return new Promise((resolve, reject) => {
    const req = request(`${kube.url}${path}`, {ca: kube.caPem, headers: {Authorization: `Bearer ${kube.adminToken}`, Accept: accept}}, (res) => {
      let body = ''
      res.on('data', (d: Buffer) => {
        body += d
        if (lines && body.split('\n').length > lines) {
          req.destroy()
          resolve({status: res.statusCode ?? 0, body})
        }
      })
      res.on('end', () => resolve({status: res.statusCode ?? 0, body}))
    })
    req.on('error', reject)
    req.end()
  })
}

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json'

describe.skipIf(!hasKubectl)('API semantics kubectl relies on', () => {
  let kube: KubeEmulator
  let kubectl: ReturnType<typeof kubectlFor>

  beforeAll(async () => {
    kube = await startKubeEmulator({preset: 'tutorial'})
    kubectl = kubectlFor(kube)
  })
  afterAll(async () => {
    await kube?.stop()
  })

  describe('watch with tables', () => {
    it('prints a row with READY and STATUS for every change under `kubectl get pods -w`', async () => {
      const watch = kubectlStream(kubectl, ['get', 'pods', '-w'])
      try {
        await watch.until(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/m)
        await watch.until(/^vault-0\s+1\/1\s+Running/m)
        expect((await kubectl(['run', 'watched', '--image=busybox:1.36', '--restart=Never', '--', 'sleep', '3600'])).code).toBe(0)
        await watch.until(/^watched\s+0\/1\s+Pending\s+0\s+\d+s$/m)
        await watch.until(/^watched\s+1\/1\s+Running\s+0\s+\d+s$/m)
      } finally {
        await watch.stop()
      }
    })

    it('sends each watch event as a one-row Table, with the column definitions only on the first', async () => {
      const rv = kube.store.get('pods', 'default', 'vault-0')!.metadata.resourceVersion
      const annotate = setImmediate(() => void kubectl(['annotate', 'pod', 'vault-0', 'touched=yes']))
      const {status, body} = await rawGet(kube, `/api/v1/namespaces/default/pods?watch=true&fieldSelector=metadata.name%3Dvault-0`, TABLE, 2)
      clearImmediate(annotate)
      expect(status).toBe(200)
      const events = body.trim().split('\n').slice(0, 2).map((l) => JSON.parse(l))
      expect(events[0]).toMatchObject({type: 'ADDED', object: {kind: 'Table', apiVersion: 'meta.k8s.io/v1'}})
      expect(events[0].object.columnDefinitions.map((c: {name: string}) => c.name).slice(0, 5)).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age'])
      expect(events[0].object.rows).toHaveLength(1)
      expect(events[0].object.rows[0].cells.slice(0, 3)).toEqual(['vault-0', '1/1', 'Running'])
      expect(events[0].object.rows[0].object).toMatchObject({kind: 'PartialObjectMetadata', metadata: {name: 'vault-0'}})
      expect(events[1].type).toBe('MODIFIED')
      expect(events[1].object.columnDefinitions).toBeNull()
      expect(events[1].object.metadata.resourceVersion).not.toBe(rv)
      expect(events[1].object.rows[0].object.metadata.annotations).toMatchObject({touched: 'yes'})
    })
  })

  describe('decoding and validation', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kube-decode-'))
    /** A Deployment manifest; `spec` and `annotations` are YAML lines spliced in as written (so types stay unquoted). */
    const manifest = (name: string, spec: string, annotations = '    a: "b"') => {
      const file = join(dir, `${name}.yaml`)
      writeFileSync(
        file,
        `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n${spec}\n  selector: {matchLabels: {app: ${name}}}\n  template:\n    metadata:\n      labels: {app: ${name}}\n      annotations:\n    ${annotations}\n    spec:\n      containers: [{name: app, image: busybox:1.36}]\n`,
      )
      return file
    }

    it('rejects a string where the type has an int32 with 400 and the JSON decoder\'s message', async () => {
      const result = await kubectl(['create', '-f', manifest('two', '  replicas: "two"')])
      expect(result.code).toBe(1)
      expect(result.stderr).toBe(
        `Error from server (BadRequest): error when creating "${join(dir, 'two.yaml')}": Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32\n`,
      )
      expect(kube.store.get('deployments', 'default', 'two')).toBeUndefined()
      expect(kube.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/deployments')).map((r) => r.status)).toContain(400)
    })

    it('rejects an unquoted boolean annotation in the pod template', async () => {
      const result = await kubectl(['create', '-f', manifest('unquoted', '  replicas: 1', '    vault.hashicorp.com/agent-inject: true')])
      expect(result.stderr).toContain('Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal bool into Go struct field ObjectMeta.spec.template.metadata.annotations of type string')
    })

    it('answers 400 on update (kubectl replace) too', async () => {
      expect((await kubectl(['create', '-f', manifest('replaced', '  replicas: 1')])).code).toBe(0)
      const result = await kubectl(['replace', '-f', manifest('replaced', '  replicas: 1.5')])
      expect(result.stderr).toContain('Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32')
    })

    it('fails an unknown field under kubectl\'s fieldValidation=Strict and only warns (dropping it) under Warn', async () => {
      const file = manifest('extra', '  replicas: 1\n  replicaz: 2')
      const strict = await kubectl(['create', '-f', file])
      expect(strict.stderr).toContain('Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replicaz"')
      expect(kube.requests.some((r) => r.method === 'POST' && r.query.includes('fieldValidation=Strict'))).toBe(true)
      const warned = await kubectl(['create', '-f', file, '--validate=warn'])
      expect(warned).toMatchObject({code: 0, stderr: 'Warning: unknown field "spec.replicaz"\n', stdout: 'deployment.apps/extra created\n'})
      expect(kube.store.get('deployments', 'default', 'extra')!.spec).not.toHaveProperty('replicaz')
    })

    it('reports duplicate fields of a raw JSON body as strict errors', async () => {
      const file = join(dir, 'dup.json')
      writeFileSync(file, '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dup"},"data":{"a":"1"},"data":{"b":"2"}}')
      const result = await kubectl(['create', '--raw', '/api/v1/namespaces/default/configmaps?fieldValidation=Strict', '-f', file])
      expect(result.stderr).toBe('Error from server (BadRequest): ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: duplicate field "data"\n')
      expect(kube.store.get('configmaps', 'default', 'dup')).toBeUndefined()
    })

    it('answers 422 when a strategic merge patch gives a field the wrong type', async () => {
      const result = await kubectl(['patch', 'deployment', 'orgchart', '-p', '{"spec":{"replicas":"two"}}'])
      expect(result.stderr).toBe('The request is invalid: patch: Invalid value: "map[spec:map[replicas:two]]": unrecognized type: int32\n')
      const sent = kube.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith('/deployments/orgchart')).at(-1)!
      expect(sent.status).toBe(422)
    })

    it('answers 422 with the JSON decoder\'s message when a merge patch gives a field the wrong type', async () => {
      const result = await kubectl(['patch', 'deployment', 'orgchart', '--type=merge', '-p', '{"spec":{"template":{"metadata":{"annotations":{"x":true}}}}}'])
      expect(result.stderr).toMatch(/^The request is invalid: patch: Invalid value: ".*": json: cannot unmarshal bool into Go struct field ObjectMeta\.spec\.template\.metadata\.annotations of type string\n$/)
    })

    it('answers 422 when a JSON patch test operation fails, changing nothing', async () => {
      const before = kube.store.get('deployments', 'default', 'orgchart')!.metadata.resourceVersion
      const result = await kubectl(['patch', 'deployment', 'orgchart', '--type=json', '-p', '[{"op":"test","path":"/spec/replicas","value":5},{"op":"replace","path":"/spec/replicas","value":5}]'])
      expect(result.stderr).toBe('The request is invalid: the server rejected our request due to an error in our request\n')
      expect(kube.store.get('deployments', 'default', 'orgchart')!.metadata.resourceVersion).toBe(before)
    })

    it('warns about and drops an unknown field in a patch (the server default is Warn)', async () => {
      const result = await kubectl(['patch', 'deployment', 'orgchart', '-p', '{"spec":{"replicaz":3}}'])
      expect(result.stderr).toBe('Warning: unknown field "spec.replicaz"\n')
      expect(kube.store.get('deployments', 'default', 'orgchart')!.spec).not.toHaveProperty('replicaz')
    })
  })

  describe('server-side dry run', () => {
    it('runs admission, the injector webhook included, and returns the pod that would be stored without storing it', async () => {
      const annotations = ['--annotations=vault.hashicorp.com/agent-inject=true', '--annotations=vault.hashicorp.com/role=internal-app']
      const result = await kubectl(['run', 'dry', '--image=busybox:1.36', ...annotations, '--dry-run=server', '-o', 'json'])
      expect(result.code).toBe(0)
      const pod = JSON.parse(result.stdout)
      expect(pod.spec.initContainers.map((c: {name: string}) => c.name)).toEqual(['vault-agent-init'])
      expect(pod.spec.containers.map((c: {name: string}) => c.name)).toEqual(['dry', 'vault-agent'])
      expect(pod.metadata.annotations['vault.hashicorp.com/agent-inject-status']).toBe('injected')
      expect(pod.spec.volumes.some((v: {name: string}) => v.name.startsWith('kube-api-access-'))).toBe(true)
      expect(pod.metadata.uid).toBeTruthy()
      expect(pod.metadata).not.toHaveProperty('resourceVersion')
      expect(kube.store.get('pods', 'default', 'dry')).toBeUndefined()
      expect(kube.requests.some((r) => r.method === 'POST' && r.path.endsWith('/pods') && r.query.includes('dryRun=All'))).toBe(true)
    })

    it('reports AlreadyExists as a real create would', async () => {
      const result = await kubectl(['create', 'serviceaccount', 'vault', '--dry-run=server'])
      expect(result.stderr).toBe('error: failed to create serviceaccount: serviceaccounts "vault" already exists\n')
    })

    it('surfaces the webhook\'s denial and validation errors, storing nothing', async () => {
      const denied = await kubectl(['run', 'system', '-n', 'kube-system', '--image=busybox:1.36', '--annotations=vault.hashicorp.com/agent-inject=true', '--dry-run=server'])
      expect(denied.stderr).toContain('admission webhook "vault.hashicorp.com" denied the request')
      const invalid = await kubectl(['patch', 'deployment', 'orgchart', '--dry-run=server', '-p', '{"spec":{"template":{"metadata":{"labels":{"app":"other"}}}}}'])
      expect(invalid.stderr).toContain('`selector` does not match template `labels`')
      expect(kube.store.get('deployments', 'default', 'orgchart')!.spec.template.metadata.labels.app).toBe('orgchart')
    })
  })

  describe('field selectors', () => {
    it('answers 400 naming a field label pods do not support, never an empty list', async () => {
      const result = await kubectl(['get', 'pods', '--field-selector', 'spec.foo=x'])
      expect(result.code).toBe(1)
      expect(result.stderr).toBe('Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector "", field selector "spec.foo=x": field label not supported: spec.foo\n')
    })

    it('names the only labels a kind without its own conversion accepts (deployments)', async () => {
      const result = await kubectl(['get', 'deployments', '--field-selector', 'status.replicas=1'])
      expect(result.stderr).toContain('"status.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"')
    })

    it('selects pods on the fields the pod registry exposes', async () => {
      const [running, byAccount, events] = await Promise.all([
        kubectl(['get', 'pods', '--field-selector', 'status.phase=Running,spec.serviceAccountName=vault', '-o', 'name']),
        kubectl(['get', 'pods', '--field-selector', 'spec.serviceAccountName!=vault', '-o', 'name']),
        kubectl(['get', 'events', '--field-selector', 'involvedObject.name=vault-0,reason=Scheduled', '-o', 'jsonpath={.items[*].reason}']),
      ])
      expect(running.stdout).toBe('pod/vault-0\n')
      expect(byAccount.stdout).not.toContain('pod/vault-0')
      expect(events.stdout).toBe('Scheduled')
    })

    it('refuses an unsupported field on a watch too', async () => {
      const result = await kubectl(['get', 'secrets', '--field-selector', 'data.x=y', '-w'])
      expect(result.stderr).toContain('field label not supported: data.x')
    })
  })

  describe('graceful pod deletion', () => {
    it('marks the pod Terminating with deletionTimestamp and the grace period, then removes it', async () => {
      expect((await kubectl(['run', 'doomed', '--image=busybox:1.36', '--restart=Never', '--', 'sleep', '3600'])).code).toBe(0)
      await kube.waitFor('pods', 'default', 'doomed', (p) => p.status?.phase === 'Running')
      const watch = kubectlStream(kubectl, ['get', 'pod', 'doomed', '-w', '--output-watch-events'])
      try {
        await watch.until(/^ADDED\s+doomed\s+1\/1\s+Running/m)
        const deleted = await kubectl(['delete', '--raw', '/api/v1/namespaces/default/pods/doomed'])
        const body = JSON.parse(deleted.stdout)
        expect(body.kind).toBe('Pod')
        expect(body.metadata.deletionGracePeriodSeconds).toBe(30)
        expect(Date.parse(body.metadata.deletionTimestamp) - Date.now()).toBeGreaterThan(20_000)
        await watch.until(/^MODIFIED\s+doomed\s+1\/1\s+Terminating\s+0/m)
        await watch.until(/^DELETED\s+doomed\s/m)
      } finally {
        await watch.stop()
      }
    })

    it('creates the replacement while the old ReplicaSet pod is still terminating', async () => {
      const injector = kube.store.list('pods', 'default').find((p) => p.metadata.name.startsWith('vault-agent-injector-'))!
      const watch = kubectlStream(kubectl, ['get', 'pods', '-l', 'app.kubernetes.io/name=vault-agent-injector', '-w', '--output-watch-events'])
      try {
        await watch.until(new RegExp(`${injector.metadata.name}\\s+1/1\\s+Running`))
        expect((await kubectl(['delete', 'pod', injector.metadata.name])).stdout).toBe(`pod "${injector.metadata.name}" deleted\n`)
        await watch.until(new RegExp(`^DELETED\\s+${injector.metadata.name}`, 'm'))
        const lines = watch.stdout.split('\n')
        const terminating = lines.findIndex((l) => l.includes(injector.metadata.name) && l.includes('Terminating'))
        const replacement = lines.findIndex((l) => /^ADDED\s+vault-agent-injector-/.test(l) && !l.includes(injector.metadata.name))
        const gone = lines.findIndex((l) => l.startsWith('DELETED') && l.includes(injector.metadata.name))
        expect(terminating).toBeGreaterThan(0)
        expect(replacement).toBeGreaterThan(terminating)
        expect(gone).toBeGreaterThan(replacement)
      } finally {
        await watch.stop()
      }
    })

    it('deletes at once with --grace-period=0 --force', async () => {
      expect((await kubectl(['run', 'forced', '--image=busybox:1.36', '--restart=Never', '--', 'sleep', '3600'])).code).toBe(0)
      await kube.waitFor('pods', 'default', 'forced', (p) => p.status?.phase === 'Running')
      const result = await kubectl(['delete', 'pod', 'forced', '--grace-period=0', '--force'])
      expect(result.stderr).toContain('Warning: Immediate deletion does not wait for confirmation')
      expect(kube.store.get('pods', 'default', 'forced')).toBeUndefined()
    })
  })
})

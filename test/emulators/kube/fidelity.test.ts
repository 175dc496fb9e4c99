/**
 * The emulator's answers compared byte for byte with what kubernetes/kubernetes v1.32 (and apimachinery v0.32.0)
 * sends: tables, list pages, selectors, options validation, watch events, reviews, logs. Each expectation names the
 * source it was read from; docs/emulated-cluster.md ("Checked against") lists them.
 */
import {request} from 'node:https'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startKubeEmulator, type KubeEmulator} from './index.js'
import {execCapture, hasKubectl, kubectlFor} from './test-support.js'

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** One request as a client sends it; the body is written as given. */
function call(kube: KubeEmulator, method: string, path: string, opts: {body?: unknown; contentType?: string; accept?: string} = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {Authorization: `Bearer ${kube.adminToken}`, Accept: opts.accept ?? 'application/json'}
    const payload = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body)
    if (payload !== undefined) {
      headers['Content-Type'] = opts.contentType ?? 'application/json'
      // Node frames a DELETE body only with an explicit length
      headers['Content-Length'] = String(Buffer.byteLength(payload))
    }
    const req = request(`${kube.url}${path}`, {method, ca: kube.caPem, headers}, (res) => {
      let body = ''
      res.on('data', (d: Buffer) => (body += d))
      res.on('end', () => resolve({status: res.statusCode ?? 0, headers: res.headers, body}))
    })
    req.on('error', reject)
    req.end(payload)
  })
}

/** A watch read line by line: `next()` resolves with each event as it arrives, `ended` when the server closes. */
function watch(kube: KubeEmulator, path: string, accept = 'application/json') {
  const events: Array<{type: string; object: Record<string, any>}> = []
  const waiters: Array<() => void> = []
  let buffer = ''
  let done = false
  const req = request(`${kube.url}${path}`, {ca: kube.caPem, headers: {Authorization: `Bearer ${kube.adminToken}`, Accept: accept}}, (res) => {
    res.on('data', (d: Buffer) => {
      buffer += d
      let i: number
      while ((i = buffer.indexOf('\n')) >= 0) {
        events.push(JSON.parse(buffer.slice(0, i)))
        buffer = buffer.slice(i + 1)
      }
      for (const w of waiters.splice(0)) w()
    })
    res.on('end', () => {
      done = true
      for (const w of waiters.splice(0)) w()
    })
  })
  req.end()
  const ended = new Promise<void>((resolve) => req.on('close', resolve))
  return {
    events,
    ended,
    /** waits until an event satisfies `pred` (or the stream ends) */
    async until(pred: (e: {type: string; object: Record<string, any>}) => boolean) {
      for (;;) {
        const found = events.find(pred)
        if (found) return found
        if (done) throw new Error(`watch ended without the event; got ${JSON.stringify(events.map((e) => e.type))}`)
        await new Promise<void>((resolve) => waiters.push(resolve))
      }
    },
    stop: () => req.destroy(),
  }
}

const status = (code: number, reason: string, message: string, details?: object) => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message,
  reason,
  ...(details ? {details} : {}),
  code,
})

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json'
const NAME_DOC =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names'

describe.skipIf(!hasKubectl)('the kube emulator compared with the v1.32 API server', () => {
  let kube: KubeEmulator
  let kubectl: ReturnType<typeof kubectlFor>

  beforeAll(async () => {
    kube = await startKubeEmulator({preset: 'tutorial'})
    kubectl = kubectlFor(kube)
  })
  afterAll(async () => {
    await kube?.stop()
  })

  describe('tables (pkg/printers/internalversion/printers.go, endpoints/handlers/response.go)', () => {
    it('declares the pod columns with their SwaggerDoc descriptions, in TableColumnDefinition field order', async () => {
      const {body} = await call(kube, 'GET', '/api/v1/namespaces/default/pods', {accept: TABLE})
      const columns = JSON.parse(body).columnDefinitions
      // encoding/json writes name, type, format, description, priority; format is never omitted
      expect(body).toContain(`"columnDefinitions":[{"name":"Name","type":"string","format":"name","description":${JSON.stringify(NAME_DOC)},"priority":0},`)
      expect(columns[1]).toEqual({name: 'Ready', type: 'string', format: '', description: 'The aggregate readiness state of this pod for accepting traffic.', priority: 0})
      expect(columns.map((c: {name: string; priority: number}) => `${c.name}/${c.priority}`)).toEqual([
        'Name/0',
        'Ready/0',
        'Status/0',
        'Restarts/0',
        'Age/0',
        'IP/1',
        'Node/1',
        'Nominated Node/1',
        'Readiness Gates/1',
      ])
      expect(columns[5].description).toBe('podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.')
    })

    it('types a Deployment’s Up-to-date and Available as strings and serves events with all ten wide cells', async () => {
      const deploy = JSON.parse((await call(kube, 'GET', '/apis/apps/v1/namespaces/default/deployments', {accept: TABLE})).body)
      expect(deploy.columnDefinitions.slice(1, 4).map((c: {name: string; type: string}) => `${c.name}:${c.type}`)).toEqual(['Ready:string', 'Up-to-date:string', 'Available:string'])
      expect(deploy.columnDefinitions[1].description).toBe('Number of the pod with ready state')
      const events = JSON.parse((await call(kube, 'GET', '/api/v1/namespaces/default/events', {accept: TABLE})).body)
      expect(events.columnDefinitions.map((c: {name: string}) => c.name)).toEqual(['Last Seen', 'Type', 'Reason', 'Object', 'Subobject', 'Source', 'Message', 'First Seen', 'Count', 'Name'])
      const scheduled = events.rows.find((r: {cells: unknown[]}) => r.cells[2] === 'Scheduled')
      expect(scheduled.cells.slice(1, 7)).toEqual(['Normal', 'Scheduled', expect.stringMatching(/^pod\//), '', 'default-scheduler', expect.stringMatching(/^Successfully assigned default\//)])
      expect(scheduled.cells[8]).toBe(1)
    })

    it('sends object null under includeObject=None and refuses an unknown includeObject with 400', async () => {
      const none = await call(kube, 'GET', '/api/v1/namespaces/default/serviceaccounts?includeObject=None', {accept: TABLE})
      expect(none.body).toMatch(/"rows":\[\{"cells":\["default",0,"\d+[smhd]"\],"object":null\}/)
      const bad = await call(kube, 'GET', '/api/v1/namespaces/default/serviceaccounts?includeObject=All', {accept: TABLE})
      expect(bad.status).toBe(400)
      expect(JSON.parse(bad.body)).toEqual(
        status(400, 'BadRequest', `Unable to convert to Table as requested: includeObject: Invalid value: "All": must be 'Metadata', 'Object', 'None', or empty`),
      )
    })

    it('marks a finished pod’s row Completed (podSuccessConditions)', async () => {
      expect((await kubectl(['run', 'finished', '--image=busybox:1.36', '--restart=Never', '--', 'sh', '-c', 'echo done'])).code).toBe(0)
      expect((await kubectl(['wait', '--for=jsonpath={.status.phase}=Succeeded', 'pod/finished', '--timeout=20s'])).code).toBe(0)
      const table = JSON.parse((await call(kube, 'GET', '/api/v1/namespaces/default/pods/finished', {accept: TABLE})).body)
      expect(table.rows[0].conditions).toEqual([{type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.'}])
      expect(table.rows[0].cells[2]).toBe('Completed')
    })
  })

  describe('list pages (apiserver pkg/storage/continue.go, etcd3/store.go GetList)', () => {
    it('pages with limit and continue: key order, the token, remainingItemCount, and kubectl --chunk-size reading every page', async () => {
      const first = JSON.parse((await call(kube, 'GET', '/api/v1/pods?limit=2')).body)
      const all = JSON.parse((await call(kube, 'GET', '/api/v1/pods')).body)
      const keys = all.items.map((p: {metadata: {namespace: string; name: string}}) => `${p.metadata.namespace}/${p.metadata.name}`)
      expect(keys).toEqual([...keys].sort())
      expect(first.items.map((p: {metadata: {name: string}}) => p.metadata.name)).toEqual(all.items.slice(0, 2).map((p: {metadata: {name: string}}) => p.metadata.name))
      expect(first.metadata.remainingItemCount).toBe(all.items.length - 2)
      const token = JSON.parse(Buffer.from(first.metadata.continue, 'base64url').toString())
      expect(token).toEqual({v: 'meta.k8s.io/v1', rv: Number(first.metadata.resourceVersion), start: `${keys[1]}\u0000`})
      expect(first.metadata.continue).not.toMatch(/[=+/]/)
      const second = JSON.parse((await call(kube, 'GET', `/api/v1/pods?limit=2&continue=${first.metadata.continue}`)).body)
      expect(second.items.map((p: {metadata: {namespace: string; name: string}}) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual(keys.slice(2, 4))
      expect(second.metadata.resourceVersion).toBe(first.metadata.resourceVersion)

      kube.requests.length = 0
      const chunked = await kubectl(['get', 'pods', '-A', '--chunk-size=2', '-o', 'name'])
      expect(chunked.stdout.trim().split('\n')).toHaveLength(all.items.length)
      const pages = kube.requests.filter((r) => r.path === '/api/v1/pods')
      expect(pages.length).toBe(Math.ceil(all.items.length / 2))
      expect(pages.slice(1).every((r) => new URLSearchParams(r.query).has('continue'))).toBe(true)
    })

    it('serves resourceVersion=0 whole, leaves remainingItemCount out under a selector, and refuses a bad token', async () => {
      const cached = JSON.parse((await call(kube, 'GET', '/api/v1/pods?limit=1&resourceVersion=0')).body)
      expect(cached.items.length).toBeGreaterThan(1)
      expect(cached.metadata.continue).toBeUndefined()
      const selected = JSON.parse((await call(kube, 'GET', '/api/v1/namespaces/kube-system/pods?limit=1&labelSelector=tier%3Dcontrol-plane')).body)
      expect(selected.metadata.continue).toBeDefined()
      expect(selected.metadata.remainingItemCount).toBeUndefined()
      const bad = await call(kube, 'GET', '/api/v1/pods?limit=1&continue=abc!')
      expect(JSON.parse(bad.body)).toEqual(status(400, 'BadRequest', 'invalid continue token: continue key is not valid: illegal base64 data at input byte 3'))
      const noRv = Buffer.from(JSON.stringify({v: 'meta.k8s.io/v1', rv: 0, start: 'a'})).toString('base64url')
      expect(JSON.parse((await call(kube, 'GET', `/api/v1/pods?limit=1&continue=${noRv}`)).body).message).toBe(
        'invalid continue token: continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
      )
    })
  })

  describe('selectors (apimachinery pkg/labels/selector.go, pkg/fields/selector.go)', () => {
    it('answers labels.Parse’s errors with 400, even where nothing would match', async () => {
      const cases: Array<[string, string]> = [
        ['a===b', "unable to parse requirement: found '=', expected: identifier"],
        ['a b', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
        ['=a', "found '=', expected: !, identifier, or 'end of string'"],
        ['app=x,', "found '', expected: identifier after ','"],
        ['app in x', "unable to parse requirement: found 'x' expected: '('"],
        ['x>abc', `unable to parse requirement: values[0]: Invalid value: "abc": for 'Gt', 'Lt' operators, the value must be an integer`],
      ]
      for (const [selector, message] of cases) {
        const answer = await call(kube, 'GET', `/api/v1/namespaces/nowhere/pods?labelSelector=${encodeURIComponent(selector)}`)
        expect({selector, ...JSON.parse(answer.body)}).toEqual({selector, ...status(400, 'BadRequest', message)})
      }
      const viaKubectl = await kubectl(['get', 'pods', '-l', 'app=a_'])
      expect(viaKubectl.stderr).toContain(
        `unable to parse requirement: values[0][app]: Invalid value: "a_": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
      )
    })

    it('matches set-based and numeric requirements as Requirement.Matches does', async () => {
      const names = async (selector: string) =>
        JSON.parse((await call(kube, 'GET', `/api/v1/namespaces/kube-system/pods?labelSelector=${encodeURIComponent(selector)}`)).body).items.map((p: {metadata: {name: string}}) => p.metadata.name)
      expect(await names('component in (etcd,kube-scheduler)')).toEqual(['etcd-minikube', 'kube-scheduler-minikube'])
      expect(await names('pod-template-generation>0')).toEqual([expect.stringMatching(/^kube-proxy-/)])
      expect(await names('pod-template-generation<1')).toEqual([])
    })

    it('splits and unescapes field selectors without trimming', async () => {
      const message = async (selector: string) => JSON.parse((await call(kube, 'GET', `/api/v1/pods?fieldSelector=${encodeURIComponent(selector)}`)).body).message
      expect(await message('status.phase=a=b')).toBe('invalid field selector: unescaped character in value: 61')
      expect(await message('status.phase=a\\q')).toBe('invalid field selector: invalid escape sequence: \\q')
      expect(await message('status.phase = Running')).toBe('field label not supported: status.phase ')
    })
  })

  describe('options validation (apimachinery pkg/apis/meta/v1/validation, internalversion/validation)', () => {
    it('refuses bad create, patch and list options with 422 on the options kind', async () => {
      const create = await call(kube, 'POST', '/api/v1/namespaces/default/configmaps?dryRun=Some', {body: {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'x'}}})
      expect(create.status).toBe(422)
      expect(JSON.parse(create.body)).toEqual(
        status(422, 'Invalid', 'CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"Some"}: supported values: "All"', {
          group: 'meta.k8s.io',
          kind: 'CreateOptions',
          causes: [{reason: 'FieldValueNotSupported', message: 'Unsupported value: []string{"Some"}: supported values: "All"', field: 'dryRun'}],
        }),
      )
      const forced = await call(kube, 'PATCH', '/api/v1/namespaces/default/serviceaccounts/default?force=true', {body: {}, contentType: 'application/merge-patch+json'})
      expect(JSON.parse(forced.body).message).toBe('PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch')
      const validation = await call(kube, 'PUT', '/api/v1/namespaces/default/serviceaccounts/default?fieldValidation=strict', {body: {}})
      expect(JSON.parse(validation.body).message).toBe('UpdateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "strict": supported values: "", "Ignore", "Strict", "Warn"')
      const list = await call(kube, 'GET', '/api/v1/pods?resourceVersionMatch=Exact')
      expect(JSON.parse(list.body).message).toBe('ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided')
      const watchList = await call(kube, 'GET', '/api/v1/pods?watch=1&sendInitialEvents=true')
      expect(JSON.parse(watchList.body).message).toBe('ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan')
    })

    it('reads DeleteOptions from the body: kubectl delete --dry-run=server keeps the object; preconditions quote the storage error', async () => {
      expect((await kubectl(['create', 'configmap', 'kept'])).code).toBe(0)
      const dry = await kubectl(['delete', 'configmap', 'kept', '--dry-run=server'])
      expect(dry.stdout).toBe('configmap "kept" deleted (server dry run)\n')
      expect((await kubectl(['get', 'configmap', 'kept', '-o', 'name'])).stdout).toBe('configmap/kept\n')
      const rv = JSON.parse((await call(kube, 'GET', '/api/v1/namespaces/default/configmaps/kept')).body).metadata.resourceVersion
      const stale = await call(kube, 'DELETE', '/api/v1/namespaces/default/configmaps/kept', {body: {kind: 'DeleteOptions', apiVersion: 'v1', preconditions: {resourceVersion: '1'}}})
      expect(JSON.parse(stale.body)).toEqual(
        status(
          409,
          'Conflict',
          `Operation cannot be fulfilled on configmaps "kept": StorageError: invalid object, Code: 4, Key: /registry/configmaps/default/kept, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: ResourceVersion in precondition: 1, ResourceVersion in object meta: ${rv}`,
          {name: 'kept', kind: 'configmaps'},
        ),
      )
    })
  })

  describe('routing (apiserver pkg/server/handler.go, pkg/endpoints/installer.go)', () => {
    it('answers 405 to POST on an object and PUT/PATCH on a collection, and 415 with the patch types in installer order', async () => {
      const notAllowed = status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {})
      const post = await call(kube, 'POST', '/api/v1/namespaces/default/configmaps/routed', {body: {metadata: {name: 'routed'}}})
      expect(JSON.parse(post.body)).toEqual(notAllowed)
      expect(JSON.parse((await call(kube, 'GET', '/api/v1/namespaces/default/configmaps/routed')).body).reason).toBe('NotFound')
      expect(JSON.parse((await call(kube, 'PUT', '/api/v1/namespaces/default/configmaps', {body: {metadata: {name: 'routed'}}})).body)).toEqual(notAllowed)
      const patch = await call(kube, 'PATCH', '/api/v1/namespaces/default/serviceaccounts/default', {body: '{}', contentType: 'text/plain'})
      expect(JSON.parse(patch.body)).toEqual(
        status(
          415,
          'UnsupportedMediaType',
          'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml',
        ),
      )
      const create = await call(kube, 'POST', '/api/v1/namespaces/default/configmaps', {body: '{"metadata":{"name":"y"}}', contentType: 'text/plain'})
      expect(JSON.parse(create.body).message).toBe('the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf')
    })

    it('leaves managedFields out when the writer owns no field', async () => {
      const created = JSON.parse((await call(kube, 'POST', '/api/v1/namespaces/default/configmaps', {body: {metadata: {name: 'bare'}}})).body)
      expect(created.metadata.managedFields).toBeUndefined()
      const withData = JSON.parse((await call(kube, 'POST', '/api/v1/namespaces/default/configmaps?fieldManager=tester', {body: {metadata: {name: 'full'}, data: {a: '1'}}})).body)
      expect(withData.metadata.managedFields).toEqual([
        {manager: 'tester', operation: 'Update', apiVersion: 'v1', time: expect.any(String), fieldsType: 'FieldsV1', fieldsV1: {'f:data': {'.': {}, 'f:a': {}}}},
      ])
    })
  })

  describe('watch (apiserver pkg/storage/cacher)', () => {
    it('reports a compacted resourceVersion inside the watch as 410 Expired naming the oldest replayable version', async () => {
      const w = watch(kube, '/api/v1/namespaces/default/pods?watch=1&resourceVersion=5')
      await w.ended
      expect(w.events).toEqual([
        {type: 'ERROR', object: {kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'too old resource version: 5 (1000)', reason: 'Expired', code: 410}},
      ])
    })

    it('sends a BOOKMARK with the kind’s empty object 2 s before timeoutSeconds when bookmarks are allowed, none otherwise', async () => {
      const w = watch(kube, '/api/v1/namespaces/default/pods?watch=1&allowWatchBookmarks=true&timeoutSeconds=3')
      const plain = watch(kube, '/api/v1/namespaces/default/pods?watch=1&timeoutSeconds=3')
      const bookmark = await w.until((e) => e.type === 'BOOKMARK')
      expect(bookmark.object).toEqual({kind: 'Pod', apiVersion: 'v1', metadata: {resourceVersion: expect.stringMatching(/^\d+$/), creationTimestamp: null}, spec: {containers: null}, status: {}})
      await Promise.all([w.ended, plain.ended])
      expect(plain.events.filter((e) => e.type === 'BOOKMARK')).toEqual([])
    })

    it('ends the initial events of sendInitialEvents=true with the annotated bookmark', async () => {
      const w = watch(kube, '/api/v1/namespaces/default/serviceaccounts?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true')
      const end = await w.until((e) => e.type === 'BOOKMARK')
      w.stop()
      expect(end.object.metadata.annotations).toEqual({'k8s.io/initial-events-end': 'true'})
      const before = w.events.slice(0, w.events.indexOf(end))
      expect(before.length).toBeGreaterThan(0)
      expect(before.every((e) => e.type === 'ADDED')).toBe(true)
    })

    it('turns an object entering the selector into ADDED and one leaving it into DELETED', async () => {
      expect((await kubectl(['create', 'configmap', 'moving'])).code).toBe(0)
      const w = watch(kube, '/api/v1/namespaces/default/configmaps?watch=1&labelSelector=stage%3Dtest')
      expect((await kubectl(['label', 'configmap', 'moving', 'stage=test'])).code).toBe(0)
      await w.until((e) => e.object.metadata?.name === 'moving')
      expect((await kubectl(['label', 'configmap', 'moving', 'stage=prod', '--overwrite'])).code).toBe(0)
      await w.until((e) => e.type === 'DELETED')
      w.stop()
      expect(w.events.map((e) => `${e.type} ${e.object.metadata.labels?.stage}`)).toEqual(['ADDED test', 'DELETED prod'])
    })
  })

  describe('exec (kubelet streaming server, cri-dockerd)', () => {
    it('ends with the status on channel 3: Success, or NonZeroExitCode with the docker runtime’s message and the code as a cause', async () => {
      const ok = await execCapture(kubectl.kubeconfig, 'default', 'vault-0', 'vault', ['sh', '-c', 'echo fine'])
      expect(ok).toEqual({status: {metadata: {}, status: 'Success'}, stdout: 'fine\n', stderr: ''})
      const failed = await execCapture(kubectl.kubeconfig, 'default', 'vault-0', 'vault', ['sh', '-c', 'exit 3'])
      expect(failed.status).toEqual({
        metadata: {},
        status: 'Failure',
        message: 'command terminated with non-zero exit code: Error executing in Docker Container: 3',
        reason: 'NonZeroExitCode',
        details: {causes: [{reason: 'ExitCode', message: '3'}]},
      })
      // kubectl prints its own line from the cause
      expect((await kubectl(['exec', 'vault-0', '--', 'sh', '-c', 'exit 3'])).stderr).toBe('command terminated with exit code 3\n')
    })
  })

  describe('reviews, logs and generation', () => {
    it('gives an allowed SubjectAccessReview the RBAC reason naming the binding', async () => {
      const review = await call(kube, 'POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
        body: {
          kind: 'SubjectAccessReview',
          apiVersion: 'authorization.k8s.io/v1',
          spec: {user: 'system:serviceaccount:default:vault', resourceAttributes: {verb: 'create', group: 'authentication.k8s.io', resource: 'tokenreviews'}},
        },
      })
      expect(review.status).toBe(201)
      expect(JSON.parse(review.body).status).toEqual({
        allowed: true,
        reason: 'RBAC: allowed by ClusterRoleBinding "vault-server-binding" of ClusterRole "system:auth-delegator" to ServiceAccount "vault/default"',
      })
      const denied = await call(kube, 'POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
        body: {kind: 'SubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', spec: {user: 'bob', resourceAttributes: {verb: 'get', resource: 'pods', namespace: 'default'}}},
      })
      expect(JSON.parse(denied.body).status).toEqual({allowed: false})
    })

    it('lists init, app and ephemeral containers when a log request names none; an unscheduled pod’s log is 204', async () => {
      const pod = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {name: 'several'},
        spec: {
          initContainers: [{name: 'prepare', image: 'busybox:1.36', command: ['sh', '-c', 'true']}],
          containers: [
            {name: 'app', image: 'busybox:1.36', command: ['sleep', '3600']},
            {name: 'side', image: 'busybox:1.36', command: ['sleep', '3600']},
          ],
        },
      }
      expect((await call(kube, 'POST', '/api/v1/namespaces/default/pods', {body: pod})).status).toBe(201)
      const log = await call(kube, 'GET', '/api/v1/namespaces/default/pods/several/log')
      expect(JSON.parse(log.body)).toEqual(status(400, 'BadRequest', 'a container name must be specified for pod several, choose one of: [prepare app side]'))
      const pending = {...pod, metadata: {name: 'nowhere'}, spec: {...pod.spec, nodeSelector: {disk: 'none'}}}
      expect((await call(kube, 'POST', '/api/v1/namespaces/default/pods', {body: pending})).status).toBe(201)
      const empty = await call(kube, 'GET', '/api/v1/namespaces/default/pods/nowhere/log?container=app')
      expect({status: empty.status, body: empty.body}).toEqual({status: 204, body: ''})
    })

    it('moves a Deployment’s generation on an annotation change, and the controller observes it', async () => {
      const before = JSON.parse((await kubectl(['get', 'deploy', 'orgchart', '-o', 'json'])).stdout).metadata.generation
      expect((await kubectl(['annotate', 'deploy', 'orgchart', 'team=docs'])).code).toBe(0)
      const rollout = await kubectl(['rollout', 'status', 'deploy/orgchart', '--timeout=20s'])
      expect(rollout.code).toBe(0)
      const after = JSON.parse((await kubectl(['get', 'deploy', 'orgchart', '-o', 'json'])).stdout)
      expect(after.metadata.generation).toBe(before + 1)
      expect(after.status.observedGeneration).toBe(before + 1)
      // a server-side dry run answers with the generation the write would store, and stores nothing
      const dry = await kubectl(['patch', 'deploy', 'orgchart', '-p', '{"spec":{"replicas":3}}', '--dry-run=server', '-o', 'jsonpath={.metadata.generation} {.spec.replicas}'])
      expect(dry.stdout).toBe(`${before + 2} 3`)
      expect((await kubectl(['get', 'deploy', 'orgchart', '-o', 'jsonpath={.metadata.generation} {.spec.replicas}'])).stdout).toBe(`${before + 1} 1`)
    })
  })
})

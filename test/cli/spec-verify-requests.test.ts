/**
 * `vsi verify -f` over many apps: what the API server receives does not grow with the number of apps in a namespace
 * (one list of its deployments, one list of its pods), every pod is still read, and one bad pod is still reported.
 */
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {KubeEmulator, KubeObject, RequestRecord} from '../emulators/kube/index.js'
import {startKubeEmulator} from '../emulators/kube/index.js'
import {runVsi} from '../helpers/cli.js'

const FILE = 'db.json'
const PATH = `/vault/secrets/${FILE}`
/** Three apps in each of two namespaces, and one app alone in a third. */
const APPS = [...['a', 'b', 'c'].map((n) => ({name: `shared-${n}`, namespace: 'team-one'})), ...['d', 'e', 'f'].map((n) => ({name: `shared-${n}`, namespace: 'team-two'})), {name: 'lone', namespace: 'team-three'}]
const REPLICAS = 2

const dir = mkdtempSync(path.join(tmpdir(), 'vsi-spec-verify-requests-'))
const kubeconfig = path.join(dir, 'config')
let kube: KubeEmulator

function specFile(name: string, apps: Array<{name: string; namespace: string; workload?: string}>): string {
  const lines = ['apiVersion: vsi/v1', 'kind: Injection', 'apps:']
  for (const app of apps) {
    lines.push(
      `  - name: ${app.name}`,
      `    namespace: ${app.namespace}`,
      `    workloads: [deployment/${app.workload ?? app.name}]`,
      '    secrets:',
      `      - {file: ${FILE}, path: internal/${app.name}/db, format: json, keys: [user, password]}`,
    )
  }
  const file = path.join(dir, name)
  writeFileSync(file, `${lines.join('\n')}\n`)
  return file
}

const podsOf = (app: {name: string; namespace: string}) =>
  kube.store.list('pods', app.namespace).filter((pod) => pod.metadata.labels?.app === app.name && !pod.metadata.deletionTimestamp)

const verify = (file: string, ...args: string[]) => runVsi(['verify', '-f', file, '--json', '--kubeconfig', kubeconfig, '--timeout', '30s', ...args])

const since = (mark: number) => kube.requests.slice(mark)
const isList = (record: RequestRecord, resource: string, namespace: string) =>
  record.method === 'GET' && record.path === `/${resource === 'pods' ? 'api/v1' : 'apis/apps/v1'}/namespaces/${namespace}/${resource}`
const execsOf = (records: RequestRecord[]) => records.filter((record) => record.path.endsWith('/exec')).map((record) => record.path.split('/')[6])

beforeAll(async () => {
  kube = await startKubeEmulator({preset: 'tutorial'})
  kube.writeKubeconfig(kubeconfig)
  const template = kube.store.get('Deployment', 'default', 'orgchart')!
  for (const namespace of new Set(APPS.map((app) => app.namespace))) kube.store.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: namespace}})
  for (const app of APPS) {
    kube.store.create({apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: app.name, namespace: app.namespace}})
    const deployment: KubeObject = structuredClone(template)
    deployment.metadata = {name: app.name, namespace: app.namespace, labels: {app: app.name}}
    deployment.spec.replicas = REPLICAS
    deployment.spec.selector = {matchLabels: {app: app.name}}
    deployment.spec.template.metadata = {
      labels: {app: app.name},
      annotations: {
        'vault.hashicorp.com/agent-inject': 'true',
        'vault.hashicorp.com/role': app.name,
        [`vault.hashicorp.com/agent-inject-secret-${FILE}`]: `internal/data/${app.name}/db`,
      },
    }
    deployment.spec.template.spec.serviceAccountName = app.name
    delete deployment.status
    kube.store.create(deployment)
  }
  await kube.settle()
  for (const app of APPS) {
    for (const pod of podsOf(app)) kube.setRenderedFile(app.namespace, pod.metadata.name, 'orgchart', PATH, `{"user": "u-${app.name}", "password": "p-${app.name}"}\n`)
  }
}, 60_000)

afterAll(async () => {
  await kube?.stop()
})

describe('vsi verify -f: requests to the API server', () => {
  it('lists the deployments and the pods of a namespace once, whatever the number of its apps', async () => {
    const mark = kube.requests.length
    const result = await verify(specFile('all.yaml', APPS))
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.json.result.summary).toMatchObject({workloads: APPS.length, pods: APPS.length * REPLICAS, failed: 0})
    const records = since(mark)
    for (const namespace of ['team-one', 'team-two']) {
      expect(records.filter((record) => isList(record, 'deployments', namespace))).toHaveLength(1)
      expect(records.filter((record) => isList(record, 'pods', namespace))).toHaveLength(1)
    }
    // No deployment of a shared namespace is read on its own.
    expect(records.filter((record) => /\/namespaces\/team-(one|two)\/deployments\/./.test(record.path))).toEqual([])
  })

  it('reads a workload alone in its namespace with a get, and its pods by its selector', async () => {
    const mark = kube.requests.length
    const result = await verify(specFile('all.yaml', APPS))
    expect(result.exitCode, result.stderr).toBe(0)
    const records = since(mark).filter((record) => record.path.includes('/namespaces/team-three/') && !record.path.endsWith('/exec'))
    expect(records.map((record) => `${record.method} ${record.path}?${decodeURIComponent(record.query)}`)).toEqual([
      'GET /apis/apps/v1/namespaces/team-three/deployments/lone?',
      'GET /api/v1/namespaces/team-three/pods?labelSelector=app=lone',
    ])
  })

  it('reads the rendered file in every pod of every app, once each', async () => {
    const mark = kube.requests.length
    const result = await verify(specFile('all.yaml', APPS))
    expect(result.exitCode, result.stderr).toBe(0)
    const pods = APPS.flatMap((app) => podsOf(app).map((pod) => pod.metadata.name)).sort()
    expect(execsOf(since(mark)).sort()).toEqual(pods)
    expect(since(mark).filter((record) => record.path.endsWith('/exec')).every((record) => new URLSearchParams(record.query).getAll('command').join(' ') === `cat ${PATH}`)).toBe(true)
  })

  it('reports the one pod whose file lacks a key (exit 1) while the pods around it pass', async () => {
    const app = APPS[1]
    const [bad] = podsOf(app)
    kube.setRenderedFile(app.namespace, bad.metadata.name, 'orgchart', PATH, '{"user": "u"}\n')
    try {
      const result = await verify(specFile('all.yaml', APPS))
      expect(result.exitCode).toBe(1)
      const {summary, apps} = result.json.result
      expect(result.json.error.message).toBe(`1 of ${summary.checks} checks failed across ${APPS.length} workloads of ${path.join(dir, 'all.yaml')}`)
      const pods = apps.flatMap((entry: {workloads: Array<{pods: Array<{pod: string; passed: boolean}>}>}) => entry.workloads.flatMap((workload) => workload.pods))
      expect(pods.filter((pod: {passed: boolean}) => !pod.passed).map((pod: {pod: string}) => pod.pod)).toEqual([bad.metadata.name])
      const failed = apps[1].workloads[0].pods.find((pod: {pod: string}) => pod.pod === bad.metadata.name)
      expect(failed.checks.find((check: {status: string}) => check.status === 'fail')).toMatchObject({check: 'expect', failure: {class: 'content-mismatch'}})
    } finally {
      kube.setRenderedFile(app.namespace, bad.metadata.name, 'orgchart', PATH, `{"user": "u-${app.name}", "password": "p-${app.name}"}\n`)
    }
  })

  it('fails on a workload the namespace does not have with the API server not-found, naming the app', async () => {
    const result = await verify(specFile('ghost.yaml', [...APPS.slice(0, 3), {name: 'ghost-app', namespace: 'team-one', workload: 'ghost'}]))
    expect(result.exitCode).toBe(1)
    expect(result.json.error.message).toMatch(/^ghost-app: deployment\/ghost: .*"ghost" not found/)
  })

  it('reads each deployment with a get when listing deployments is forbidden, and still passes', async () => {
    kube.deny({verb: 'list', resource: 'deployments', namespace: 'team-two'})
    const mark = kube.requests.length
    const result = await verify(specFile('two.yaml', APPS.slice(3, 6)))
    expect(result.exitCode, result.stderr).toBe(0)
    const gets = since(mark).filter((record) => record.method === 'GET' && /^\/apis\/apps\/v1\/namespaces\/team-two\/deployments\/./.test(record.path))
    expect(gets.map((record) => record.path.split('/').pop()).sort()).toEqual(['shared-d', 'shared-e', 'shared-f'])
  })
})

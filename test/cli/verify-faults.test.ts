import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {KubeEmulator, KubeObject} from '../emulators/kube/index.js'
import {startKubeEmulator} from '../emulators/kube/index.js'
import {projectRoot, runVsi} from '../helpers/cli.js'

const FILE = '/vault/secrets/database-config.txt'
const dir = mkdtempSync(path.join(tmpdir(), 'vsi-verify-faults-'))
const kubeconfig = path.join(dir, 'config')

let kube: KubeEmulator

/** An injected orgchart with rendered files in its own namespace, so that faults aimed at one namespace hit one test. */
async function injectedOrgchart(namespace: string): Promise<void> {
  kube.store.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: namespace}})
  kube.store.create({apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: 'internal-app', namespace}})
  const deployment: KubeObject = structuredClone(kube.store.get('Deployment', 'default', 'orgchart')!)
  deployment.metadata = {name: 'orgchart', namespace, labels: {app: 'orgchart'}}
  deployment.spec.template.metadata.annotations = {
    'vault.hashicorp.com/agent-inject': 'true',
    'vault.hashicorp.com/role': 'internal-app',
    'vault.hashicorp.com/agent-inject-secret-database-config.txt': 'internal/data/database/config',
  }
  delete deployment.status
  kube.store.create(deployment)
  await kube.settle()
  for (const pod of kube.store.list('pods', namespace)) kube.setRenderedFile(namespace, pod.metadata.name, 'orgchart', FILE, 'user: x\n')
}

/** A variant of the emulator's kubeconfig: another token, server or CA. */
function kubeconfigWith(name: string, replace: (text: string) => string): string {
  const file = path.join(dir, name)
  writeFileSync(file, replace(readFileSync(kubeconfig, 'utf8')))
  return file
}

const verify = (args: string[], config = kubeconfig) => runVsi(['verify', 'deployment/orgchart', '--json', ...args, '--kubeconfig', config])

beforeAll(async () => {
  kube = await startKubeEmulator({preset: 'tutorial'})
  kube.writeKubeconfig(kubeconfig)
  await Promise.all(['apps', 'restricted', 'noexec', 'flaky'].map((ns) => injectedOrgchart(ns)))
})

afterAll(async () => {
  await kube?.stop()
})

describe('vsi verify against a failing cluster', () => {
  it('explains bad credentials, an unreachable server and a certificate mismatch', async () => {
    const otherCa = Buffer.from(readFileSync(path.join(projectRoot, 'test/fixtures/tls/other-ca.pem'))).toString('base64')
    const [unauthorized, unreachable, tls] = await Promise.all([
      verify(['-n', 'apps'], kubeconfigWith('bad-token', (t) => t.replace(/token: .*/, 'token: not-a-valid-token'))),
      verify(['-n', 'apps'], kubeconfigWith('closed-port', (t) => t.replace(/server: .*/, 'server: https://127.0.0.1:1'))),
      verify(['-n', 'apps'], kubeconfigWith('other-ca', (t) => t.replace(/certificate-authority-data: .*/, `certificate-authority-data: ${otherCa}`))),
    ])
    expect(unauthorized.exitCode).toBe(1)
    expect(unauthorized.json.error).toMatchObject({code: 'kube-unauthorized', message: `the Kubernetes API server at ${kube.url} rejected the credentials of context "minikube" (401 Unauthorized)`})
    expect(unreachable.exitCode).toBe(1)
    expect(unreachable.json.error).toMatchObject({code: 'kube-unreachable', message: 'cannot reach the Kubernetes API server at https://127.0.0.1:1: connection refused'})
    expect(tls.exitCode).toBe(1)
    expect(tls.json.error.code).toBe('kube-tls')
    expect(tls.json.error.message).toContain(`TLS handshake with the Kubernetes API server at ${kube.url} failed`)
    expect(unauthorized.stdout + unauthorized.stderr).not.toContain('not-a-valid-token')
  })

  it('names the verb and resource the API server forbids, for REST and for exec', async () => {
    kube.deny({verb: 'list', resource: 'pods', namespace: 'restricted'})
    kube.deny({verb: 'create', resource: 'pods/exec', namespace: 'noexec'})
    const [list, exec] = await Promise.all([verify(['-n', 'restricted']), verify(['-n', 'noexec'])])
    expect(list.exitCode).toBe(1)
    expect(list.json.error.code).toBe('kube-forbidden')
    expect(list.json.error.message).toMatch(/^not allowed to list pods in namespace "restricted": User "[^"]+" cannot list resource "pods" in API group "" in the namespace "restricted"$/)
    expect(list.json.error.hint).toContain('kubectl auth can-i list pods -n restricted')
    expect(exec.exitCode).toBe(1)
    expect(exec.json.result.summary.failures).toEqual({'exec-failed': 1})
    const failure = exec.json.result.pods[0].checks.find((c: {check: string}) => c.check === 'file').failure
    expect(failure.reason).toMatch(/^not allowed to create pods\/exec "orgchart-[^"]+" in namespace "noexec": /)
  })

  it('reports a 500 from the API server', async () => {
    kube.failNext({method: 'GET', pathPrefix: '/apis/apps/v1/namespaces/flaky/deployments/orgchart', status: 500})
    const result = await verify(['-n', 'flaky'])
    expect(result.exitCode).toBe(1)
    expect(result.json.error).toMatchObject({code: 'kube-server-error'})
    expect(result.json.error.message).toMatch(new RegExp(`^the Kubernetes API server at ${kube.url} failed to get deployments.apps "orgchart" \\(HTTP 500: Internal error occurred: `))
  })

  it('classifies an exec stream that drops mid-way or closes without a status as exec-failed', async () => {
    kube.failNextExec({mode: 'drop'})
    const dropped = await verify(['-n', 'apps'])
    kube.failNextExec({mode: 'no-status'})
    const noStatus = await verify(['-n', 'apps'])
    for (const result of [dropped, noStatus]) {
      expect(result.exitCode).toBe(1)
      expect(result.json.result.summary.failures).toEqual({'exec-failed': 1})
      const failure = result.json.result.pods[0].checks.find((c: {check: string}) => c.check === 'file').failure
      expect(failure.reason).toMatch(/^the exec stream for running `cat \/vault\/secrets\/database-config.txt` in orgchart-\S+ closed before the command's exit status arrived/)
    }
  })
})

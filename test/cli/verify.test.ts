import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {KubeEmulator, KubeObject} from '../emulators/kube/index.js'
import {startKubeEmulator} from '../emulators/kube/index.js'
import {runVsi} from '../helpers/cli.js'

const SECRET = 'postgresql://db-readonly-username:db-secret-password@postgres:5432/wizard\n'
const FILE = '/vault/secrets/database-config.txt'
const dir = mkdtempSync(path.join(tmpdir(), 'vsi-verify-'))
const kubeconfig = path.join(dir, 'config')

let kube: KubeEmulator

function orgchartPods(namespace = 'default', app = 'orgchart'): KubeObject[] {
  return kube.store.list('pods', namespace).filter((p) => p.metadata.labels?.app === app && !p.metadata.deletionTimestamp)
}

/** The tutorial's state after `kubectl patch deployment orgchart --patch "$(cat patch-inject-secrets.yaml)"`, scaled to `replicas`. */
async function deployInjected(name: string, replicas: number, annotations: Record<string, string> = {}): Promise<KubeObject[]> {
  const base = kube.store.get('Deployment', 'default', 'orgchart')!
  const deployment: KubeObject = structuredClone(base)
  deployment.metadata = {name, namespace: 'default', labels: {app: name}}
  deployment.spec.replicas = replicas
  deployment.spec.selector = {matchLabels: {app: name}}
  deployment.spec.template.metadata = {
    labels: {app: name},
    annotations: {
      'vault.hashicorp.com/agent-inject': 'true',
      'vault.hashicorp.com/role': 'internal-app',
      'vault.hashicorp.com/agent-inject-secret-database-config.txt': 'internal/data/database/config',
      ...annotations,
    },
  }
  delete deployment.status
  kube.store.create(deployment)
  await kube.settle()
  return orgchartPods('default', name)
}

const verify = (args: string[]) => runVsi(['verify', ...args, '--kubeconfig', kubeconfig])

beforeAll(async () => {
  kube = await startKubeEmulator({preset: 'tutorial'})
  kube.writeKubeconfig(kubeconfig)
  kube.store.create({apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: 'internal-app', namespace: 'default'}})
  for (const pod of await deployInjected('webapp', 3)) kube.setRenderedFile('default', pod.metadata.name, 'orgchart', FILE, SECRET)
})

afterAll(async () => {
  await kube?.stop()
})

describe('vsi verify: passing pods', () => {
  it('checks every pod of a deployment and never prints the secret', async () => {
    writeFileSync(path.join(dir, 'expected.txt'), SECRET)
    const [human, json] = await Promise.all([
      verify(['deployment/webapp', '--timeout', '20s']),
      verify([
        'deployment/webapp',
        '--json',
        '--expect',
        `database-config.txt=@${path.join(dir, 'expected.txt')}`,
        '--expect-match',
        `${FILE}=^postgresql://[^:]+:[^@]+@postgres:5432/wizard$`,
        '--show-secrets',
      ]),
    ])
    expect(human.exitCode, human.stderr).toBe(0)
    expect(human.stdout).toContain('deployment/webapp in namespace default: 3 pods')
    expect(human.stdout).toMatch(/injected\s+ok/)
    expect(human.stdout).toMatch(new RegExp(`${FILE}\\s+ok\\s+${Buffer.byteLength(SECRET)} B, 1 line, sha256 [0-9a-f]{12}`))
    expect(human.stdout).toMatch(/3 pods, \d+ checks: \d+ passed, 0 failed/)

    expect(json.exitCode, json.stderr).toBe(0)
    expect(json.json).toMatchObject({apiVersion: 'vsi/v1', command: 'verify', ok: true, exitCode: 0, warnings: []})
    const result = json.json.result
    expect(result).toMatchObject({target: 'deployment/webapp', namespace: 'default', selector: 'app=webapp', passed: true})
    expect(result.summary).toMatchObject({pods: 3, failed: 0, failures: {}})
    const checks = result.pods[0].checks.map((c: {check: string; status: string}) => `${c.check}:${c.status}`)
    expect(checks).toEqual(['injected:pass', 'agent-init:pass', 'agent:pass', 'ready:pass', 'file:pass', 'expect:pass', 'expect:pass'])
    const file = result.pods[0].checks[4]
    expect(file).toMatchObject({file: FILE, secret: 'database-config.txt', container: 'orgchart', content: {bytes: Buffer.byteLength(SECRET), lines: 1}})
    expect(file.content.preview).toBe('p*********://d*-r*******-u*******:d*-s*****-p*******@p*******:5***/w*****')
    for (const output of [human.stdout, human.stderr, json.stdout, json.stderr]) {
      expect(output).not.toContain('db-secret-password')
      expect(output).not.toContain('db-readonly-username')
    }
  })

  it('selects pods by label and by name, and checks keys', async () => {
    const [pod] = orgchartPods('default', 'webapp')
    const [byLabel, byName] = await Promise.all([
      verify(['-l', 'app=webapp', '--json', '--concurrency', '2']),
      verify([pod.metadata.name, '--expect-keys', 'database-config.txt=postgresql', '--json']),
    ])
    expect(byLabel.exitCode, byLabel.stderr).toBe(0)
    expect(byLabel.json.result).toMatchObject({target: '-l app=webapp', summary: {pods: 3}})
    expect(byName.exitCode, byName.stderr).toBe(0)
    expect(byName.json.result).toMatchObject({target: `pod/${pod.metadata.name}`, summary: {pods: 1}})
  })
})

describe('vsi verify: failing checks', () => {
  it('reports a content mismatch and a missing key with exit 1, a class and a fix', async () => {
    const result = await verify(['deployment/webapp', '--json', '--expect', 'database-config.txt=something else', '--expect-keys', 'database-config.txt=username,password'])
    expect(result.exitCode).toBe(1)
    expect(result.json).toMatchObject({ok: false, exitCode: 1, error: {code: 'verify-failed'}})
    expect(result.json.result.summary.failures).toEqual({'content-mismatch': 6})
    const failure = result.json.result.pods[0].checks.find((c: {status: string}) => c.status === 'fail').failure
    expect(failure).toMatchObject({class: 'content-mismatch', reason: `${FILE}: content differs from the expected value (equals the given value)`})
    expect(failure.hint).toContain('vault kv get internal/data/database/config')
    expect(result.stdout).not.toContain('something else')
  })

  it('finds pods started without the injector and a file that was not rendered', async () => {
    kube.setInjectorReady(false)
    const [uninjected] = await deployInjected('noinject', 1)
    kube.setInjectorReady(true)
    const pods = await deployInjected('partial', 2)
    kube.setRenderedFile('default', pods[0].metadata.name, 'orgchart', FILE, SECRET)

    const [noInject, partial] = await Promise.all([verify(['deployment/noinject', '--json']), verify(['deployment/partial'])])
    expect(noInject.exitCode).toBe(1)
    const injected = noInject.json.result.pods[0].checks[0]
    expect(injected).toMatchObject({check: 'injected', status: 'fail', failure: {class: 'not-injected'}})
    expect(injected.failure.reason).toMatch(/^pod started without vault-agent: the injector webhook was not ready/)
    expect(injected.failure.hint).toContain('kubectl rollout restart deployment/noinject -n default')
    expect(noInject.json.result.pods[0].pod).toBe(uninjected.metadata.name)

    expect(partial.exitCode).toBe(1)
    expect(partial.stdout).toMatch(new RegExp(`${FILE}\\s+FAIL\\s+${FILE} does not exist in container orgchart`))
    expect(partial.stdout).toContain(`fix: vault-agent did not render it: see \`kubectl logs ${pods[1].metadata.name} -c vault-agent -n default\``)
    expect(partial.stderr).toMatch(/Error: 1 of \d+ checks failed in 1 of 2 pods \(1 file-missing\)/)
  })

  it('gives up on pods that never get ready at --timeout', async () => {
    const base = kube.store.get('Deployment', 'default', 'orgchart')!
    const stuck: KubeObject = structuredClone(base)
    stuck.metadata = {name: 'stuck', namespace: 'default', labels: {app: 'stuck'}}
    stuck.spec.selector = {matchLabels: {app: 'stuck'}}
    stuck.spec.template.metadata = {labels: {app: 'stuck'}}
    stuck.spec.template.spec.containers[0].image = 'jweissig/app:never-ready'
    delete stuck.status
    kube.store.create(stuck)
    await kube.settle()
    const result = await verify(['deployment/stuck', '--json', '--timeout', '2s'])
    expect(result.exitCode).toBe(1)
    // Measured inside vsi: process start-up (over a second on a loaded machine) is not part of --timeout.
    expect(result.json.result.seconds).toBeLessThanOrEqual(2.2)
    expect(result.json.result.summary.failures).toMatchObject({'not-injected': 1})
    const ready = result.json.result.pods[0].checks.find((c: {check: string}) => c.check === 'ready')
    expect(ready.failure).toMatchObject({class: 'not-ready', reason: expect.stringMatching(/^pod is not Ready: container orgchart is not ready/)})
  })
})

describe('vsi verify: usage and lookup errors', () => {
  it('exits 2 on usage errors and 1 when there is nothing to verify', async () => {
    const [none, both, badExpect, badTimeout, unknown, noMatch, typo] = await Promise.all([
      verify([]),
      verify(['deployment/webapp', '-l', 'app=webapp']),
      verify(['deployment/webapp', '--expect', 'novalue']),
      verify(['deployment/webapp', '--timeout', 'soon']),
      verify(['deployment/nope', '--json']),
      verify(['-l', 'app=nothing', '--json']),
      verify(['deployment/webapp', '--expect', 'database.txt=x', '--json']),
    ])
    expect([none.exitCode, both.exitCode, badExpect.exitCode, badTimeout.exitCode]).toEqual([2, 2, 2, 2])
    expect(none.stderr).toContain('nothing to verify')
    expect(unknown.exitCode).toBe(1)
    expect(unknown.json.error).toMatchObject({code: 'kube-not-found', message: 'deployment "nope" not found in namespace "default"'})
    expect(noMatch.exitCode).toBe(1)
    expect(noMatch.json.error).toMatchObject({code: 'no-pods', message: 'no pods match "app=nothing" in namespace "default"'})
    expect(typo.exitCode).toBe(2)
    expect(typo.json.error.message).toBe('"database.txt" names no rendered secret file')
  })
})

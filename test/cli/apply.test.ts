import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {KubeEmulator, KubeObject} from '../emulators/kube/index.js'
import {startKubeEmulator} from '../emulators/kube/index.js'
import {runVsi} from '../helpers/cli.js'

const dir = mkdtempSync(path.join(tmpdir(), 'vsi-apply-'))
const kubeconfig = path.join(dir, 'config')
const FILE = '/vault/secrets/database-config.txt'
const TUTORIAL_PATCH = ['--role', 'internal-app', '--secret', 'database-config.txt=internal/database/config']

let kube: KubeEmulator

/** `vsi patch` with the tutorial's flags, applied to WORKLOAD. */
const apply = (workload: string, args: string[] = []) => runVsi(['patch', ...TUTORIAL_PATCH, '--apply', workload, ...args, '--kubeconfig', kubeconfig], {cwd: dir})

/** A copy of the tutorial's orgchart Deployment under another name, changed by `edit`. */
async function deployment(name: string, edit: (d: KubeObject) => void = () => {}, namespace = 'default'): Promise<void> {
  const copy: KubeObject = structuredClone(kube.store.get('Deployment', 'default', 'orgchart')!)
  copy.metadata = {name, namespace, labels: {app: name}}
  copy.spec.selector = {matchLabels: {app: name}}
  copy.spec.template.metadata = {labels: {app: name}}
  delete copy.status
  edit(copy)
  kube.store.create(copy)
  await kube.settle()
}

const patchRequests = (name: string) => kube.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith(`/deployments/${name}`))

beforeAll(async () => {
  kube = await startKubeEmulator({preset: 'tutorial'})
  kube.writeKubeconfig(kubeconfig)
})

afterAll(async () => {
  await kube?.stop()
})

describe('vsi patch --apply', () => {
  // Three runs, the first two asking Vault in the cluster for the KV version first.
  it('patches orgchart as kubectl patch does, waits for the rollout, and changes nothing the second time', {timeout: 60_000}, async () => {
    kube.store.create({apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: 'internal-app', namespace: 'default'}})
    const first = await apply('deployment/orgchart')
    expect(first.exitCode, first.stderr).toBe(0)
    expect(first.stdout).toContain('deployment.apps/orgchart patched')
    expect(first.stdout).toMatch(/deployment "orgchart" successfully rolled out \(1\/1 pods ready, [\d.]+s\)/)
    // Vault is asked for the KV version (found in the cluster: its port-forward target is not served here, so v2 is
    // assumed); the rest of stderr can only be kubectl's rollout lines.
    const [notice, ...progress] = first.stderr.split('\n')
    expect(notice).toMatch(/^Vault: pod default\/vault-0 through a port-forward at http:\/\/127\.0\.0\.1:\d+; dev mode: using the token in its VAULT_DEV_ROOT_TOKEN_ID$/)
    for (const line of progress) expect(line).toMatch(/^Waiting for deployment (spec update to be observed|"orgchart" rollout to finish: .*)\.\.\.$/)
    expect(first.stdout).toContain('Note: KV v2 was assumed (as in the tutorial; Vault could not be asked: ')
    expect(patchRequests('orgchart')).toHaveLength(1)
    expect(patchRequests('orgchart')[0].contentType).toBe('application/strategic-merge-patch+json')
    const template = kube.store.get('Deployment', 'default', 'orgchart')!.spec.template.metadata.annotations
    expect(template).toMatchObject({'vault.hashicorp.com/agent-inject-secret-database-config.txt': 'internal/data/database/config'})

    const again = await apply('deploy/orgchart', ['--json'])
    expect(again.exitCode, again.stderr).toBe(0)
    expect(again.json.result.applied).toMatchObject({workload: 'deployment/orgchart', changed: false, rollout: {done: true}})
    expect(patchRequests('orgchart')).toHaveLength(1)

    // The tutorial's next step: the rendered secret is there.
    for (const pod of kube.store.list('pods', 'default').filter((p) => p.metadata.labels?.app === 'orgchart' && !p.metadata.deletionTimestamp)) {
      kube.setRenderedFile('default', pod.metadata.name, 'orgchart', FILE, 'data: map[password:db-secret-password username:db-readonly-username]\n')
    }
    const verified = await runVsi(['verify', 'deployment/orgchart', '--expect-keys', 'database-config.txt=username,password', '--kubeconfig', kubeconfig])
    expect(verified.exitCode, verified.stdout).toBe(0)
  })

  it('warns before patching when new pods would start without secrets or not at all, and --no-wait returns at once', async () => {
    await deployment('website', (d) => {
      d.spec.template.spec.serviceAccountName = 'website'
    })
    kube.setInjectorReady(false)
    try {
      const result = await apply('deployment/website', ['--no-wait', '--json'])
      expect(result.exitCode, result.stderr).toBe(0)
      expect(result.json.result.applied).toMatchObject({changed: true, serviceAccount: 'website', rollout: null})
      expect(result.json.warnings).toEqual([
        expect.stringMatching(/^the injector service default\/vault-agent-injector-svc has no ready endpoints: pods created now will start WITHOUT secrets/),
        expect.stringMatching(/^service account "website" does not exist in namespace "default": the new pods cannot be created/),
      ])
    } finally {
      kube.setInjectorReady(true)
    }
  })

  it('stops at --timeout on a rollout that never completes and names the stuck pod', async () => {
    await deployment('stuck', (d) => {
      d.spec.template.spec.containers[0].image = 'jweissig/app:never-ready'
    })
    const result = await apply('deployment/stuck', ['--timeout', '2s', '--json'])
    expect(result.exitCode).toBe(1)
    expect(result.json.error.code).toBe('rollout-timeout')
    expect(result.json.error.message).toMatch(/^timed out waiting for the rollout of deployment\/stuck after 2s: Waiting for deployment "stuck" rollout to finish/)
    expect(result.json.error.hint).toMatch(/^Pod stuck-\S+: container orgchart is not ready/)
    expect(result.json.result).toMatchObject({workload: 'deployment/stuck', changed: true, rollout: {done: false}})
  })

  // Five runs at once on 2 cores, two of them asking Vault in the cluster for the KV version first.
  it('exits 2 on a bad workload reference and 1 when the API server refuses', {timeout: 60_000}, async () => {
    kube.deny({verb: 'patch', resource: 'deployments', namespace: 'team'})
    kube.store.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'team'}})
    await deployment('orgchart', () => {}, 'team')
    const [pod, kind, withFiles, missing, forbidden] = await Promise.all([
      apply('orgchart-abc'),
      apply('job/migrate'),
      apply('deployment/orgchart', ['-f', 'k8s/']),
      apply('statefulset/nope', ['--json']),
      apply('deployment/orgchart', ['-n', 'team', '--json']),
    ])
    expect([pod.exitCode, kind.exitCode, withFiles.exitCode]).toEqual([2, 2, 2])
    expect(pod.stderr).toContain('expected deployment/NAME, statefulset/NAME or daemonset/NAME')
    expect(kind.stderr).toContain('unknown kind "job"')
    expect(missing.exitCode).toBe(1)
    expect(missing.json.error).toMatchObject({code: 'kube-not-found', message: 'statefulset "nope" not found in namespace "default"'})
    expect(forbidden.exitCode).toBe(1)
    expect(forbidden.json.error.code).toBe('kube-forbidden')
    expect(forbidden.json.error.message).toMatch(/^not allowed to patch deployments\.apps "orgchart" in namespace "team": User "[^"]+" cannot patch resource "deployments" in API group "apps"/)
  })
})

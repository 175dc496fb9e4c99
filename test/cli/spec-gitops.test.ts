/**
 * `vsi apply -f vsi.yaml --dry-run`: the GitOps outputs of every workload of every app, checked with the real tools
 * (`kubectl kustomize`, `kubectl patch --local`), and proof from the emulators' request logs that a dry run sends
 * nothing to Vault and only reads the cluster.
 */
import {execa} from 'execa'
import {copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {parse, parseAllDocuments} from 'yaml'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {KubeObject} from '../emulators/kube/index.js'
import {runVsi, seedDir} from '../helpers/cli.js'
import {specFolder, tutorialSpec} from '../helpers/spec-files.js'
import {startVaultWorld, type VaultWorld} from '../helpers/vault-world.js'

const P = 'vault.hashicorp.com/'
const kubectlFound = await execa('kubectl', ['version', '--client'], {reject: false}).then((result) => result.exitCode === 0, () => false)
const {write} = specFolder('vsi-spec-gitops-')
const TEMPLATE = '{{- with secret "internal/data/web/config" -}}\ntoken: "{{ .Data.data.token }}"\n{{- end }}\n'
const SPEC = tutorialSpec(`        keys: [username, password]
        data:
          password: {fromEnv: DB_PASSWORD}
          username: {value: db-readonly-username}
  - name: web
    namespace: apps
    workloads: [deployment/web]
    injector: {prePopulateOnly: true, annotations: {agent-limits-cpu: 250m}}
    secrets:
      - file: web.yaml
        path: internal/web/config
        format: template
        template: ${JSON.stringify(TEMPLATE)}
`)
const specFile = write('vsi.yaml', SPEC)
const ORGCHART = path.join(seedDir, 'deployment-orgchart.yaml')
const INTERNAL_APP = {
  [`${P}agent-inject`]: 'true',
  [`${P}role`]: 'internal-app',
  [`${P}agent-inject-secret-database-config.txt`]: 'internal/data/database/config',
  'vsi.dev/app': 'internal-app',
}
const WEB = {
  [`${P}agent-inject`]: 'true',
  [`${P}role`]: 'web',
  [`${P}agent-inject-secret-web.yaml`]: 'internal/data/web/config',
  [`${P}agent-inject-template-web.yaml`]: TEMPLATE,
  [`${P}agent-pre-populate-only`]: 'true',
  [`${P}agent-limits-cpu`]: '250m',
  'vsi.dev/app': 'web',
}
const WEB_MANIFEST = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: apps
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      serviceAccountName: web
      containers:
        - name: web
          image: web:1
`

let world: VaultWorld
const freshDir = () => mkdtempSync(path.join(tmpdir(), 'vsi-spec-gitops-out-'))
const documents = (text: string) => parseAllDocuments(text).map((doc) => doc.toJS())
const apply = (args: string[], options: {cwd?: string; env?: Record<string, string>} = {}) =>
  runVsi(['apply', '-f', specFile, '--dry-run', ...args], {cwd: options.cwd, env: options.env ?? world.env({direct: true})})

/** kubectl as a user runs it: against the emulated cluster (`cluster`), or with no cluster at all. */
async function kubectl(args: string[], options: {cwd?: string; cluster?: boolean} = {}): Promise<string> {
  const home = options.cwd ?? freshDir()
  const kubeconfig = options.cluster ? world.kubeconfig : path.join(home, 'no-kubeconfig')
  const result = await execa('kubectl', args, {cwd: home, reject: false, env: {HOME: home, KUBECONFIG: kubeconfig}})
  expect(result.exitCode, result.stderr).toBe(0)
  return result.stdout
}

beforeAll(async () => {
  world = await startVaultWorld()
  world.kube.store.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'apps'}})
  const web: KubeObject = structuredClone(world.kube.store.get('Deployment', 'default', 'orgchart')!)
  web.metadata = {name: 'web', namespace: 'apps', labels: {app: 'web'}}
  web.spec.selector = {matchLabels: {app: 'web'}}
  web.spec.template.metadata = {labels: {app: 'web'}, annotations: {'team.example/owner': 'web'}}
  web.spec.template.spec.serviceAccountName = 'web'
  delete web.status
  world.kube.store.create(web)
  await world.kube.settle()
}, 60_000)
afterAll(() => world?.stop())

describe.skipIf(!kubectlFound)('vsi apply --dry-run: GitOps outputs, applied with kubectl', () => {
  it('--emit kustomize: one patch per workload that kubectl kustomize applies to its target; no Vault, no cluster', async () => {
    const dir = freshDir()
    copyFileSync(ORGCHART, path.join(dir, 'orgchart.yaml'))
    writeFileSync(path.join(dir, 'web.yaml'), WEB_MANIFEST)
    writeFileSync(path.join(dir, 'kustomization.yaml'), 'resources: [orgchart.yaml, web.yaml]\npatches:\n  - path: patches.yaml\n')
    const mark = world.mark()
    // No kubeconfig at all: a CI job that only renders the GitOps repository.
    const result = await apply(['--emit', 'kustomize', '--output-file', 'patches.yaml'], {cwd: dir, env: {KUBECONFIG: path.join(dir, 'none'), VAULT_ADDR: world.vault.url}})
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout).toContain('Wrote patches.yaml: kustomize for 2 workloads (dry run: nothing applied)')
    expect(mark.vault()).toEqual([])
    expect(mark.kube()).toEqual([])
    const patches = documents(readFileSync(path.join(dir, 'patches.yaml'), 'utf8'))
    expect(patches.map((p) => `${p.kind}/${p.metadata.name}/${p.metadata.namespace ?? ''}`)).toEqual(['Deployment/orgchart/', 'Deployment/web/apps'])
    const built = documents(await kubectl(['kustomize', '.'], {cwd: dir}))
    const byName = Object.fromEntries(built.map((object) => [object.metadata.name, object]))
    expect(byName.orgchart.spec.template.metadata.annotations).toEqual(INTERNAL_APP)
    expect(byName.web.spec.template.metadata.annotations).toEqual(WEB)
    expect(byName.web.spec.template.spec.containers).toEqual([{name: 'web', image: 'web:1'}])
  })

  it('-o yaml: the live workloads with the annotations merged, as kubectl patch --local makes them; only GETs, no Vault', async () => {
    const mark = world.mark()
    const result = await apply(['-o', 'yaml'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(mark.vault()).toEqual([])
    const requests = mark.kube()
    expect(requests.map((r) => `${r.method} ${r.path}`).sort()).toEqual(['GET /apis/apps/v1/namespaces/apps/deployments/web', 'GET /apis/apps/v1/namespaces/default/deployments/orgchart'])
    const printed = parse(result.stdout)
    expect(printed).toMatchObject({apiVersion: 'v1', kind: 'List', metadata: {resourceVersion: ''}})
    expect(printed.items.map((item: KubeObject) => `${item.metadata.namespace}/${item.metadata.name}`)).toEqual(['default/orgchart', 'apps/web'])

    // The same change made by kubectl: the live object (kubectl get) with vsi's Kustomize patch merged locally.
    const dir = freshDir()
    const patches = documents((await apply(['--emit', 'kustomize'])).stdout)
    for (const [index, [namespace, name]] of [['default', 'orgchart'], ['apps', 'web']].entries()) {
      writeFileSync(path.join(dir, `${name}.yaml`), await kubectl(['get', 'deployment', name, '-n', namespace, '-o', 'yaml'], {cluster: true}))
      const expected = parse(await kubectl(['patch', '--local', '-f', `${name}.yaml`, '--type', 'strategic', '-p', JSON.stringify(patches[index]), '-o', 'yaml'], {cwd: dir}))
      const manifest = printed.items[index]
      expect(manifest.spec).toEqual(expected.spec)
      expect(manifest.metadata.labels).toEqual(expected.metadata.labels)
      // What the API server sets is not part of a manifest to keep in Git.
      expect(expected.metadata.uid).toBeDefined()
      expect(manifest.metadata.uid).toBeUndefined()
      expect(manifest.metadata.resourceVersion).toBeUndefined()
      expect(manifest.status).toBeUndefined()
    }
    expect(printed.items[1].spec.template.metadata.annotations).toEqual({'team.example/owner': 'web', ...WEB})
  })

  it('--out-dir: one manifest per workload, DIR/NAMESPACE/KIND-NAME.yaml, each what -o yaml prints for it', async () => {
    const dir = freshDir()
    const [files, printed] = await Promise.all([apply(['--out-dir', 'out'], {cwd: dir}), apply(['-o', 'yaml', '--app', 'web'])])
    expect(files.exitCode, files.stderr).toBe(0)
    expect(files.stdout).toContain('Wrote 2 files to out: manifests for 2 workloads (dry run: nothing applied)')
    expect(readdirSync(path.join(dir, 'out')).sort()).toEqual(['apps', 'default'])
    expect(readdirSync(path.join(dir, 'out/apps'))).toEqual(['deployment-web.yaml'])
    expect(readFileSync(path.join(dir, 'out/apps/deployment-web.yaml'), 'utf8')).toBe(printed.stdout + '\n')
    const orgchart = parse(readFileSync(path.join(dir, 'out/default/deployment-orgchart.yaml'), 'utf8'))
    expect(orgchart.spec.template.metadata.annotations).toEqual(INTERNAL_APP)
    // kubectl applies the directory as it is: the API server's dry run of it (kubectl 1.32's client dry run prints
    // the live object unmerged, kubernetes/kubernetes#134640) makes the same pod templates.
    const mark = world.mark()
    const applied = parse(await kubectl(['apply', '--dry-run=server', '-R', '-f', path.join(dir, 'out'), '-o', 'yaml'], {cluster: true}))
    const byName = Object.fromEntries(applied.items.map((item: KubeObject) => [item.metadata.name, item]))
    expect(byName.orgchart.spec.template).toEqual(orgchart.spec.template)
    expect(byName.web.spec.template).toEqual(parse(printed.stdout).spec.template)
    expect(mark.kube().filter((r) => r.method !== 'GET' && !decodeURIComponent(r.query).includes('dryRun=All'))).toEqual([])
  })
})

describe('vsi apply --dry-run: formats and the plain dry run', () => {
  it('-o json prints kubectl\'s JSON: four-space indents, keys sorted as Go prints them', async () => {
    const result = await apply(['-o', 'json', '--app', 'internal-app'])
    expect(result.exitCode, result.stderr).toBe(0)
    const object = JSON.parse(result.stdout)
    expect(object.kind).toBe('Deployment')
    expect(Object.keys(object)).toEqual(['apiVersion', 'kind', 'metadata', 'spec'])
    expect(result.stdout).toMatch(/^\{\n {4}"apiVersion": "apps\/v1",\n/)
    expect(Object.keys(object.spec.template.metadata.annotations)).toEqual(Object.keys(INTERNAL_APP).sort())
  })

  it('without an output flag: which workloads vsi apply would change, from the cluster; Vault not contacted', async () => {
    const mark = world.mark()
    const first = await apply(['--json'])
    expect(first.exitCode, first.stderr).toBe(0)
    expect(mark.vault()).toEqual([])
    expect(mark.kube().every((r) => r.method === 'GET')).toBe(true)
    const {workloads} = first.json.result
    expect(workloads.map((w: {workload: string; changed: boolean}) => `${w.workload}:${w.changed}`)).toEqual(['deployment/orgchart:true', 'deployment/web:true'])
    // The workload as vsi apply would leave it: the dry run has nothing left to change there.
    const original = world.kube.store.get('Deployment', 'default', 'orgchart')!
    const annotated = structuredClone(original)
    annotated.spec.template.metadata.annotations = workloads[0].annotations
    world.kube.store.put(annotated)
    try {
      const second = await apply([])
      expect(second.exitCode, second.stderr).toBe(0)
      expect(second.stdout).toContain('deployment.apps/orgchart unchanged (dry run) in default (app internal-app)')
      expect(second.stdout).toContain('deployment.apps/web configured (dry run) in apps (app web)')
      expect(second.stdout).toContain('Vault was not contacted: vsi plan -f')
    } finally {
      const now = world.kube.store.get('Deployment', 'default', 'orgchart')!
      now.spec.template.metadata = original.spec.template.metadata
      world.kube.store.put(now)
    }
  })

  it('a workload missing from the cluster: exit 1 naming it, nothing written', async () => {
    const missing = write('missing.yaml', SPEC.replace('workloads: [deployment/web]', 'workloads: [deployment/web, statefulset/gone]'))
    const dir = freshDir()
    const result = await runVsi(['apply', '-f', missing, '--dry-run', '--out-dir', 'out'], {cwd: dir, env: world.env({direct: true})})
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain('not found in the cluster: statefulset/gone in apps (app web)')
    expect(existsSync(path.join(dir, 'out'))).toBe(false)
  })

  it.concurrent.for([
    ['an output flag without --dry-run', ['--emit', 'kustomize'], 'Error: --emit makes GitOps outputs instead of applying: add --dry-run'],
    ['-o with a file name', ['--dry-run', '-o', 'out.yaml'], 'use --output-file out.yaml'],
    ['--values-key without helm values', ['--dry-run', '--emit', 'kustomize', '--values-key', 'app.podAnnotations'], 'Error: --values-key is for --emit helm-values'],
    ['--out-dir with --output-file', ['--dry-run', '--out-dir', 'out', '--output-file', 'x.yaml'], '--output-file'],
  ])('%s: exit 2, nothing contacted', async ([, args, message], {expect}) => {
    const dir = freshDir()
    const mark = world.mark()
    const result = await runVsi(['apply', '-f', specFile, ...(args as string[])], {cwd: dir, env: world.env({direct: true})})
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain(message as string)
    expect(readdirSync(dir)).toEqual([])
    expect(mark.vault()).toEqual([])
  })
})

/**
 * Helm values checked without helm: a chart puts `podAnnotations` under the pod template
 * (`annotations: {{- toYaml .Values.podAnnotations | nindent 8 }}`). Here the values' own YAML is placed there the
 * same way and kubectl's YAML parser reads it in a merge patch; the result must equal what vsi's own strategic merge
 * patch makes of the same manifest.
 */
function chartPatch(values: string, key = 'podAnnotations', depth = 0): string {
  const lines = values.split('\n')
  const start = lines.findIndex((line) => line === `${'  '.repeat(depth)}${key}:`)
  expect(start, `no ${key}: in the values`).toBeGreaterThanOrEqual(0)
  const inner = '  '.repeat(depth + 1)
  const body: string[] = []
  for (const line of lines.slice(start + 1)) {
    if (line !== '' && !line.startsWith(inner)) break
    body.push(line === '' ? '' : `        ${line.slice(inner.length)}`)
  }
  return `spec:\n  template:\n    metadata:\n      annotations:\n${body.join('\n')}\n`
}

describe.skipIf(!kubectlFound)('Helm values, rendered as a chart renders podAnnotations', () => {
  const PATCH = ['patch', '--role', 'internal-app', '--secret', 'db.txt=internal/database/config', '--template', `db.txt=${TEMPLATE}`, '--annotation', 'agent-limits-cpu=250m', '--init-first']

  async function renderBoth(dir: string, valuesPatch: string): Promise<{chart: unknown; vsi: unknown}> {
    const patch = readFileSync(path.join(dir, 'patch-inject-secrets.yaml'), 'utf8')
    const [chart, vsi] = await Promise.all([
      kubectl(['patch', '--local', '-f', ORGCHART, '--type', 'merge', '-p', valuesPatch, '-o', 'json'], {cwd: dir}),
      kubectl(['patch', '--local', '-f', ORGCHART, '--type', 'strategic', '-p', patch, '-o', 'json'], {cwd: dir}),
    ])
    return {chart: JSON.parse(chart), vsi: JSON.parse(vsi)}
  }

  it('vsi patch --emit helm-values: the chart renders the pod annotations vsi patch sets (and a damaged value would differ)', async () => {
    const dir = freshDir()
    const [values, patch] = await Promise.all([runVsi([...PATCH, '--emit', 'helm-values'], {cwd: dir}), runVsi(PATCH, {cwd: dir})])
    expect(values.exitCode, values.stderr).toBe(0)
    expect(patch.exitCode, patch.stderr).toBe(0)
    const text = readFileSync(path.join(dir, 'values-inject-secrets.yaml'), 'utf8')
    const {chart, vsi} = await renderBoth(dir, chartPatch(text))
    expect(chart).toEqual(vsi)
    expect((chart as KubeObject).spec.template.metadata.annotations[`${P}agent-inject-template-db.txt`]).toBe(TEMPLATE)
    // The comparison sees a wrong value: the template's final newline dropped.
    const damaged = await renderBoth(dir, chartPatch(text.replace(/\|\n/, '|-\n')))
    expect(damaged.chart).not.toEqual(damaged.vsi)
  })

  it('--values-key app.podAnnotations and -o json: the same annotations where the chart reads them', async () => {
    const dir = freshDir()
    const [nested, json, patch] = await Promise.all([
      runVsi([...PATCH, '--emit', 'helm-values', '--values-key', 'app.podAnnotations', '-o', 'yaml'], {cwd: dir}),
      runVsi([...PATCH, '--emit', 'helm-values', '-o', 'json'], {cwd: dir}),
      runVsi(PATCH, {cwd: dir}),
    ])
    expect(patch.exitCode, patch.stderr).toBe(0)
    const fromNested = await renderBoth(dir, chartPatch(nested.stdout, 'podAnnotations', 1))
    expect(fromNested.chart).toEqual(fromNested.vsi)
    const fromJson = await renderBoth(dir, JSON.stringify({spec: {template: {metadata: {annotations: JSON.parse(json.stdout).podAnnotations}}}}))
    expect(fromJson.chart).toEqual(fromJson.vsi)
  })

  it('vsi apply --dry-run --emit helm-values --out-dir: each workload\'s values render the annotations of its manifest', async () => {
    const dir = freshDir()
    const [values, manifests] = await Promise.all([apply(['--emit', 'helm-values', '--out-dir', 'values'], {cwd: dir}), apply(['--out-dir', 'manifests'], {cwd: dir})])
    expect(values.exitCode, values.stderr).toBe(0)
    expect(manifests.exitCode, manifests.stderr).toBe(0)
    for (const file of ['default/deployment-orgchart.yaml', 'apps/deployment-web.yaml']) {
      const text = readFileSync(path.join(dir, 'values', file), 'utf8')
      expect(text).toMatch(/^# deployment\/\w+ in \w+ \(app [\w-]+\)\n/)
      const manifest = path.join(dir, 'manifests', file)
      // The chart's own pod annotations are the values alone: rendered onto the manifest without any.
      const bare = path.join(dir, `bare-${path.basename(file)}`)
      writeFileSync(bare, await kubectl(['patch', '--local', '-f', manifest, '--type', 'merge', '-p', '{"spec":{"template":{"metadata":{"annotations":null}}}}', '-o', 'yaml'], {cwd: dir}))
      const chart = JSON.parse(await kubectl(['patch', '--local', '-f', bare, '--type', 'merge', '-p', chartPatch(text), '-o', 'json'], {cwd: dir}))
      const {'team.example/owner': _owner, ...expected} = parse(readFileSync(manifest, 'utf8')).spec.template.metadata.annotations
      expect(chart.spec.template.metadata.annotations).toEqual(expected)
    }
  })
})

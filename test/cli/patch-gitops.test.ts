/**
 * What `vsi patch` emits for GitOps, applied with the real tools: the strategic merge patch with `kubectl patch --local`,
 * the Kustomize patch (`--emit kustomize`) with `kubectl kustomize`, and the manifests of `-f … --out-dir`. Helm values
 * (`--emit helm-values`) are checked for the shape charts read (`podAnnotations`, every value a string).
 */
import {execa} from 'execa'
import {copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {parse, parseAllDocuments} from 'yaml'
import {describe, expect, it} from 'vitest'

import {projectRoot, runVsi, seedDir} from '../helpers/cli.js'

const P = 'vault.hashicorp.com/'
const TUTORIAL = ['patch', '--role', 'internal-app', '--secret', 'database-config.txt=internal/database/config']
const ANNOTATIONS = {[`${P}agent-inject`]: 'true', [`${P}role`]: 'internal-app', [`${P}agent-inject-secret-database-config.txt`]: 'internal/data/database/config'}
const JOB_ANNOTATIONS = {...ANNOTATIONS, [`${P}agent-pre-populate-only`]: 'true'}
const ORGCHART = path.join(seedDir, 'deployment-orgchart.yaml')
const WORKLOADS = path.join(projectRoot, 'test/fixtures/patch/workloads.yaml')
const kubectlFound = await execa('kubectl', ['version', '--client'], {reject: false}).then((result) => result.exitCode === 0, () => false)
const freshDir = () => mkdtempSync(path.join(tmpdir(), 'vsi-patch-gitops-'))
const documents = (text: string) => parseAllDocuments(text).map((doc) => doc.toJS())

/** kubectl with no cluster: a HOME and KUBECONFIG of its own, so nothing of the machine is read. */
async function kubectl(dir: string, args: string[]): Promise<string> {
  const result = await execa('kubectl', args, {cwd: dir, reject: false, env: {HOME: dir, KUBECONFIG: path.join(dir, 'no-kubeconfig')}})
  expect(result.exitCode, result.stderr).toBe(0)
  return result.stdout
}

/** A Kustomize directory: the given resources and the patch vsi wrote, listed as kustomization.yaml's `patches:` say. */
function kustomizeDir(resources: string[]): string {
  const dir = freshDir()
  for (const resource of resources) copyFileSync(resource, path.join(dir, path.basename(resource)))
  writeFileSync(path.join(dir, 'kustomization.yaml'), `resources:\n${resources.map((r) => `  - ${path.basename(r)}\n`).join('')}patches:\n  - path: patch-inject-secrets.yaml\n`)
  return dir
}

describe.skipIf(!kubectlFound)('vsi patch output, applied with kubectl', () => {
  it('the strategic merge patch: kubectl patch --local --type strategic puts the annotations on spec.template.metadata.annotations', async () => {
    const dir = freshDir()
    const result = await runVsi(TUTORIAL, {cwd: dir})
    expect(result.exitCode, result.stderr).toBe(0)
    const patch = readFileSync(path.join(dir, 'patch-inject-secrets.yaml'), 'utf8')
    const patched = parse(await kubectl(dir, ['patch', '--local', '-f', ORGCHART, '--type', 'strategic', '-p', patch, '-o', 'yaml']))
    expect(patched.spec.template.metadata.annotations).toEqual(ANNOTATIONS)
    const original = parse(readFileSync(ORGCHART, 'utf8'))
    expect(patched.spec.template.spec).toEqual(original.spec.template.spec)
    expect(patched.spec.template.metadata.labels).toEqual(original.spec.template.metadata.labels)
  })

  it('--emit kustomize --workload deployment/orgchart: kubectl kustomize applies it to that Deployment only', async () => {
    const dir = kustomizeDir([ORGCHART])
    writeFileSync(path.join(dir, 'other.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: other\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          image: c:1\n')
    writeFileSync(path.join(dir, 'kustomization.yaml'), 'resources:\n  - deployment-orgchart.yaml\n  - other.yaml\npatches:\n  - path: patch-inject-secrets.yaml\n')
    const result = await runVsi([...TUTORIAL, '--emit', 'kustomize', '--workload', 'deployment/orgchart'], {cwd: dir})
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout).toContain('Wrote patch-inject-secrets.yaml: a Kustomize patch with 3 annotations')
    expect(result.stdout).toContain('Next: list it in kustomization.yaml (patches: [{path: patch-inject-secrets.yaml}]), then kubectl apply -k DIR')
    expect(parse(readFileSync(path.join(dir, 'patch-inject-secrets.yaml'), 'utf8'))).toMatchObject({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'orgchart'}})
    const [orgchart, other] = documents(await kubectl(dir, ['kustomize', '.']))
    expect(orgchart.metadata.name).toBe('orgchart')
    expect(orgchart.spec.template.metadata.annotations).toEqual(ANNOTATIONS)
    expect(orgchart.spec.template.metadata.labels).toEqual({app: 'orgchart'})
    expect(other.metadata.name).toBe('other')
    expect(other.spec.template.metadata).toBeUndefined()
  })

  it('--emit kustomize -f: one patch per workload of the manifests (Job and CronJob paths, namespace kept), as JSON too', async () => {
    const dir = kustomizeDir([WORKLOADS])
    const [yamlRun, jsonRun] = await Promise.all([
      runVsi([...TUTORIAL, '--emit', 'kustomize', '-f', 'workloads.yaml'], {cwd: dir}),
      runVsi([...TUTORIAL, '--emit', 'kustomize', '-f', 'workloads.yaml', '-o', 'json'], {cwd: dir}),
    ])
    expect(yamlRun.exitCode, yamlRun.stderr).toBe(0)
    const patches = documents(readFileSync(path.join(dir, 'patch-inject-secrets.yaml'), 'utf8'))
    expect(patches.map((p) => `${p.kind}/${p.metadata.name}/${p.metadata.namespace ?? ''}`)).toEqual(['Job/migrate/apps', 'CronJob/report/'])
    const built = documents(await kubectl(dir, ['kustomize', '.']))
    const byKind = Object.fromEntries(built.map((object) => [object.kind, object]))
    expect(byKind.Job.spec.template.metadata.annotations).toEqual(JOB_ANNOTATIONS)
    expect(byKind.CronJob.spec.jobTemplate.spec.template.metadata.annotations).toEqual({team: 'data', ...JOB_ANNOTATIONS})
    expect(byKind.Service.metadata.annotations).toBeUndefined()
    expect(jsonRun.exitCode, jsonRun.stderr).toBe(0)
    expect(JSON.parse(jsonRun.stdout)).toEqual({apiVersion: 'v1', kind: 'List', items: patches})
    expect(readFileSync(path.join(dir, 'workloads.yaml'), 'utf8')).toBe(readFileSync(WORKLOADS, 'utf8'))
  })

  it('-f … --out-dir: the manifests written are what kubectl patch --local makes of each', async () => {
    const dir = freshDir()
    const result = await runVsi([...TUTORIAL, '-f', ORGCHART, '--out-dir', 'out'], {cwd: dir})
    expect(result.exitCode, result.stderr).toBe(0)
    expect(readdirSync(path.join(dir, 'out'))).toEqual(['deployment-orgchart.yaml'])
    const patch = (await runVsi([...TUTORIAL, '-o', 'yaml'], {cwd: dir})).stdout
    const expected = parse(await kubectl(dir, ['patch', '--local', '-f', ORGCHART, '--type', 'strategic', '-p', patch, '-o', 'yaml']))
    const written = parse(readFileSync(path.join(dir, 'out/deployment-orgchart.yaml'), 'utf8'))
    expect(written).toEqual(expected)
    expect(written.spec.template.metadata.annotations).toEqual(ANNOTATIONS)
  })
})

describe('vsi patch --emit helm-values', () => {
  it('writes values-inject-secrets.yaml with podAnnotations, every value a string', async () => {
    const dir = freshDir()
    const result = await runVsi([...TUTORIAL, '--emit', 'helm-values', '--pre-populate-only'], {cwd: dir})
    expect(result.exitCode, result.stderr).toBe(0)
    expect(readdirSync(dir)).toEqual(['values-inject-secrets.yaml'])
    const text = readFileSync(path.join(dir, 'values-inject-secrets.yaml'), 'utf8')
    expect(parse(text)).toEqual({podAnnotations: {...ANNOTATIONS, [`${P}agent-pre-populate-only`]: 'true'}})
    expect(text).toContain(`  ${P}agent-pre-populate-only: "true"\n`)
    expect(result.stdout).toContain('Next: helm upgrade RELEASE CHART --reuse-values -f values-inject-secrets.yaml')
  })

  it('--values-key nests them for charts that keep pod annotations deeper; -o json prints them', async () => {
    const dir = freshDir()
    const [nested, json] = await Promise.all([
      runVsi([...TUTORIAL, '--emit', 'helm-values', '--values-key', 'orgchart.podAnnotations', '-o', 'yaml'], {cwd: dir}),
      runVsi([...TUTORIAL, '--emit', 'helm-values', '-o', 'json'], {cwd: dir}),
    ])
    expect(nested.exitCode, nested.stderr).toBe(0)
    expect(parse(nested.stdout)).toEqual({orgchart: {podAnnotations: ANNOTATIONS}})
    expect(JSON.parse(json.stdout)).toEqual({podAnnotations: ANNOTATIONS})
    expect(readdirSync(dir)).toEqual([])
  })
})

describe('vsi patch --emit: bad combinations (exit 2, nothing written)', () => {
  it.concurrent.for([
    ['kustomize without a workload', ['--emit', 'kustomize'], 'Error: --emit kustomize needs the workload the patch targets: give --workload KIND/NAME (e.g. deployment/orgchart) or its manifests with -f'],
    ['an unknown kind', ['--emit', 'kustomize', '--workload', 'service/orgchart'], 'Error: --workload "service/orgchart": expected KIND/NAME, e.g. deployment/orgchart'],
    ['--workload without --emit kustomize', ['--workload', 'deployment/orgchart'], 'Error: --workload names the target of --emit kustomize; add --emit kustomize'],
    ['helm values with -f', ['--emit', 'helm-values', '-f', 'app.yaml'], 'Error: --emit helm-values writes values for a chart; -f patches manifests: give one'],
    ['a bad values key', ['--emit', 'helm-values', '--values-key', 'a..b'], 'Error: --values-key "a..b": expected a dotted key path'],
    ['kustomize with --in-place', ['--emit', 'kustomize', '-f', 'app.yaml', '--in-place'], 'Error: --in-place writes patched manifests; --emit kustomize writes one file: give one'],
    ['kustomize with --apply', ['--emit', 'kustomize', '--apply', 'deployment/app'], 'Error: --emit kustomize writes a file for your GitOps tool; --apply patches the live workload: give one'],
  ])('%s', async ([, args, message], {expect}) => {
    const dir = freshDir()
    writeFileSync(path.join(dir, 'app.yaml'), readFileSync(ORGCHART, 'utf8'))
    const result = await runVsi([...TUTORIAL, ...(args as string[])], {cwd: dir})
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain(message as string)
    expect(readdirSync(dir)).toEqual(['app.yaml'])
  })
})

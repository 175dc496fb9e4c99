import {describe, expect, it} from 'vitest'

import {batchWrites, patchManifests, workloadSummaries} from '../../../src/patch/batch.js'
import {batchTarget} from '../../../src/patch/batch-target.js'

const A = {'vault.hashicorp.com/agent-inject': 'true'}
const deployment = (name: string) => `kind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  template:\n    spec: {}\n`
const SERVICE = 'kind: Service\nmetadata:\n  name: s\n'

describe('batch writes', () => {
  const files = patchManifests(
    [
      {path: 'a/app.yaml', text: deployment('one')},
      {path: 'b/svc.yaml', text: SERVICE},
      {path: 'c/second.yaml', text: `# comment\n---\n${deployment('two')}`},
    ],
    A,
  )

  it('in place: only files with workloads; to a directory: every file by base name', () => {
    expect(batchWrites(files, {inPlace: true}).map((write) => write.path)).toEqual(['a/app.yaml', 'c/second.yaml'])
    expect(batchWrites(files, {outDir: 'out'})).toEqual([
      {path: 'out/app.yaml', text: files[0].text},
      {path: 'out/svc.yaml', text: SERVICE},
      {path: 'out/second.yaml', text: files[2].text},
    ])
    expect(workloadSummaries(files).map((w) => `${w.file} ${w.ref}`)).toEqual(['a/app.yaml deployment/one', 'c/second.yaml deployment/two'])
  })

  it('to one file: one stream, with a --- between files unless the next one starts with its own', () => {
    const [stream] = batchWrites(files, {output: '-', format: 'yaml'})
    expect(stream.text).toBe(`${files[0].text}---\n${SERVICE}${files[2].text}`)
  })

  it('refuses two files with one base name in --out-dir, stdin in place, and manifests without workloads', () => {
    const twins = patchManifests([{path: 'x/app.yaml', text: deployment('a')}, {path: 'y/app.yaml', text: deployment('b')}], A)
    expect(() => batchWrites(twins, {outDir: 'out'})).toThrow('--out-dir: x/app.yaml and y/app.yaml would both be written to out/app.yaml')
    expect(() => batchWrites(patchManifests([{path: '-', text: deployment('a')}], A), {inPlace: true})).toThrow('--in-place cannot write stdin back')
    expect(() => patchManifests([{path: 'svc.yaml', text: SERVICE}, {path: 'empty.yaml', text: ''}], A)).toThrow('no workload in svc.yaml, empty.yaml (looked for Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Pod, PodTemplate; found Service)')
  })

  it('picks the target from the flags: stdout by default, one of --in-place, --out-dir, --output-file', () => {
    expect(batchTarget({})).toBeUndefined()
    expect(batchTarget({'output-file': 'x.yaml'})).toBeUndefined()
    expect(batchTarget({filename: ['f']})).toEqual({output: '-', format: 'yaml'})
    expect(batchTarget({filename: ['f'], format: 'json'})).toEqual({output: '-', format: 'json'})
    expect(batchTarget({filename: ['f'], 'output-file': 'x.yaml'})).toEqual({output: 'x.yaml', format: 'yaml'})
    expect(batchTarget({filename: ['f'], 'in-place': true})).toEqual({inPlace: true})
    expect(batchTarget({filename: ['f'], 'out-dir': 'o'})).toEqual({outDir: 'o'})
    expect(() => batchTarget({'out-dir': 'o'})).toThrow('--out-dir needs -f: the manifests to patch')
    expect(() => batchTarget({filename: ['f'], 'out-dir': 'o', 'output-file': '-'})).toThrow('--out-dir and --output-file cannot be used together')
    expect(() => batchTarget({filename: ['f'], 'in-place': true, format: 'json'})).toThrow('-o/--output prints the manifests to stdout, and --in-place rewrites files in their own format: give one')
  })
})

describe('the kinds vsi patch -f accepts', () => {
  it('patches a ReplicationController, as vsi lint checks one (one table of workload kinds)', () => {
    const rc = 'kind: ReplicationController\nmetadata:\n  name: legacy\nspec:\n  template:\n    spec: {}\n'
    const [file] = patchManifests([{path: 'rc.yaml', text: rc}], A)
    expect(file.workloads.map((w) => [w.ref, w.annotationPath])).toEqual([['replicationcontroller/legacy', 'spec.template.metadata.annotations']])
    expect(file.text).toContain('    metadata:\n      annotations:\n        vault.hashicorp.com/agent-inject: "true"\n    spec: {}')
  })

  it('reads the items of a typed list (DeploymentList) as kubectl does, not only kind: List', () => {
    const list = `kind: DeploymentList\nitems:\n  - ${deployment('listed').trimEnd().split('\n').join('\n    ')}\n`
    const [file] = patchManifests([{path: 'list.yaml', text: list}], A)
    expect(file.workloads.map((w) => w.ref)).toEqual(['deployment/listed'])
  })
})

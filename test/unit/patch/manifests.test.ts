import {readFileSync} from 'node:fs'
import path from 'node:path'
import {parse, parseAllDocuments, parseDocument} from 'yaml'
import {describe, expect, it} from 'vitest'

import {patchManifest} from '../../../src/patch/manifests.js'
import {formatOptionsOf} from '../../../src/patch/yaml-document.js'
import {spliceAnnotations} from '../../../src/patch/yaml-splice.js'
import {projectRoot, seedDir} from '../../helpers/cli.js'

const P = 'vault.hashicorp.com/'
const ANNOTATIONS = {[`${P}agent-inject`]: 'true', [`${P}role`]: 'internal-app', [`${P}agent-inject-secret-database-config.txt`]: 'internal/data/database/config'}
const fixture = (name: string) => readFileSync(path.join(projectRoot, 'test/fixtures/patch', name), 'utf8')
const documentsOf = (text: string) => parseAllDocuments(text as string).map((doc) => doc.toJS())

describe('patchManifest', () => {
  it('fills the empty annotations of the tutorial deployment and changes no other line', () => {
    const text = readFileSync(path.join(seedDir, 'deployment-orgchart.yaml'), 'utf8')
    const result = patchManifest({path: 'deployment-orgchart.yaml', text}, ANNOTATIONS)
    const lines = Object.entries(ANNOTATIONS).map(([key, value]) => `        ${key}: "${value}"\n`)
    expect(result.text).toBe(text.replace('      annotations:\n', `      annotations:\n${lines.join('')}`))
    expect(result.workloads).toEqual([
      {ref: 'deployment/orgchart', apiVersion: 'apps/v1', kind: 'Deployment', name: 'orgchart', annotationPath: 'spec.template.metadata.annotations', annotations: ANNOTATIONS, patch: {spec: {template: {metadata: {annotations: ANNOTATIONS}}}}},
    ])
    expect(result.notes).toEqual([])
  })

  it('patches Jobs and CronJobs (with pre-populate-only) by adding lines only: every other byte stays', () => {
    const text = fixture('workloads.yaml')
    const result = patchManifest({path: 'workloads.yaml', text}, ANNOTATIONS)
    const lines = (indent: string) => [...Object.entries(ANNOTATIONS), [`${P}agent-pre-populate-only`, 'true']].map(([key, value]) => `${indent}${key}: "${value}"\n`).join('')
    expect(result.text).toBe(
      text
        .replace('    metadata:\n      labels: {app: migrate}\n', `    metadata:\n      annotations:\n${lines('        ')}      labels: {app: migrate}\n`)
        .replace('          annotations:\n            team: data', `          annotations:\n${lines('            ')}            team: data`),
    )

    const withJob = {...ANNOTATIONS, [`${P}agent-pre-populate-only`]: 'true'}
    const [service, job, cronJob, configMap] = documentsOf(result.text)
    const [serviceBefore, , , configMapBefore] = documentsOf(text)
    expect(service).toEqual(serviceBefore)
    expect(configMap).toEqual(configMapBefore)
    expect(job.spec.template.metadata).toEqual({labels: {app: 'migrate'}, annotations: withJob})
    expect(cronJob.spec.jobTemplate.spec.template.metadata.annotations).toEqual({team: 'data', ...withJob})
    expect(result.workloads.map((w) => [w.ref, w.namespace, w.annotationPath])).toEqual([
      ['job/migrate', 'apps', 'spec.template.metadata.annotations'],
      ['cronjob/report', undefined, 'spec.jobTemplate.spec.template.metadata.annotations'],
    ])
    expect(result.workloads[1].patch).toEqual({spec: {jobTemplate: {spec: {template: {metadata: {annotations: withJob}}}}}})
    expect(result.kinds).toEqual(['Service', 'Job', 'CronJob', 'ConfigMap'])
    expect(result.notes).toEqual([
      `job/migrate: added ${P}agent-pre-populate-only: "true" (a running agent sidecar would keep the Job's pods from completing)`,
      `cronjob/report: added ${P}agent-pre-populate-only: "true" (a running agent sidecar would keep the CronJob's pods from completing)`,
    ])
  })

  it("keeps a Job's explicit pre-populate-only, with a warning when it is not true", () => {
    const text = 'kind: Job\nmetadata:\n  name: j\nspec:\n  template:\n    spec: {}\n'
    const result = patchManifest({path: 'j.yaml', text}, {...ANNOTATIONS, [`${P}agent-pre-populate-only`]: 'false'})
    expect(parse(result.text).spec.template.metadata.annotations[`${P}agent-pre-populate-only`]).toBe('false')
    expect(result.notes).toEqual([`job/j: ${P}agent-pre-populate-only is "false": the agent sidecar will keep the Job's pods from completing`])
  })

  it("puts a Pod's annotations on its own metadata, inside a List, and keeps a JSON file JSON", () => {
    const template = {[`${P}agent-inject-template-db`]: '{{ with secret "x" }}\n{{ end }}\n'}
    const result = patchManifest({path: 'pod-list.json', text: fixture('pod-list.json')}, {...ANNOTATIONS, ...template})
    expect(JSON.parse(result.text).items[0].metadata.annotations).toEqual({...ANNOTATIONS, ...template})
    expect(result.workloads.map((w) => [w.ref, w.annotationPath])).toEqual([['pod/debug', 'metadata.annotations']])
  })

  it("keeps a file's own sequence indentation when it re-prints a document", () => {
    const text = 'kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: x\n'
    const patched = patchManifest({path: 'd.yaml', text}, ANNOTATIONS).text
    expect(patched).toContain('      containers:\n      - name: app\n        image: x\n')
    expect(parse(patched).spec.template.metadata.annotations).toEqual(ANNOTATIONS)
  })

  it('writes a multi-line value as a literal block', () => {
    const text = 'kind: Deployment\nspec:\n  template:\n    metadata:\n      annotations: {}\n'
    const patched = patchManifest({path: 'd.yaml', text}, {[`${P}agent-inject-template-a`]: 'line 1\nline 2\n'}).text
    expect(patched).toBe(`kind: Deployment\nspec:\n  template:\n    metadata:\n      annotations:\n        ${P}agent-inject-template-a: |\n          line 1\n          line 2\n`)
  })

  it('reports invalid YAML with the file name (exit 2), and finds nothing in an empty file', () => {
    expect(() => patchManifest({path: 'bad.yaml', text: 'kind: Deployment\nspec: [oops\n'}, ANNOTATIONS)).toThrow(/^bad\.yaml: invalid YAML: /)
    expect(patchManifest({path: 'empty.yaml', text: '# nothing\n'}, ANNOTATIONS)).toMatchObject({text: '# nothing\n', workloads: [], kinds: []})
  })
})

describe('formatOptionsOf', () => {
  it("reads the sequence indentation and flow spacing from the source, defaulting to the library's", () => {
    expect(formatOptionsOf('a:\n  b:\n  - x\n')).toMatchObject({indentSeq: false})
    expect(formatOptionsOf('a:\n  b: # list\n\n    - x\n')).toMatchObject({indentSeq: true})
    expect(formatOptionsOf('a: {b: 1}\n')).toMatchObject({flowCollectionPadding: false})
    expect(formatOptionsOf('a: [ 1 ]\n')).toMatchObject({flowCollectionPadding: true})
    expect(formatOptionsOf('a: 1\n')).toEqual({indentSeq: true, flowCollectionPadding: true, lineWidth: 0})
  })
})

/** Whether every line of `lines` is in `within`, in order: the splice only added lines. */
function isSubsequence(lines: string[], within: string[]): boolean {
  let at = 0
  for (const line of within) if (line === lines[at]) at++
  return at === lines.length
}

/** What a strategic merge patch of the annotations does to an object: the maps on the path merged, nothing else. */
function merged(object: any, path: string[], annotations: Record<string, string>): any {
  const copy = structuredClone(object) ?? {}
  let node = copy
  for (const segment of path) node = node[segment] = node[segment] ?? {}
  Object.assign(node, annotations)
  return copy
}

describe('patchManifest on other layouts', () => {
  const template = {[`${P}agent-inject-template-db`]: '{{ with secret "internal/data/db" -}}\nuser={{ .Data.data.user }}\n{{ end -}}\n'}
  const all = {...ANNOTATIONS, ...template}
  const PATH = ['spec', 'template', 'metadata', 'annotations']
  const LAYOUTS: Array<[string, string, 'splice' | 'reprint']> = [
    ['no metadata in the template', 'kind: Deployment\nspec:\n  template:\n    spec:\n      containers: []\n', 'splice'],
    ['an empty metadata, with a comment', 'kind: StatefulSet\nspec:\n  template:\n    metadata: # filled by vsi\n    spec: {}\n', 'splice'],
    ['existing annotations, one of them replaced', `kind: DaemonSet\nspec:\n  template:\n    metadata:\n      annotations:\n        ${P}role: "old"\n        other: kept\n`, 'splice'],
    ['four-space indentation', 'kind: Deployment\nspec:\n    template:\n        metadata:\n            labels:\n                app: x\n', 'splice'],
    ['no spec at all', 'kind: ReplicaSet\nmetadata:\n  name: r\n', 'splice'],
    ['an empty flow map', 'kind: Deployment\nspec:\n  template:\n    metadata:\n      annotations: {}\n', 'reprint'],
    ['a replaced value with a comment after it', `kind: Deployment\nspec:\n  template:\n    metadata:\n      annotations:\n        ${P}role: old # was\n`, 'reprint'],
    ['CRLF line ends', 'kind: Deployment\r\nspec:\r\n  template:\r\n    metadata:\r\n      labels:\r\n        app: x\r\n', 'reprint'],
    ['a flow-style template', 'kind: Deployment\nspec: {template: {metadata: {labels: {app: x}}}}\n', 'reprint'],
  ]

  it.each(LAYOUTS)('%s: the same object as a strategic merge (%s)', (_name, text, how) => {
    const result = patchManifest({path: 'x.yaml', text}, all).text
    expect(parse(result)).toEqual(merged(parse(text), PATH, all))
    if (how === 'splice') expect(isSubsequence(text.split('\n').filter((line) => !line.includes(`${P}role`)), result.split('\n'))).toBe(true)
  })

  it.each(LAYOUTS)('%s: takes the %s path', (_name, text, how) => {
    // The splice declines (undefined) exactly the layouts that are re-printed whole.
    const edits = spliceAnnotations(text, parseDocument(text), [], PATH, all)
    if (how === 'splice') expect(edits).toBeDefined()
    else expect(edits).toBeUndefined()
  })
})

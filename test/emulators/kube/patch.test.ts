import {execFile} from 'node:child_process'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {applyPatch, type PatchType} from './patch/index.js'
import {hasKubectl} from './test-support.js'

const seed = (name: string) => readFileSync(new URL(`../../fixtures/tutorial/${name}`, import.meta.url), 'utf8')

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {name: 'orgchart', labels: {app: 'orgchart'}, finalizers: ['a/x', 'b/y']},
  spec: {
    replicas: 1,
    selector: {matchLabels: {app: 'orgchart'}},
    template: {
      metadata: {labels: {app: 'orgchart'}, annotations: {keep: 'me', drop: 'me'}},
      spec: {
        serviceAccountName: 'internal-app',
        containers: [
          {
            name: 'orgchart',
            image: 'jweissig/app:0.0.1',
            args: ['--a', '--b'],
            env: [
              {name: 'E1', value: '1'},
              {name: 'E2', value: '2'},
            ],
            ports: [{containerPort: 8080, name: 'http'}],
            volumeMounts: [{name: 'data', mountPath: '/data'}],
          },
          {name: 'sidecar', image: 'busybox:1'},
        ],
        volumes: [
          {name: 'data', emptyDir: {}},
          {name: 'cache', emptyDir: {medium: 'Memory'}},
        ],
      },
    },
  },
}

const strategic: Array<[string, unknown]> = [
  ['the tutorial patch', parse(seed('patch-inject-secrets.yaml'))],
  ['the tutorial template patch', parse(seed('patch-inject-secrets-as-template.yaml'))],
  ['null deletes a map key', {spec: {template: {metadata: {annotations: {drop: null, add: 'x'}}}}}],
  ['containers merge by name, new ones first', {spec: {template: {spec: {containers: [{name: 'new', image: 'n:1'}, {name: 'orgchart', env: [{name: 'E3', value: '3'}, {name: 'E1', value: 'one'}]}]}}}}],
  ['$patch: delete removes a list item', {spec: {template: {spec: {containers: [{name: 'sidecar', $patch: 'delete'}]}}}}],
  ['$patch: replace replaces a list', {spec: {template: {spec: {volumes: [{name: 'only', emptyDir: {}}, {$patch: 'replace'}]}}}}],
  ['$patch: replace replaces a map', {spec: {template: {metadata: {annotations: {$patch: 'replace', fresh: 'yes'}}}}}],
  ['lists without a merge key are replaced', {spec: {template: {spec: {containers: [{name: 'orgchart', args: ['--c']}]}}}}],
  ['volumeMounts merge by mountPath, ports by containerPort', {spec: {template: {spec: {containers: [{name: 'orgchart', volumeMounts: [{name: 'cache', mountPath: '/vault/secrets'}], ports: [{containerPort: 8080, protocol: 'TCP'}, {containerPort: 9090}]}]}}}}],
  ['$deleteFromPrimitiveList and $setElementOrder', {metadata: {'$deleteFromPrimitiveList/finalizers': ['a/x']}, spec: {template: {spec: {'$setElementOrder/containers': [{name: 'sidecar'}, {name: 'orgchart'}], containers: [{name: 'orgchart', image: 'x:2'}]}}}}],
  ['scalar lists with merge strategy union', {metadata: {finalizers: ['c/z', 'a/x']}}],
]

const others: Array<[string, PatchType, unknown]> = [
  ['merge patch replaces lists and deletes with null', 'application/merge-patch+json', {spec: {template: {metadata: {annotations: {drop: null}}, spec: {volumes: [{name: 'v', emptyDir: {}}]}}}}],
  ['JSON patch add/replace/remove/move/copy/test', 'application/json-patch+json', [
    {op: 'test', path: '/spec/replicas', value: 1},
    {op: 'add', path: '/spec/template/metadata/annotations/vault.hashicorp.com~1agent-inject', value: 'true'},
    {op: 'replace', path: '/spec/replicas', value: 3},
    {op: 'remove', path: '/spec/template/spec/containers/1'},
    {op: 'copy', from: '/metadata/labels', path: '/spec/template/metadata/labels'},
    {op: 'move', from: '/metadata/finalizers/0', path: '/metadata/finalizers/-'},
    {op: 'add', path: '/spec/template/spec/containers/0/env/-', value: {name: 'E9', value: '9'}},
  ]],
]

const kubectlType = {'application/strategic-merge-patch+json': 'strategic', 'application/merge-patch+json': 'merge', 'application/json-patch+json': 'json'} as const

/** kubectl's own client-side patch code (k8s.io/apimachinery strategicpatch, evanphx/json-patch) is the oracle. */
function kubectlPatch(file: string, type: PatchType, patch: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const dir = mkdtempSync(join(tmpdir(), 'kubectl-patch-'))
    execFile('kubectl', ['patch', '--local', '-f', file, '--type', kubectlType[type], '-p', JSON.stringify(patch), '-o', 'json'], {env: {...process.env, HOME: dir, KUBECONFIG: join(dir, 'none')}}, (error, stdout, stderr) =>
      error ? reject(new Error(stderr)) : resolve(JSON.parse(stdout)),
    )
  })
}

describe.skipIf(!hasKubectl)('patches apply exactly as kubectl patch --local applies them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'patch-oracle-'))
  const file = join(dir, 'deployment.json')
  writeFileSync(file, JSON.stringify(deployment))
  const cases: Array<[string, PatchType, unknown]> = [...strategic.map(([n, p]): [string, PatchType, unknown] => [n, 'application/strategic-merge-patch+json', p]), ...others]
  const expected = Promise.all(cases.map(([, type, patch]) => kubectlPatch(file, type, patch)))

  it.each(cases.map((c, i) => [c[0], i] as const))('%s', async (_name, i) => {
    const [, type, patch] = cases[i]
    expect(applyPatch('Deployment', structuredClone(deployment), type, structuredClone(patch))).toEqual((await expected)[i])
  })
})

describe('patch errors', () => {
  it('rejects an object body sent as JSON Patch and a missing merge key, as the API server does', () => {
    expect(() => applyPatch('Deployment', deployment, 'application/json-patch+json', {spec: {}})).toThrow('cannot unmarshal object')
    expect(() => applyPatch('Deployment', deployment, 'application/strategic-merge-patch+json', {spec: {template: {spec: {containers: [{image: 'x'}]}}}})).toThrow('does not contain declared merge key: name')
  })
})

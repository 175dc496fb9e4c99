import {describe, expect, it} from 'vitest'

import {applyContainerPatch} from '../../../src/annotations/rules/json-patch.js'

/** The shape vault-k8s marshals for the sidecar before applying agent-json-patch (container_sidecar.go). */
const sidecar = () => ({name: 'vault-agent', image: 'hashicorp/vault:2.0.4', env: [{name: 'NAMESPACE'}], resources: {limits: {cpu: '500m'}}, lifecycle: {}})

describe('agent-json-patch applied as evanphx/json-patch applies it', () => {
  it('treats null as an empty patch (TestAgentJsonPatch "null patch")', () => {
    expect(applyContainerPatch(sidecar(), null)).toEqual({container: sidecar()})
  })

  it('lets replace set an absent object key, as evanphx does (fast-json-patch alone would refuse it)', () => {
    expect(applyContainerPatch(sidecar(), [{op: 'replace', path: '/workingDir', value: '/tmp'}])).toEqual({container: {...sidecar(), workingDir: '/tmp'}})
  })

  it('appends to an existing list and leaves the input untouched', () => {
    const input = sidecar()
    const result = applyContainerPatch(input, [{op: 'add', path: '/env/-', value: {name: 'X', value: '1'}}])
    expect(result).toEqual({container: {...sidecar(), env: [{name: 'NAMESPACE'}, {name: 'X', value: '1'}]}})
    expect(input).toEqual(sidecar())
  })

  it.each([
    [[{op: 'invalid'}], 'Unexpected kind: invalid'],
    [[{path: '/name'}], 'Unexpected kind: unknown'],
    [[{op: 'add', path: '/ports/0', value: {}}], 'add operation does not apply: doc is missing path: "/ports/0": missing value'],
    [[{op: 'remove', path: '/ports'}], "error in remove for path: '/ports': Unable to remove nonexistent key: ports: missing value"],
    [[{op: 'replace', path: '/env/3', value: {}}], 'replace operation does not apply: doc is missing key: /env/3: missing value'],
    [[{op: 'add', path: '/env/5', value: {}}], "error in add for path: '/env/5': Unable to access invalid index: 5: invalid index referenced"],
    [[{op: 'test', path: '/name', value: 'other'}], 'testing value /name failed: test failed'],
  ])('refuses %j with evanphx words', (patch, error) => {
    expect(applyContainerPatch(sidecar(), patch)).toEqual({error})
  })
})

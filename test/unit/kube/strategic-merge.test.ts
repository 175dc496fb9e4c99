import {describe, expect, it} from 'vitest'

import {patchWouldChange} from '../../../src/kube/strategic-merge.js'

const deployment = {
  metadata: {name: 'orgchart', creationTimestamp: new Date('2024-01-01T00:00:00Z')},
  spec: {
    template: {
      metadata: {labels: {app: 'orgchart'}, annotations: {'vault.hashicorp.com/agent-inject': 'true', 'vault.hashicorp.com/role': 'internal-app'}},
      spec: {serviceAccountName: 'internal-app', containers: [{name: 'orgchart', image: 'jweissig/app:0.0.1', env: [{name: 'A', value: '1'}]}]},
    },
  },
}

describe('patchWouldChange', () => {
  it('is false for a patch the object already has', () => {
    expect(patchWouldChange(deployment, {spec: {template: {metadata: {annotations: {'vault.hashicorp.com/agent-inject': 'true'}}}}})).toBe(false)
    expect(patchWouldChange(deployment, {spec: {template: {spec: {containers: [{name: 'orgchart', env: [{name: 'A', value: '1'}]}]}}}})).toBe(false)
    expect(patchWouldChange(deployment, {metadata: {annotations: {gone: null}}})).toBe(false)
  })

  it('is true for a new or different value, a deletion of something present, or an unknown list element', () => {
    expect(patchWouldChange(deployment, {spec: {template: {metadata: {annotations: {'vault.hashicorp.com/role': 'other'}}}}})).toBe(true)
    expect(patchWouldChange(deployment, {spec: {template: {metadata: {annotations: {'vault.hashicorp.com/agent-inject-secret-x': 'p'}}}}})).toBe(true)
    expect(patchWouldChange(deployment, {spec: {template: {metadata: {annotations: {'vault.hashicorp.com/role': null}}}}})).toBe(true)
    expect(patchWouldChange(deployment, {spec: {template: {spec: {containers: [{name: 'sidecar', image: 'x'}]}}}})).toBe(true)
    expect(patchWouldChange(deployment, {spec: {template: {spec: {containers: [{name: 'orgchart', image: 'y'}]}}}})).toBe(true)
  })

  it('treats patch directives and lists without a merge key as changes', () => {
    expect(patchWouldChange(deployment, {spec: {template: {spec: {$retainKeys: ['containers']}}}})).toBe(true)
    expect(patchWouldChange({a: [1, 2]}, {a: [1, 2]})).toBe(false)
    expect(patchWouldChange({a: [1, 2]}, {a: [2, 1]})).toBe(true)
  })
})

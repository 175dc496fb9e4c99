import type {V1LabelSelector} from '@kubernetes/client-node'
import {describe, expect, it} from 'vitest'

import {matchesLabelSelector as serverMatches} from '../../emulators/kube/selectors.js'
import {labelSelectorToString, matchesLabelSelector} from '../../../src/kube/selector.js'

const LABELS: Array<Record<string, string> | undefined> = [undefined, {}, {app: 'web'}, {app: 'web', tier: 'front'}, {app: 'api', tier: 'back'}, {tier: 'front'}, {app: ''}]

const SELECTORS: V1LabelSelector[] = [
  {},
  {matchLabels: {app: 'web'}},
  {matchLabels: {app: 'web', tier: 'front'}},
  {matchExpressions: [{key: 'app', operator: 'In', values: ['web', 'api']}]},
  {matchExpressions: [{key: 'app', operator: 'NotIn', values: ['web']}]},
  {matchExpressions: [{key: 'tier', operator: 'Exists'}]},
  {matchExpressions: [{key: 'tier', operator: 'DoesNotExist'}]},
  {matchLabels: {app: 'web'}, matchExpressions: [{key: 'tier', operator: 'NotIn', values: ['back']}]},
  {matchLabels: {app: ''}},
]

describe('matchesLabelSelector (verify -f matches the pods of a namespace list to each workload)', () => {
  it('selects the pods the API server answers for the same ?labelSelector=', () => {
    for (const selector of SELECTORS) {
      const query = labelSelectorToString(selector)
      for (const labels of LABELS) {
        expect(matchesLabelSelector(selector, labels), `${JSON.stringify(labels)} against "${query}"`).toBe(serverMatches(labels, query))
      }
    }
  })
})

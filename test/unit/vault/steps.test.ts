import {describe, expect, it} from 'vitest'

import {VsiError} from '../../../src/errors.js'
import {applySteps, type Step} from '../../../src/setup/steps.js'

describe('applySteps', () => {
  it('runs independent steps together and dependents after them', async () => {
    const log: string[] = []
    const step = (id: string, after: string[] = []): Step => ({
      id,
      target: id,
      state: 'create',
      after,
      run: async () => {
        log.push(`start ${id}`)
        await new Promise((resolve) => setImmediate(resolve))
        log.push(`end ${id}`)
      },
    })
    await applySteps([step('mount'), step('auth'), step('secret', ['mount'])], () => undefined)
    expect(log.slice(0, 2).sort()).toEqual(['start auth', 'start mount'])
    expect(log.indexOf('start secret')).toBeGreaterThan(log.indexOf('end mount'))
  })

  it('skips the dependents of a failed step, keeps going elsewhere, and reports the error code', async () => {
    const done: string[] = []
    const actions = await applySteps(
      [
        {id: 'auth', target: 'auth method', state: 'create', run: async () => Promise.reject(new VsiError('denied', {code: 'vault-permission-denied', hint: 'h'}))},
        {id: 'role', target: 'role', state: 'create', after: ['auth'], run: async () => undefined},
        {id: 'policy', target: 'policy', state: 'change', run: async () => undefined},
        {id: 'sa', target: 'service account', state: 'unchanged'},
      ],
      (action) => done.push(action.step),
    )
    expect(actions).toEqual([
      {step: 'auth', target: 'auth method', status: 'failed', detail: 'denied', code: 'vault-permission-denied', hint: 'h'},
      {step: 'role', target: 'role', status: 'skipped', detail: 'needs auth method'},
      {step: 'policy', target: 'policy', status: 'changed'},
      {step: 'sa', target: 'service account', status: 'unchanged'},
    ])
    expect(done.sort()).toEqual(['auth', 'policy', 'role', 'sa'])
  })
})

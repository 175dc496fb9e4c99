import {describe, expect, it} from 'vitest'

import {VsiError} from '../../../src/errors.js'
import {applySteps, runStepsOrThrow, type Step} from '../../../src/setup/steps.js'

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

  it('waits for every step that shares an id named in after (one step per service account)', async () => {
    const log: string[] = []
    const account = (name: string): Step => ({id: 'service-account', target: name, state: 'create', run: async () => void log.push(name)})
    await applySteps([account('a'), account('b'), {id: 'verify', target: 'verify', state: 'check', after: ['service-account'], run: async () => void log.push('verify')}], () => undefined)
    expect(log).toEqual(['a', 'b', 'verify'])
  })
})

describe('runStepsOrThrow (vsi role create, vsi policy create)', () => {
  const failing = new VsiError('no auth', {code: 'auth-mount-missing', hint: 'enable it'})
  const steps = (): Step[] => [
    {id: 'role', target: 'role r', state: 'create', run: async () => Promise.reject(failing)},
    {id: 'service-account', target: 'service account default/r', state: 'create', after: ['role'], run: async () => undefined},
  ]

  it('throws the failed step\'s own error after emitting every action in step order', async () => {
    const emitted: string[] = []
    await expect(runStepsOrThrow(steps(), false, (action) => emitted.push(`${action.step}:${action.status}`))).rejects.toBe(failing)
    expect(emitted).toEqual(['role:failed', 'service-account:skipped'])
  })

  it('runs nothing on a dry run and returns the planned actions', async () => {
    const actions = await runStepsOrThrow(steps(), true, () => undefined)
    expect(actions.map((action) => `${action.step}:${action.status}`)).toEqual(['role:create', 'service-account:create'])
  })
})

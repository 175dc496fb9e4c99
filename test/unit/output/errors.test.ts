import {Errors} from '@oclif/core'
import {describe, expect, it} from 'vitest'

import {ExitCode, VsiError, inputError, toVsiError, usageError} from '../../../src/errors.js'
import {errorEnvelope} from '../../../src/output/envelope.js'

describe('toVsiError', () => {
  it('keeps a VsiError as it is', () => {
    const error = new VsiError('vault is sealed', {code: 'vault-sealed', hint: 'unseal it'})
    expect(toVsiError(error)).toBe(error)
    expect(error.exitCode).toBe(ExitCode.failed)
  })

  it('maps oclif usage errors to exit 2 with the first line of the message', () => {
    const mapped = toVsiError(new Errors.CLIError('Nonexistent flag: --bogus\nSee more help with --help', {exit: 2}))
    expect(mapped.exitCode).toBe(ExitCode.usage)
    expect(mapped.code).toBe('usage')
    expect(mapped.message).toBe('Nonexistent flag: --bogus')
  })

  it('skips the header oclif puts above a list of parse errors', () => {
    const error = new Errors.CLIError('The following error occurred:\n  --filename=x cannot also be provided when using --apply', {exit: 2})
    expect(toVsiError(error).message).toBe('--filename=x cannot also be provided when using --apply')
  })

  it('reports anything else as an internal failure with exit 1', () => {
    const mapped = toVsiError(new TypeError('x is undefined'))
    expect(mapped.code).toBe('internal')
    expect(mapped.exitCode).toBe(ExitCode.failed)
    expect(toVsiError('text').message).toBe('text')
  })

  it('usage and input errors exit 2', () => {
    expect(usageError('bad').exitCode).toBe(2)
    expect(inputError('bad file').code).toBe('invalid-input')
  })
})

describe('errorEnvelope', () => {
  it('carries code, message, hint and the partial result', () => {
    const error = new VsiError('1 check failed', {code: 'checks-failed', hint: 'see above', result: {checks: []}})
    expect(errorEnvelope('verify', error, ['w'])).toEqual({
      apiVersion: 'vsi/v1',
      command: 'verify',
      ok: false,
      exitCode: 1,
      error: {code: 'checks-failed', message: '1 check failed', hint: 'see above'},
      result: {checks: []},
      warnings: ['w'],
    })
  })
})

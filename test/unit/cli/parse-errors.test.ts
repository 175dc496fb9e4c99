import {Errors} from '@oclif/core'
import {describe, expect, it} from 'vitest'

import {parseErrorAsUsage} from '../../../src/cli/parse-errors.js'
import {ExitCode} from '../../../src/errors.js'

describe('parseErrorAsUsage', () => {
  it('maps oclif usage errors to exit 2, naming the flag and the nearest one the command has', () => {
    const mapped = parseErrorAsUsage(new Errors.CLIError('Nonexistent flag: --bogus\nSee more help with --help', {exit: 2}), ['bogos', 'role'])!
    expect(mapped.exitCode).toBe(ExitCode.usage)
    expect(mapped.code).toBe('usage')
    expect([mapped.message, mapped.hint]).toEqual(['unknown flag --bogus', 'Did you mean --bogos? Run the command with --help to see its flags.'])
    expect(parseErrorAsUsage(new Errors.CLIError('Nonexistent flag: --zzzz\nSee more help with --help', {exit: 2}), ['role'])?.hint).toBe('Run the command with --help to see its flags.')
  })

  it('keeps the flag, the value and what was expected of a value oclif could not parse', () => {
    const error = new Errors.CLIError('Parsing --concurrency \n\tExpected an integer but received: abc\nSee more help with --help', {exit: 2})
    expect(parseErrorAsUsage(error, [])?.message).toBe('--concurrency: expected an integer but received: abc')
  })

  it('names a missing argument', () => {
    const error = new Errors.CLIError('Missing 1 required arg:\nname  Policy name.\nSee more help with --help', {exit: 2})
    expect(parseErrorAsUsage(error, [])?.message).toBe('missing argument NAME (Policy name)')
  })

  it('leaves errors that are not oclif parse errors to toVsiError', () => {
    expect(parseErrorAsUsage(new TypeError('x is undefined'), [])).toBeUndefined()
  })
})

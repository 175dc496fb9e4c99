import {afterEach, describe, expect, it, vi} from 'vitest'

import {VsiError} from '../../../src/errors.js'
import {formatCommandLine, runCommand} from '../../../src/exec/run.js'
import {enableDebug} from '../../../src/output/debug.js'
import {registerSecret} from '../../../src/output/redact.js'

const node = process.execPath

afterEach(() => vi.restoreAllMocks())

describe('runCommand against real processes', () => {
  it('passes arguments as an array, never through a shell', async () => {
    const result = await runCommand(node, ['-e', 'console.log(JSON.stringify(process.argv.slice(1)))', '$HOME', 'a b', '; echo no'])
    expect(JSON.parse(result.stdout)).toEqual(['$HOME', 'a b', '; echo no'])
    expect(result.exitCode).toBe(0)
  })

  it('maps a non-zero exit to a VsiError quoting the last stderr lines', async () => {
    const failing = runCommand(node, ['-e', 'console.error("first\\nError: it broke"); process.exit(3)'])
    await expect(failing).rejects.toBeInstanceOf(VsiError)
    await expect(failing).rejects.toMatchObject({code: 'command-failed', exitCode: 1})
    await expect(failing).rejects.toThrow(/failed with exit code 3:\nfirst\nError: it broke$/)
  })

  it('returns the failure as a result with allowFailure', async () => {
    const result = await runCommand(node, ['-e', 'process.stderr.write("nope"); process.exit(2)'], {allowFailure: true})
    expect(result).toMatchObject({exitCode: 2, stderr: 'nope'})
  })

  it('names a program that is not on the PATH, with the hint given', async () => {
    const missing = runCommand('vsi-no-such-program', ['x'], {missingHint: 'Install it.'})
    await expect(missing).rejects.toMatchObject({code: 'command-not-found', hint: 'Install it.', message: 'vsi-no-such-program was not found on the PATH'})
  })

  it('refuses to put a registered secret in the arguments', async () => {
    registerSecret('s3cr3t-value-for-runner')
    await expect(runCommand(node, ['-e', '', 's3cr3t-value-for-runner'])).rejects.toThrow('a secret would appear in its arguments')
  })

  it('kills the child when the signal aborts', async () => {
    const controller = new AbortController()
    let pid = 0
    const running = runCommand(node, ['-e', 'console.log(process.pid); setInterval(() => {}, 1000)'], {
      signal: controller.signal,
      onLine: (line) => {
        pid = Number(line)
        controller.abort(new Error('interrupted (SIGINT)'))
      },
    })
    await expect(running).rejects.toMatchObject({code: 'cancelled', message: 'node was stopped: interrupted (SIGINT)'.replace('node', node)})
    expect(pid).toBeGreaterThan(0)
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/)
  })

  it('streams output lines redacted under --debug', async () => {
    registerSecret('streamed-secret-value')
    enableDebug()
    const lines: string[] = []
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk))
      return true
    })
    // The secret reaches the child by environment, as it must: never in the arguments.
    await runCommand(node, ['-e', 'console.log("token is " + process.env.TOKEN); console.error("on stderr")'], {env: {TOKEN: 'streamed-secret-value'}})
    vi.restoreAllMocks()
    expect(lines.join('')).toContain('[debug]   token is [redacted]')
    expect(lines.join('')).toContain('[debug]   on stderr')
    expect(lines.join('')).not.toContain('streamed-secret-value')
  })

  it('runs kubectl (a real client binary) and reads its output', async () => {
    const result = await runCommand('kubectl', ['version', '--client', '--output', 'json'])
    expect(JSON.parse(result.stdout).clientVersion.major).toBe('1')
  })

  it('formats command lines so they paste into a shell', () => {
    expect(formatCommandLine('helm', ['--set', 'a=b', "it's here", 'x y'])).toBe(`helm --set a=b 'it'\\''s here' 'x y'`)
  })
})

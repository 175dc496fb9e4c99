import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {describe, expect, it} from 'vitest'

import {redact} from '../../../src/output/redact.js'
import {askSecretValues, TUTORIAL} from '../../../src/setup/prompts.js'
import {readSecretAssignments} from '../../../src/vault/secret-input.js'

describe('secret data arguments', () => {
  it('reads key=value, key=@file (as is) and key=- (stdin), and registers every value', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vsi-input-'))
    writeFileSync(path.join(dir, 'pw'), 'file-secret-value\n')
    const input = await readSecretAssignments(['user=inline-user-value', `password=@${path.join(dir, 'pw')}`, 'key=-'], async () => 'stdin-secret-value')
    expect(input).toEqual({data: {user: 'inline-user-value', password: 'file-secret-value\n', key: 'stdin-secret-value'}, inlineKeys: ['user'], newlineKeys: ['password']})
    expect(redact('x file-secret-value stdin-secret-value inline-user-value')).toBe('x [redacted] [redacted] [redacted]')
  })

  it('refuses malformed arguments without echoing them', async () => {
    await expect(readSecretAssignments(['bare-secret-value'])).rejects.toSatisfy(
      (error: {exitCode: number; message: string}) => error.exitCode === 2 && !error.message.includes('bare-secret-value'),
    )
    await expect(readSecretAssignments(['a=1', 'a=2'])).rejects.toMatchObject({exitCode: 2})
    await expect(readSecretAssignments(['a=-', 'b=-'], async () => 'x')).rejects.toMatchObject({exitCode: 2})
    await expect(readSecretAssignments(['a=@/nonexistent/file'])).rejects.toMatchObject({exitCode: 2})
  })
})

describe('setup prompts', () => {
  it("offers the tutorial's values and keeps the typed password out of output", async () => {
    const asked: string[] = []
    const api = {
      input: async (options: {message: string; default?: string}) => (asked.push(options.message), options.default ?? ''),
      password: async (options: {validate?: (value: string) => boolean | string}) => {
        // An empty Enter is refused by the prompt itself (it asks again), never replaced by a default.
        expect(options.validate?.('')).toMatch(/empty one is not stored/)
        expect(options.validate?.('typed-password-123')).toBe(true)
        return 'typed-password-123'
      },
    }
    expect(await askSecretValues('internal/database/config', api)).toEqual({username: TUTORIAL.username, password: 'typed-password-123'})
    expect(redact('typed-password-123')).toBe('[redacted]')
    expect(asked).toEqual(['internal/database/config: username'])
  })
})

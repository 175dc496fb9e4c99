import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runVsi} from '../helpers/cli.js'
import {leakedSecrets, startVaultWorld, type VaultWorld} from '../helpers/vault-world.js'

const FILE_VALUE = 'value-from-a-file'
const STDIN_VALUE = 'value-from-stdin'
const INLINE_VALUE = 'value-on-the-command-line'
const file = path.join(mkdtempSync(path.join(tmpdir(), 'vsi-secret-')), 'value.txt')
writeFileSync(file, `${FILE_VALUE}\n`)
const NEWLINE_WARNING = `the value of "password" ends in a newline, which is stored as part of the secret (as vault kv put stores it); if it should not be, give the value without one, e.g. printf '%s' "$VALUE" | … password=-`

describe('vsi secret put / get', () => {
  let world: VaultWorld
  beforeAll(async () => {
    world = await startVaultWorld()
    await world.vaultRequest('POST', 'sys/mounts/kv1', {type: 'kv', options: {version: '1'}})
  })
  afterAll(() => world.stop())

  it('writes kv v2 and kv v1 from values, files and stdin, warning about values on the command line', async () => {
    const env = world.env({direct: true})
    const [v2, v1] = await Promise.all([
      runVsi(['secret', 'put', 'secret/app/db', `user=${INLINE_VALUE}`, `password=@${file}`, 'token=-', '--json'], {env, input: STDIN_VALUE}),
      runVsi(['secret', 'put', 'kv1/app/db', `password=@${file}`], {env}),
    ])
    expect(v2.exitCode, v2.stdout).toBe(0)
    expect(v2.json.result).toEqual({path: 'secret/app/db', mount: 'secret', kvVersion: 2, apiPath: 'secret/data/app/db', version: 1, keys: ['password', 'token', 'user']})
    expect(v2.json.warnings).toEqual([
      'the value of "user" was given on the command line, where shell history and the process list can see it; prefer key=@file or key=- (stdin)',
      NEWLINE_WARNING,
    ])
    expect(v1.exitCode, v1.stderr).toBe(0)
    expect(v1.stdout).toBe('Wrote kv1/app/db (kv v1): keys password')
    expect(v1.stderr).toBe(`Warning: ${NEWLINE_WARNING}`)
    const kv2 = world.vault.state.kv('secret')
    expect(kv2?.version === 2 && kv2.keys['app/db'].versions[1].data).toEqual({user: INLINE_VALUE, password: `${FILE_VALUE}\n`, token: STDIN_VALUE})
    const kv1 = world.vault.state.kv('kv1')
    expect(kv1?.version === 1 && kv1.data['app/db']).toEqual({password: `${FILE_VALUE}\n`})
    expect(leakedSecrets(v2, [INLINE_VALUE, FILE_VALUE, STDIN_VALUE])).toEqual([])
  })

  it('keeps the final newline of a value piped with <<< or echo, and warns naming its key; printf %s gives none', async () => {
    const env = world.env({direct: true})
    const [hereString, printf] = await Promise.all([
      runVsi(['secret', 'put', 'secret/app/newline', 'user=-'], {env, input: `${STDIN_VALUE}\n`}),
      runVsi(['secret', 'put', 'secret/app/printf', 'user=-'], {env, input: STDIN_VALUE}),
    ])
    expect([hereString.exitCode, hereString.stderr]).toEqual([0, expect.stringMatching(/^Warning: the value of "user" ends in a newline, which is stored as part of the secret .*user=-$/)])
    expect(hereString.stderr).not.toContain(STDIN_VALUE)
    expect([printf.exitCode, printf.stderr]).toEqual([0, ''])
    const kv = world.vault.state.kv('secret')
    expect(kv?.version === 2 && [kv.keys['app/newline'].versions[1].data, kv.keys['app/printf'].versions[1].data]).toEqual([{user: `${STDIN_VALUE}\n`}, {user: STDIN_VALUE}])
  })

  it('masks values unless asked, and prints one field raw for scripts', async () => {
    await world.vaultRequest('POST', 'secret/data/read/me', {data: {username: 'reader-name', password: 'reader-password'}})
    const env = world.env({direct: true})
    const [masked, json, field, shown, missing] = await Promise.all([
      runVsi(['secret', 'get', 'secret/read/me'], {env}),
      runVsi(['secret', 'get', 'secret/read/me', '--json'], {env}),
      runVsi(['secret', 'get', 'secret/read/me', '--field', 'password'], {env}),
      runVsi(['secret', 'get', 'secret/read/me', '--show-secrets'], {env}),
      runVsi(['secret', 'get', 'secret/read/none', '--json'], {env}),
    ])
    expect(masked.stdout).toBe('secret/read/me (kv v2, version 1)\npassword  ********\nusername  ********')
    expect(json.json.result).toEqual({path: 'secret/read/me', mount: 'secret', kvVersion: 2, version: 1, data: {password: '********', username: '********'}, masked: true})
    expect(leakedSecrets(masked, ['reader-name', 'reader-password'])).toEqual([])
    expect(leakedSecrets(json, ['reader-name', 'reader-password'])).toEqual([])
    expect(field.stdout).toBe('reader-password')
    expect(shown.stdout).toContain('password  reader-password')
    expect(missing.exitCode).toBe(1)
    expect(missing.json.error).toMatchObject({code: 'secret-not-found', message: 'no secret at secret/read/none'})
  })

  it('honours --cas on kv v2', async () => {
    const env = world.env({direct: true})
    const first = await runVsi(['secret', 'put', 'secret/cas/x', '--cas', '0', `v=@${file}`], {env})
    expect(first.exitCode, first.stderr).toBe(0)
    const again = await runVsi(['secret', 'put', 'secret/cas/x', '--cas', '0', `v=@${file}`, '--json'], {env})
    expect(again.exitCode).toBe(1)
    expect(again.json.error).toMatchObject({code: 'cas-mismatch', hint: 'See the current version with: vsi secret get secret/cas/x'})
    const v1 = await runVsi(['secret', 'put', 'kv1/x', '--cas', '0', `v=@${file}`], {env})
    expect(v1.exitCode).toBe(2)
    expect(v1.stderr).toContain('--cas needs kv v2, and kv1/ is kv v1')
  })
})

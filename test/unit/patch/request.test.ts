import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {describe, expect, it} from 'vitest'

import {patchRequestFromFlags} from '../../../src/patch/request.js'

const base = {'kv-version': '2', role: 'internal-app'}

describe('patchRequestFromFlags', () => {
  it('reads @FILE templates relative to the working directory and keeps inline ones, in flag order', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vsi-request-'))
    writeFileSync(path.join(dir, 'db.tmpl'), 'from file\n')
    const request = await patchRequestFromFlags({...base, secret: ['a=internal/a'], template: ['a=@db.tmpl', 'b=inline {{ . }}']}, dir)
    expect(request.secrets).toEqual([
      {name: 'a', path: 'internal/a', kvVersion: 2, template: 'from file\n'},
      {name: 'b', kvVersion: 2, template: 'inline {{ . }}'},
    ])
  })

  it('gives --keys NAME= to that format and unnamed --keys to every other format', async () => {
    const request = await patchRequestFromFlags({...base, 'kv-version': '1', secret: ['a=kv/a', 'b=kv/b'], format: ['a=env', 'b=json'], keys: ['user,pass', 'b=token']})
    expect(request.secrets.map(({name, format, keys, kvVersion}) => ({name, format, keys, kvVersion}))).toEqual([
      {name: 'a', format: 'env', keys: ['user', 'pass'], kvVersion: 1},
      {name: 'b', format: 'json', keys: ['token'], kvVersion: 1},
    ])
  })

  it('names the flag at fault', async () => {
    const fails = (flags: object) => patchRequestFromFlags({...base, ...flags}).then(() => 'no error', (error: Error) => error.message)
    expect(await fails({secret: ['a=x/y'], format: ['a=yaml']})).toBe('--format "a=yaml": the format must be one of json, env, map')
    expect(await fails({format: ['a=json']})).toBe('--format "a=json": no --secret a=PATH to read the keys from')
    expect(await fails({secret: ['a=x/y'], format: ['a=json'], keys: ['b=k']})).toBe('--keys "b=k": no --format b=… to use them')
    expect(await fails({secret: ['a=x/y'], format: ['a=json'], keys: ['k,,l']})).toBe('--keys "k,,l": expected [NAME=]KEY,KEY…, without empty keys')
    expect(await fails({secret: ['a=x/y'], template: ['a=one', 'a=two']})).toBe('--template "a=two": "a" already has a template')
    expect(await fails({secret: ['a=x/y'], template: ['a=@']})).toBe('--template "a=@": the file name after "@" is empty')
    expect(await fails({role: ' '})).toBe('--role is empty')
    expect(await fails({annotation: ['example.com/x=1']})).toBe('--annotation "example.com/x=1": only vault.hashicorp.com/* annotations are set by vsi patch')
    expect(await fails({annotation: ['agent-pre-populate-only=yes']})).toMatch(/^--annotation "agent-pre-populate-only=yes": vault.hashicorp.com\/agent-pre-populate-only must be /)
    expect(await fails({secret: ['db=x/y'], annotation: ['agent-inject-perm-db=0400']})).toBe(
      '--annotation "agent-inject-perm-db=0400": the injector does not know vault.hashicorp.com/agent-inject-perm-db and would ignore it (did you mean vault.hashicorp.com/agent-inject-perms-db?)',
    )
    expect(await fails({annotation: [`agent-inject-file-${'a'.repeat(50)}=x`]})).toContain('name part must be no more than 63 characters')
  })

  it('accepts --annotation keys with or without the prefix', async () => {
    const request = await patchRequestFromFlags({...base, annotation: ['agent-inject-perms-a=0400', 'vault.hashicorp.com/agent-run-as-user=1000']})
    expect(request.annotations).toEqual([
      {key: 'vault.hashicorp.com/agent-inject-perms-a', value: '0400'},
      {key: 'vault.hashicorp.com/agent-run-as-user', value: '1000'},
    ])
  })
})

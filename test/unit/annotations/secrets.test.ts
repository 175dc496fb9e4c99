import {describe, expect, it} from 'vitest'

import {injectedSecrets, tokenSinkPath} from '../../../src/annotations/secrets.js'

const annotations = (entries: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(entries).map(([suffix, value]) => [`vault.hashicorp.com/${suffix}`, value]))

describe('injectedSecrets', () => {
  it('derives secrets and destinations as the injector does', () => {
    const secrets = injectedSecrets(
      annotations({
        'agent-inject-secret-Foo': 'secret/data/foo',
        'agent-inject-template-bar': '{{ . }}',
        'agent-inject-file-bar': 'sub/../bar.json',
        'agent-inject-template-file-baz': '/vault/custom/baz.tmpl',
        'agent-inject-secret-blank': '  ',
        'secret-volume-path-baz': '/etc/baz',
        'agent-inject-file-nothing': 'x',
      }),
    )
    expect(secrets.map(({rawName, name, destination}) => ({rawName, name, destination}))).toEqual([
      {rawName: 'Foo', name: 'foo', destination: '/vault/secrets/foo'},
      {rawName: 'bar', name: 'bar', destination: '/vault/secrets/bar.json'},
      {rawName: 'baz', name: 'baz', destination: '/etc/baz/baz'},
    ])
    expect(secrets[2]).toMatchObject({templateFile: '/vault/custom/baz.tmpl', template: '', path: ''})
  })

  it('keeps the case with preserve-secret-case, globally or per secret', () => {
    expect(injectedSecrets(annotations({'agent-inject-secret-Foo': 'p', 'preserve-secret-case': 'true'}))[0]?.name).toBe('Foo')
    expect(injectedSecrets(annotations({'agent-inject-secret-Foo': 'p', 'preserve-secret-case-Foo': 'T'}))[0]?.name).toBe('Foo')
    // The injector ignores the parse error: not a boolean means lower-case.
    expect(injectedSecrets(annotations({'agent-inject-secret-Foo': 'p', 'preserve-secret-case': 'yes'}))[0]?.name).toBe('foo')
  })

  it('uses the global secret-volume-path, and a leading / of agent-inject-file stays inside it', () => {
    const [secret] = injectedSecrets(annotations({'agent-inject-secret-a': 'p', 'secret-volume-path': '/data', 'agent-inject-file-a': '/x/y'}))
    expect(secret?.destination).toBe('/data/x/y')
  })

  it('knows where agent-inject-token writes', () => {
    expect(tokenSinkPath(annotations({'agent-inject-token': 'true'}))).toBe('/vault/secrets/token')
    expect(tokenSinkPath(annotations({'agent-inject-token': 'true', 'secret-volume-path': '/s'}))).toBe('/s/token')
    expect(tokenSinkPath(annotations({'agent-inject-token': 'false'}))).toBeUndefined()
  })
})

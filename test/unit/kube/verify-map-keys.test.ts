import {describe, expect, it} from 'vitest'

import {missingKeys, rendersKeys} from '../../../src/verify/content.js'

/** Go's fmt prints `map[k1:v1 k2:v2]`, keys in byte order, values unquoted: the secret's own keys make it readable. */
describe('reading a Go map by the secret\'s keys', () => {
  const tricky = 'data: map[api key:a]b map[c:d] password:p w\nusername:x ]\n[ username:db user: [admin]]\nmetadata: map[version:1]\n'

  it('finds a map of exactly these keys, whatever the values hold', () => {
    expect(rendersKeys(tricky, ['username', 'password', 'api key'])).toBe(true)
    expect(rendersKeys('data: map[]\n', [])).toBe(true)
    expect(rendersKeys('password: p w\nusername: a: b\n', ['username', 'password'])).toBe(true)
  })

  it('refuses keys the map does not have, or in an order Go would not print', () => {
    expect(rendersKeys(tricky, ['username', 'password', 'api key', 'port'])).toBe(false)
    expect(rendersKeys('data: map[username:u password:p]\n', ['username', 'password'])).toBe(false)
  })

  it('a value holding " password:" is not a password key when the secret has none', () => {
    const content = 'data: map[username:u password:p]]\n'
    expect(missingKeys(content, ['username', 'password'])).toEqual([])
    expect(missingKeys(content, ['username', 'password'], ['username'])).toEqual(['password'])
  })

  it('keys Vault names that the file does not render: the expected keys alone are used', () => {
    expect(missingKeys('data: map[username:u]\n', ['username'], ['username', 'password'])).toEqual([])
  })
})

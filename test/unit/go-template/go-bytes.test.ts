/**
 * Go strings are bytes: a template literal with \\x escapes, a slice through a rune or a base64Decode can hold bytes
 * that are not UTF-8, and len, index, slice, printf and the output count and write those bytes as Go does. Each
 * case's expected output is the hex of what go1.19.8's text/template wrote for it (with strings.ToUpper as toUpper,
 * as consul-template maps it), recorded with a standard-library-only program.
 */
import {describe, expect, it} from 'vitest'

import {fromGoBytes, goBytes} from '../../../src/go-template/bytes.js'
import {render} from './helpers.js'

const RECORDED: Array<[string, string]> = [
    ["{{ printf \"%q\" \"\\xff\\xfe\" }}|{{ len \"h\\xc3\" }}|{{ slice \"héllo\" 0 2 | len }}|{{ slice \"héllo\" 2 | printf \"%q\" }}|{{ index \"\\xff\" 0 }}", "225c7866665c786665227c327c327c225c7861396c6c6f227c323535"],
    ["{{ printf \"%x\" (slice \"é\" 1) }}|{{ printf \"%#q\" \"a\\xffb\" }}|{{ printf \"%#q\" \"ab\" }}|{{ print \"\\xe2\\x82\" \"\\xac\" | printf \"%q\" }}", "61397c22615c78666662227c606162607c22e282ac22"],
    ["{{ \"\\xff\" }}{{ \"\\xe2\\x82\" }}{{ \"\\xac\" }}{{ slice \"€\" 0 1 }}", "ffe282ace2"],
    ["{{ \"\\377\\xc3\\xa9\" | printf \"%q\" }}|{{ toUpper \"é\\xffa\" }}|{{ \"\\xed\\xa0\\x80\" | printf \"%+q\" }}", "225c786666c3a9227cc389efbfbd417c225c7865645c7861305c78383022"],
]

describe('strings as bytes, as Go keeps them', () => {
  it.each(RECORDED)('%s', (template, hex) => {
    expect(goBytes(render(template)).toString('hex')).toBe(hex)
  })

  it('keeps any bytes through fromGoBytes and back', () => {
    const all = Buffer.from(Array.from({length: 256}, (_, i) => i))
    const mixed = Buffer.concat([Buffer.from('héllo €'), all, Buffer.from([0xf0, 0x9f, 0x98]), Buffer.from('😀'), Buffer.from([0xed, 0xa0, 0x80, 0xc0, 0xaf])])
    expect(goBytes(fromGoBytes(mixed)).equals(mixed)).toBe(true)
    expect(fromGoBytes(Buffer.from('plain € text'))).toBe('plain € text')
  })

  it('writes base64Decode\'s binary bytes as they are', () => {
    const binary = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x41])
    expect(goBytes(render(`{{ base64Decode "${binary.toString('base64')}" }}`, {})).equals(binary)).toBe(true)
    expect(render(`{{ base64Decode "${binary.toString('base64')}" | len }}`)).toBe('5')
  })
})

import {describe, expect, it} from 'vitest'

import {appendedCapacity} from '../../../src/go-template/capacity.js'
import {formatGoValue, JsonNumber, parseVaultJson, stringSlice} from '../../../src/go-template/index.js'
import {execError, render} from './helpers.js'

describe('Go builtin functions', () => {
  it('and/or return the deciding operand and stop evaluating early', () => {
    // doc: and "Returns the boolean AND of its arguments by returning the first empty argument or the last argument".
    expect(render('{{ and 1 0 "x" }}|{{ and 1 2 }}|{{ or 0 "" "x" }}|{{ or 0 "" }}|')).toBe('0|2|x||')
    // doc: "and computes its arguments in order and stops once the result is known" (missingkey=error proves it).
    expect(render('{{ or true .nope }}', {data: {}, missingKey: 'error'})).toBe('true')
    expect(() => render('{{ and true .nope }}', {data: {}, missingKey: 'error'})).toThrow('map has no entry for key "nope"')
  })

  it('not, len, index and slice', () => {
    const data = {list: ['a', 'b', 'c'], m: {k: 'v'}, nested: [['x', 'y']]}
    expect(render('{{ not "" }} {{ not 1 }} {{ len .list }} {{ len .m }} {{ len "héllo" }}', {data})).toBe('true false 3 1 6')
    // doc: "index x 1 2 3 is, in Go syntax, x[1][2][3]"; a missing map key gives the zero value.
    expect(render('{{ index .m "k" }} {{ index .nested 0 1 }} {{ index .m "nope" }} {{ index "abc" 1 }}', {data})).toBe('v y <no value> 98')
    expect(execError('{{ index .list 5 }}', {data}).message).toBe(
      'template: t:1:3: executing "t" at <index .list 5>: error calling index: index out of range: 5',
    )
    // doc: "slice x 1 2 is, in Go syntax, x[1:2]".
    expect(render('{{ slice "abcdef" 1 3 }} {{ slice .list 1 }} {{ slice .list }}', {data})).toBe('bc [b c] [a b c]')
  })

  it('slice checks its indexes against the capacity a JSON list was grown to, each in turn (funcs.go slice)', () => {
    // encoding/json appends to a []interface{}: 3 elements leave capacity 4, as go1.19 and newer Go agree.
    const data = parseVaultJson('{"l": [1, 2, 3], "one": ["a"]}')
    expect(render('{{ slice .l 1 4 }} {{ slice .l 1 2 4 | len }} {{ slice (slice .l 0 1) 0 4 }}', {data})).toBe('[2 3 <nil>] 1 [1 2 3 <nil>]')
    // The end defaults to the length.
    expect(execError('{{ slice .l 4 }}', {data}).message).toContain('error calling slice: invalid slice index: 4 > 3')
    expect(execError('{{ slice .l 4 5 }}', {data}).message).toContain('error calling slice: index out of range: 5')
    expect(execError('{{ slice .l 5 9 }}', {data}).message).toContain('error calling slice: index out of range: 5')
    expect(execError('{{ slice .l 1 2 5 }}', {data}).message).toContain('error calling slice: index out of range: 5')
    expect(execError('{{ slice .one 0 2 }}', {data}).message).toContain('error calling slice: index out of range: 2')
    // A slice made with its length (split) has no room past it.
    expect(execError('{{ slice (split "," "a,b,c") 0 4 }}').message).toContain('error calling slice: index out of range: 4')
  })

  it('grows JSON lists as Go\'s append does (runtime growslice, size classes, Go 1.22+ malloc headers)', () => {
    const caps = [0, 1, 2, 3, 4, 5, 9, 17, 32].map(appendedCapacity)
    // go1.19 gives these too: below 512 bytes no malloc header is added.
    expect(caps).toEqual([0, 1, 2, 4, 4, 8, 16, 32, 32])
    // 33 elements: 64 × 16 B + 8 B header rounds to the 1152 B class, less the header: 1144 / 16 = 71.
    expect(appendedCapacity(33)).toBe(71)
    expect(appendedCapacity(72)).toBe(143)
  })

  it('print, println and printf format as fmt does', () => {
    // fmt.Sprint: "Spaces are added between operands when neither is a string."
    expect(render('{{ print 1 2 "a" "b" 3 }}')).toBe('1 2ab3')
    expect(render('{{ println "a" 1 }}')).toBe('a 1\n')
    expect(render('{{ printf "%d|%5d|%-4d|%05d|%+d|%x|%X|%#x|%o|%b|%c|%U" 42 42 42 42 42 255 255 255 8 5 65 128512 }}')).toBe(
      '42|   42|42  |00042|+42|ff|FF|0xff|10|101|A|U+1F600',
    )
    expect(render('{{ printf "%s|%q|%v|%8.3s|%x|%T|%T|%T" "hi" "a\\"b" "v" "abcdef" "hi" 1.5 "s" 3 }}')).toBe(
      'hi|"a\\"b"|v|     abc|6869|float64|string|int',
    )
    expect(render('{{ printf "%f|%.2f|%5.1f|%e|%g|%.3g|%G|%v" 3.14159 3.14159 2.25 1234.5678 0.000012345 1234.5678 1e-10 1e21 }}')).toBe(
      '3.141590|3.14|  2.2|1.234568e+03|1.2345e-05|1.23e+03|1E-10|1e+21',
    )
    expect(render('{{ printf "%t %v %%" true .m }}', {data: {m: {b: 1, a: [1, 'x']}}})).toBe('true map[a:[1 x] b:1] %')
  })

  it('printf reports bad verbs, missing and extra arguments in-band', () => {
    expect(render('{{ printf "%d" "x" }}|{{ printf "%s %s" "a" }}|{{ printf "%s" "a" 2 }}|{{ printf "%z" 1 }}')).toBe(
      '%!d(string=x)|a %!s(MISSING)|a%!(EXTRA int=2)|%!z(int=1)',
    )
    expect(render('{{ printf "%s" .missing }}', {data: {}})).toBe('%!s(<nil>)')
  })

  it('eq compares the first argument with each of the others', () => {
    // doc: eq "accepts two or more arguments and compares the second and subsequent to the first".
    expect(render('{{ eq 2 1 2 3 }} {{ eq "a" "b" }} {{ ne 1 2 }} {{ eq .missing "x" }}', {data: {}})).toBe('true false true false')
    expect(execError('{{ eq 1 "a" }}').message).toContain('error calling eq: incompatible types for comparison: int and string')
    expect(execError('{{ eq 1 1.0 }}').message).toContain('incompatible types for comparison: int and float64')
  })

  it('lt, le, gt, ge order numbers and strings of the same kind', () => {
    expect(render('{{ lt 1 2 }} {{ lt "a" "b" }} {{ gt 2.5 1.5 }} {{ le 2 2 }} {{ ge 1 2 }}')).toBe('true true true true false')
    expect(execError('{{ lt true false }}').message).toContain('error calling lt: invalid type for comparison')
  })

  it('html, js and urlquery escape as Go does', () => {
    expect(render(`{{ html "<a href='x'>&\\"</a>" }}`)).toBe('&lt;a href=&#39;x&#39;&gt;&amp;&#34;&lt;/a&gt;')
    expect(render(`{{ js "a'b\\"c<d>=&" }}`)).toBe("a\\'b\\\"c\\u003Cd\\u003E\\u003D\\u0026")
    expect(render('{{ urlquery "a b&c=d/é" }}')).toBe('a+b%26c%3Dd%2F%C3%A9')
    expect(render('{{ html .missing }}', {data: {}})).toBe('&lt;no value&gt;')
  })

  it('call invokes a function value', () => {
    expect(render('{{ call .greet "vsi" }}', {data: {greet: (name: unknown) => `hi ${String(name)}`}})).toBe('hi vsi')
    expect(execError('{{ call .fail }}', {data: {fail: () => { throw new Error('boom') }}}).message).toContain(
      'error calling call: boom',
    )
  })
})

describe('formatGoValue (fmt %v)', () => {
  it.each([
    [null, '<nil>'],
    [undefined, '<no value>'],
    [true, 'true'],
    ['text', 'text'],
    [1, '1'],
    [1.5, '1.5'],
    [1e6, '1e+06'],
    [123456, '123456'],
    [1e21, '1e+21'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [-0.5, '-0.5'],
    [Infinity, '+Inf'],
    [NaN, 'NaN'],
    [42n, '42'],
    [new JsonNumber('1000000'), '1000000'],
    [['a', 1, null], '[a 1 <nil>]'],
    [stringSlice(['x', 'y']), '[x y]'],
    [{b: {d: 1, c: [true]}, a: 'x'}, 'map[a:x b:map[c:[true] d:1]]'],
    [{}, 'map[]'],
  ])('%s → %s', (value, expected) => {
    expect(formatGoValue(value)).toBe(expected)
  })
})

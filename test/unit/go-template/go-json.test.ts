import {describe, expect, it} from 'vitest'

import {fromGoBytes} from '../../../src/go-template/bytes.js'
import {goJsonUnmarshal} from '../../../src/go-template/go-json-scan.js'
import {SPRIG_NAMES} from '../../../src/go-template/sprig.js'
import {execError, render} from './helpers.js'

// Recorded with go1.19.8: `var out interface{}; err := json.Unmarshal([]byte(in), &out)`, printed with
// fmt.Printf("%v | %T | %v"). sprig v3.3.0 defaults.go: mustFromJson is that call, fromJson drops the error.
const SYNTAX_ERRORS: Array<[string, string]> = [
  ['', 'unexpected end of JSON input'],
  ['   ', 'unexpected end of JSON input'],
  ['{"a" 1}', "invalid character '1' after object key"],
  ['{"a": 1 "b": 2}', `invalid character '"' after object key:value pair`],
  ['[1 2]', "invalid character '2' after array element"],
  ['"a\tb"', String.raw`invalid character '\t' in string literal`],
  ['01', "invalid character '1' after top-level value"],
  ['{1: 2}', "invalid character '1' looking for beginning of object key string"],
  ['tx', "invalid character 'x' in literal true (expecting 'r')"],
  ['tru', "invalid character ' ' in literal true (expecting 'e')"],
  ['nul', "invalid character ' ' in literal null (expecting 'l')"],
  ['{} x', "invalid character 'x' after top-level value"],
  ['[1,', 'unexpected end of JSON input'],
  ["'a'", String.raw`invalid character '\'' looking for beginning of value`],
  ['"\\"', 'unexpected end of JSON input'],
  ['\u0001', String.raw`invalid character '\x01' looking for beginning of value`],
  [fromGoBytes(Buffer.from([0xff])), "invalid character 'ÿ' looking for beginning of value"],
  ['-', "invalid character ' ' in numeric literal"],
  ['1.', "invalid character ' ' after decimal point in numeric literal"],
  ['1e+', "invalid character ' ' in exponent of numeric literal"],
  [String.raw`"\x"`, "invalid character 'x' in string escape code"],
  [String.raw`"\u12g4"`, String.raw`invalid character 'g' in \u hexadecimal character escape`],
]

describe('json.Unmarshal into interface{} as go1.19 runs it', () => {
  it.each(SYNTAX_ERRORS)('%j fails with Go\'s syntax error and leaves nil', (input, message) => {
    expect(goJsonUnmarshal(input)).toEqual({value: null, error: message})
  })

  it('nesting deeper than 10000 fails as the scanner does', () => {
    expect(goJsonUnmarshal('['.repeat(10_001)).error).toBe("invalid character '[' exceeded max depth")
    expect(goJsonUnmarshal('['.repeat(10_000)).error).toBe('unexpected end of JSON input')
  })

  it('decodes numbers as float64, repeated keys last, invalid UTF-8 and lone surrogates as U+FFFD', () => {
    expect(goJsonUnmarshal('{"a": 1, "b": [true, null, "x"], "a": 2.5}')).toEqual({value: {a: 2.5, b: [true, null, 'x']}})
    expect(goJsonUnmarshal('123456789012345678901234567890').value).toBe(1.2345678901234568e29)
    const bytes = Buffer.concat([Buffer.from('"a'), Buffer.from([0xff]), Buffer.from(String.raw`b\ud800c\ud83d\ude00"`)])
    expect(goJsonUnmarshal(fromGoBytes(bytes)).value).toBe('a\uFFFDb\uFFFDc😀')
    const proto = goJsonUnmarshal('{"__proto__": 1}').value as Record<string, unknown>
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype)
    expect(Object.keys(proto)).toEqual(['__proto__'])
  })

  it('a number float64 cannot hold is an UnmarshalTypeError: the rest is decoded, that value is nil', () => {
    expect(goJsonUnmarshal('{"a":1e400,"b":2}')).toEqual({
      value: {a: null, b: 2},
      error: 'json: cannot unmarshal number 1e400 into Go value of type float64',
    })
  })
})

describe('sprig_fromJson and sprig_mustFromJson', () => {
  it('print what Go prints for the decoded value', () => {
    expect(render('{{ sprig_fromJson `{"a": 1, "b": [true, null, "x"], "a": 2.5}` }}')).toBe('map[a:2.5 b:[true <nil> x]]')
    expect(render('{{ sprig_mustFromJson `{"a": 1, "b": [true, null, "x"], "a": 2.5}` | sprig_typeOf }}')).toBe('map[string]interface {}')
    expect(render('{{ sprig_mustFromJson "1e3" }} {{ sprig_mustFromJson "1e3" | sprig_typeOf }}')).toBe('1000 float64')
    expect(render('{{ sprig_mustFromJson "123456789012345678901234567890" }}')).toBe('1.2345678901234568e+29')
    expect(render('{{ sprig_mustFromJson "[]" }} {{ sprig_mustFromJson "[]" | sprig_typeOf }}')).toBe('[] []interface {}')
  })

  it('fromJson gives nil on a syntax error and the partial value on a type error', () => {
    expect(render('{{ sprig_fromJson "{\\"a\\" 1}" }}')).toBe('<no value>')
    expect(render('{{ sprig_fromJson `{"a":1e400,"b":2}` }}')).toBe('map[a:<nil> b:2]')
  })

  it('mustFromJson fails with encoding/json\'s error', () => {
    expect(execError('{{ sprig_mustFromJson "[1 2]" }}').message).toBe(
      'template: t:1:3: executing "t" at <sprig_mustFromJson "[1 2]">: error calling sprig_mustFromJson: invalid character \'2\' after array element',
    )
    expect(execError('{{ sprig_mustFromJson `{"a":1e400}` }}').message).toContain(
      'error calling sprig_mustFromJson: json: cannot unmarshal number 1e400 into Go value of type float64',
    )
  })
})

describe('every sprig function consul-template offers runs', () => {
  it.each([...SPRIG_NAMES])('sprig_%s is implemented', (name) => {
    let message = ''
    try {
      render(`{{ sprig_${name} }}`)
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).not.toContain('not implemented yet')
  })
})

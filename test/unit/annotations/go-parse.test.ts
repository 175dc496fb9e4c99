import {describe, expect, it} from 'vitest'

import {
  goBool,
  goBoolError,
  goDurationError,
  goFloat,
  goFloatError,
  goIntError,
  goUintError,
  jsonPatchError,
  quantityError,
} from '../../../src/annotations/go-parse.js'

describe('the injector\'s Go parsers', () => {
  it('parseutil.ParseBool: strconv.ParseBool spellings plus "" as false', () => {
    for (const value of ['1', 't', 'T', 'TRUE', 'true', 'True']) expect(goBool(value)).toBe(true)
    for (const value of ['0', 'f', 'F', 'FALSE', 'false', 'False', '']) expect(goBool(value)).toBe(false)
    // TestCouldErrorAnnotations in vault-k8s: these are errors, not booleans.
    for (const value of ['yes', 'no', 'on', 'off', 'tRuE', ' true', 'y']) {
      expect(goBoolError(value)).toBe(`strconv.ParseBool: parsing ${JSON.stringify(value)}: invalid syntax`)
    }
  })

  it('strconv.ParseInt / ParseUint base 10, 64 bits', () => {
    expect(goIntError('100')).toBeUndefined()
    expect(goIntError('-1')).toBeUndefined()
    expect(goIntError('+7')).toBeUndefined()
    expect(goIntError('')).toBeUndefined()
    expect(goIntError('', false)).toBe('strconv.ParseInt: parsing "": invalid syntax')
    expect(goIntError('1_000')).toBe('strconv.ParseInt: parsing "1_000": invalid syntax')
    expect(goIntError('9223372036854775807')).toBeUndefined()
    expect(goIntError('9223372036854775808')).toBe('strconv.ParseInt: parsing "9223372036854775808": value out of range')
    expect(goUintError('5')).toBeUndefined()
    expect(goUintError('18446744073709551615')).toBeUndefined()
    expect(goUintError('18446744073709551616')).toMatch(/value out of range/)
    for (const value of ['5s', '-1', '+5', '', ' 5']) expect(goUintError(value)).toMatch(/invalid syntax/)
  })

  it('strconv.ParseFloat', () => {
    // verdicts of Go's strconv.ParseFloat (go run): `_` between digits is accepted, a sign before NaN is not
    for (const value of ['0.9', '1', '.5', '5.', '1e3', '-2.5E-3', 'Inf', '-infinity', 'NaN', '0x1p-2', '0x_1.8p1', '1_000.5', '1e1_0', '0x.8p1', '0x1.p1']) {
      expect(goFloatError(value)).toBeUndefined()
    }
    for (const value of ['', 'high', '0x1', '1e', '.', '+NaN', '-nan', '1_e5', '0x1_p0', '_1', '1__0']) expect(goFloatError(value)).toMatch(/invalid syntax/)
    expect(goFloat('0x1.ccp-1')).toBe(0.8984375)
    expect(goFloat('1_000.5')).toBe(1000.5)
    expect(goFloatError('1e400')).toBe('strconv.ParseFloat: parsing "1e400": value out of range')
  })

  it('time.ParseDuration needs a unit', () => {
    expect(goDurationError('1s')).toBeUndefined()
    expect(goDurationError('1m30s')).toBeUndefined()
    expect(goDurationError('0')).toBeUndefined()
    expect(goDurationError('5')).toBe('time: missing unit in duration "5"')
    expect(goDurationError('5d')).toBe('time: unknown unit "d" in duration "5d"')
    expect(goDurationError('')).toBe('time: invalid duration ""')
  })

  it('resource.ParseQuantity', () => {
    // verdicts of apimachinery v0.36.3 resource.ParseQuantity (go run): the string is scanned, so a bare suffix, sign
    // or dot is zero, and any character left over after the exponent is ErrFormatWrong
    for (const value of ['250m', '64Mi', '1', '0.5', '1e3', '1E-2', '2Gi', '+1k', '.5', 'Mi', '+', '-', '.', 'e3', '1.']) expect(quantityError(value)).toBeUndefined()
    for (const value of ['lots', '64MB', '1.5.5', '1.2.3']) expect(quantityError(value)).toMatch(/^quantities must match the regular expression/)
    for (const value of ['1mi', '128mi', '1e', '1e+']) expect(quantityError(value)).toBe("unable to parse quantity's suffix")
  })

  it('jsonpatch.DecodePatch: a JSON array of objects, or null', () => {
    expect(jsonPatchError('[]')).toBeUndefined()
    expect(jsonPatchError('[{"op":"add","path":"/env/-","value":{"name":"A"}}]')).toBeUndefined()
    expect(jsonPatchError('{"op":"add"}')).toBe('json: cannot unmarshal object into Go value of type jsonpatch.Patch')
    expect(jsonPatchError('["add"]')).toBe('json: cannot unmarshal string into Go value of type jsonpatch.Operation (element 0)')
    // DecodePatch takes any operation (and null); Apply refuses it later (vault-k8s TestAgentJsonPatch).
    expect(jsonPatchError('[{"op":"upsert","path":"/x"}]')).toBeUndefined()
    expect(jsonPatchError('null')).toBeUndefined()
    expect(jsonPatchError('[{')).toMatch(/^invalid JSON: /)
  })
})

import {parse} from 'yaml'
import {describe, expect, it} from 'vitest'

import {doubleQuoted, patchYaml} from '../../../src/output/yaml-text.js'

const PATH = ['spec', 'template', 'metadata', 'annotations']

/** What a YAML reader gets back for one annotation value. */
const roundTrip = (value: string): unknown => parse(patchYaml(PATH, {k: value})).spec.template.metadata.annotations.k

describe('patch YAML text', () => {
  it('nests the path with two-space indents and double-quotes single-line values', () => {
    expect(patchYaml(['metadata', 'annotations'], {'vault.hashicorp.com/agent-inject': 'true', 'vault.hashicorp.com/role': 'internal-app'})).toBe(
      'metadata:\n  annotations:\n    vault.hashicorp.com/agent-inject: "true"\n    vault.hashicorp.com/role: "internal-app"\n',
    )
  })

  it('writes multi-line values as literal blocks whose chomping keeps the final newlines exactly', () => {
    expect(patchYaml(['a'], {t: 'one\ntwo\n'})).toBe('a:\n  t: |\n    one\n    two\n')
    expect(patchYaml(['a'], {t: 'one\ntwo'})).toBe('a:\n  t: |-\n    one\n    two\n')
    expect(patchYaml(['a'], {t: 'one\ntwo\n\n'})).toBe('a:\n  t: |+\n    one\n    two\n\n')
    for (const value of ['one\ntwo\n', 'one\ntwo', 'one\ntwo\n\n\n', 'a\n\nb\n', 'a\n   \nb', 'x: "y"\n  - z # not a comment\n', 'a\n\tb\n', 'end\n  ']) {
      expect(roundTrip(value), JSON.stringify(value)).toBe(value)
    }
  })

  it('falls back to double quotes for what a literal block cannot hold verbatim', () => {
    for (const value of [' leading space\nx', '\nleading newline', 'cr\r\nlf', 'nel\u0085x\ny', 'bell\u0007\n', 'del\u007f', 'ls\u2028x', '"quotes" and \\ backslash', '', '#', 'a: b', '- x', '{{ .Data }}', 'ünïcødé 🎉']) {
      expect(roundTrip(value), JSON.stringify(value)).toBe(value)
    }
    expect(patchYaml(['a'], {t: ' x\ny'})).toBe('a:\n  t: " x\\ny"\n')
    expect(doubleQuoted('a\u0085b\u2028')).toBe('"a\\u0085b\\u2028"')
  })
})

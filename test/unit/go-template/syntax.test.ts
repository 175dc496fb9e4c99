import {describe, expect, it} from 'vitest'

import {KNOWN_FUNCTIONS, parseTemplate, TemplateSyntaxError} from '../../../src/go-template/index.js'
import {render, syntaxError} from './helpers.js'

describe('lexing', () => {
  it('trims spaces, tabs and newlines next to {{- and -}}', () => {
    // text/template doc: "{{23 -}} < {{- 45}}" generates "23<45".
    expect(render('{{23 -}} < {{- 45}}')).toBe('23<45')
    expect(render('a \n\t {{- "b" -}} \r\n c')).toBe('abc')
  })

  it('reads {{-3}} as the number -3, not a trim marker', () => {
    // doc: "{{-3}}" parses as an action containing the number -3.
    expect(render('x {{-3}}')).toBe('x -3')
  })

  it('drops comments, trimming around them when asked', () => {
    expect(render('a{{/* a comment */}}b')).toBe('ab')
    expect(render('a  {{- /* trimmed */ -}}  b')).toBe('ab')
  })

  it('reads string, raw string and character constants with Go escapes', () => {
    expect(render('{{ "a\\tb\\u00e9\\x41\\101\\"" }}')).toBe('a\tbéAA"')
    expect(render('{{ `raw \\n "x"` }}')).toBe('raw \\n "x"')
    expect(render("{{ 'a' }} {{ '\\n' }}")).toBe('97 10')
  })

  it('reads integer, float, hex, octal, binary and exponent numbers like Go', () => {
    expect(render('{{ 42 }} {{ 0x1F }} {{ 0o17 }} {{ 017 }} {{ 0b101 }} {{ 1_000 }}')).toBe('42 31 15 15 5 1000')
    // Float constants are float64: %v prints 1e+06 for one million, and 1 for 1.0.
    expect(render('{{ 1.5 }} {{ 1.0 }} {{ 1e3 }} {{ 1e6 }} {{ -2.5e-3 }}')).toBe('1.5 1 1000 1e+06 -0.0025')
  })

  it('reads true, false and nil', () => {
    expect(render('{{ true }} {{ false }} {{ print nil }}')).toBe('true false <nil>')
  })

  it('accepts custom delimiters', () => {
    const parsed = parseTemplate('[[ .x ]] {{ .x }}', {leftDelim: '[[', rightDelim: ']]'})
    expect(parsed.trees.size).toBe(1)
  })
})

describe('syntax errors are worded and located as Go reports them', () => {
  it.each([
    ['{{ .foo', 'template: t:1: unclosed action', 1],
    ['a\n{{ if .x }}b', 'template: t:2: unexpected EOF', 2],
    ['{{ end }}', 'template: t:1: unexpected {{end}}', 1],
    ['x\n\n{{ else }}', 'template: t:3: unexpected {{else}}', 3],
    ['{{ foo }}', 'template: t:1: function "foo" not defined', 1],
    ['{{ $x }}', 'template: t:1: undefined variable "$x"', 1],
    ['{{ 3x }}', 'template: t:1: bad number syntax: "3x"', 1],
    ['{{ 099 }}', 'template: t:1: integer overflow: "099"', 1],
    ['{{ "abc }}', 'template: t:1: unterminated quoted string', 1],
    ['{{ `abc }}', 'template: t:1: unterminated raw quoted string', 1],
    ["{{ 'ab' }}", "template: t:1: malformed character constant: 'ab'", 1],
    ['{{ "\\q" }}', 'template: t:1: invalid syntax', 1],
    ['{{ .a | "x" }}', 'template: t:1: non executable command in pipeline stage 2', 1],
    ['{{ }}', 'template: t:1: missing value for command', 1],
    ['{{ if }}{{ end }}', 'template: t:1: missing value for if', 1],
    ['{{ break }}', 'template: t:1: {{break}} outside {{range}}', 1],
    ['{{ range . }}{{ continue 1 }}{{ end }}', 'template: t:1: unexpected "1" in {{continue}}', 1],
    ['{{ range $a, $b, $c := . }}{{ end }}', 'template: t:1: too many declarations in range', 1],
    ['{{ with $x, $y := . }}{{ end }}', 'template: t:1: too many declarations in with', 1],
    ['{{ range $a, 3 }}{{ end }}', 'template: t:1: range can only initialize variables', 1],
    ['{{/* open', 'template: t:1: unclosed comment', 1],
    ['{{/* c */ x }}', 'template: t:1: comment ends before closing delimiter', 1],
    ['{{ (1 }}', 'template: t:1: unclosed left paren', 1],
    ['{{ 1) }}', 'template: t:1: unexpected right paren', 1],
    ['{{ .a.b-c }}', "template: t:1: bad character U+002D '-'", 1],
    ['{{ "a".b }}', 'template: t:1: unexpected . after term "\\"a\\""', 1],
    ['{{ if 1 }}{{ else }}{{ else }}{{ end }}', 'template: t:1: expected end; found {{else}}', 1],
    ['{{ template x }}', 'template: t:1: unexpected "x" in template clause', 1],
    ['{{ define "a" }}1{{ end }}{{ define "a" }}2{{ end }}', 'template: t:1: template: multiple definition of template "a"', 1],
    ['{{ .x | }} {{ ! }}', 'template: t:1: unexpected "!" in command', 1],
    ['{{ printf "%d" 1 | "#" }}', 'template: t:1: non executable command in pipeline stage 2', 1],
  ])('%j', (text, message, line) => {
    const error = syntaxError(text)
    expect(error).toBeInstanceOf(TemplateSyntaxError)
    expect(error.message).toBe(message)
    expect(error.line).toBe(line)
  })

  it('reports the line an action started on when it runs off the end of the input', () => {
    expect(syntaxError('{{ if\n').message).toBe('template: t:2: unclosed action started at t:1')
  })

  it('gives the 1-based column of the offending token', () => {
    const error = syntaxError('ok\n  {{ nope }}')
    expect(error.message).toBe('template: t:2: function "nope" not defined')
    expect([error.line, error.col]).toEqual([2, 6])
  })

  it('names the template "" by default, as consul-template (and so Vault Agent) does', () => {
    expect(() => parseTemplate('{{ end }}')).toThrow('template: :1: unexpected {{end}}')
  })

  it('accepts extra function names and sprig_ functions at parse time', () => {
    expect(() => parseTemplate('{{ custom 1 }}')).toThrow('function "custom" not defined')
    expect(() => parseTemplate('{{ custom 1 }}', {funcs: ['custom']})).not.toThrow()
    expect(() => parseTemplate('{{ sprig_upper "a" }}')).not.toThrow()
  })

  it('knows every consul-template function Vault Agent offers', () => {
    for (const name of ['secret', 'secrets', 'toJSON', 'base64Decode', 'pkiCert', 'writeToFile', 'key', 'printf', 'eq']) {
      expect(KNOWN_FUNCTIONS.has(name)).toBe(true)
    }
    expect(KNOWN_FUNCTIONS.has('foo')).toBe(false)
  })
})

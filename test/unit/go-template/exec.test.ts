import {describe, expect, it} from 'vitest'

import {TemplateExecError} from '../../../src/go-template/index.js'
import {execError, render} from './helpers.js'

describe('pipelines and arguments', () => {
  // The text/template doc lists these examples; "Each produces the quoted word "output"."
  it.each([
    '{{"\\"output\\""}}',
    '{{`"output"`}}',
    '{{printf "%q" "output"}}',
    '{{"output" | printf "%q"}}',
    '{{printf "%q" (print "out" "put")}}',
    '{{"put" | printf "%s%s" "out" | printf "%q"}}',
    '{{"output" | printf "%s" | printf "%q"}}',
    '{{with "output"}}{{printf "%q" .}}{{end}}',
    '{{with $x := "output" | printf "%q"}}{{$x}}{{end}}',
    '{{with $x := "output"}}{{printf "%q" $x}}{{end}}',
    '{{with $x := "output"}}{{$x | printf "%q"}}{{end}}',
  ])('%s', (text) => {
    expect(render(text)).toBe('"output"')
  })

  it('reads fields of maps, chains after parentheses and variables', () => {
    const data = {a: {b: {c: 'deep'}}, m: {k: {inner: 'x'}}}
    expect(render('{{ .a.b.c }} {{ (index .m "k").inner }} {{ $v := .a }}{{ $v.b.c }}', {data})).toBe('deep x deep')
  })

  it('declares and assigns variables; a declaration prints nothing', () => {
    expect(render('{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}')).toBe('2')
  })

  it('scopes a variable to the end of its control structure', () => {
    // doc: "A variable's scope extends to the "end" action of the control structure".
    expect(() => render('{{ if true }}{{ $x := 1 }}{{ end }}{{ $x }}')).toThrow('undefined variable "$x"')
  })

  it('sets $ to the data passed in', () => {
    expect(render('{{ range .items }}{{ $.prefix }}{{ . }} {{ end }}', {data: {prefix: '-', items: ['a', 'b']}})).toBe('-a -b ')
  })
})

describe('control structures', () => {
  it('if / else if / else picks the first true branch', () => {
    const t = '{{ if .a }}A{{ else if .b }}B{{ else }}C{{ end }}'
    expect(render(t, {data: {a: 1, b: 1}})).toBe('A')
    expect(render(t, {data: {a: 0, b: 'x'}})).toBe('B')
    expect(render(t, {data: {a: 0, b: ''}})).toBe('C')
  })

  it('treats the zero value of every type as false', () => {
    // doc: "The empty values are false, 0, any nil pointer or interface value, and any array, slice, map, or
    // string of length zero."
    const data = {f: false, z: 0, s: '', l: [], m: {}, n: null}
    expect(render('{{ range $k, $v := . }}{{ if $v }}T{{ else }}F{{ end }}{{ end }}', {data})).toBe('FFFFFF')
    expect(render('{{ if .missing }}T{{ else }}F{{ end }}{{ if 0.5 }}T{{ end }}{{ if "0" }}T{{ end }}', {data: {}})).toBe('FTT')
  })

  it('with sets dot, and else with chains like else if', () => {
    const t = '{{ with .a }}a={{ . }}{{ else with .b }}b={{ . }}{{ else }}none{{ end }}'
    expect(render(t, {data: {a: 'x'}})).toBe('a=x')
    expect(render(t, {data: {b: 'y'}})).toBe('b=y')
    expect(render(t, {data: {}})).toBe('none')
  })

  it('range visits slices in order and maps in sorted key order, with else for empty', () => {
    // doc: "If the value is a map and the keys are of basic type with a defined order, the elements will be
    // visited in sorted key order."
    expect(render('{{ range $i, $e := . }}{{ $i }}:{{ $e }} {{ end }}', {data: ['x', 'y']})).toBe('0:x 1:y ')
    expect(render('{{ range $k, $v := . }}{{ $k }}={{ $v }};{{ end }}', {data: {b: 2, a: 1, c: 3}})).toBe('a=1;b=2;c=3;')
    expect(render('{{ range . }}{{ . }}{{ else }}empty{{ end }}', {data: []})).toBe('empty')
    expect(render('{{ range .nope }}{{ . }}{{ else }}nothing{{ end }}', {data: {}})).toBe('nothing')
  })

  it('range with one variable binds the element; = assigns outer variables', () => {
    expect(render('{{ range $e := . }}{{ $e }}{{ end }}', {data: ['a', 'b']})).toBe('ab')
    expect(render('{{ $last := "" }}{{ range $e := . }}{{ $last = $e }}{{ end }}{{ $last }}', {data: ['a', 'b']})).toBe('b')
  })

  it('ranges over an integer', () => {
    expect(render('{{ range 3 }}{{ . }}{{ end }}')).toBe('012')
    expect(execError('{{ range $i, $e := 3 }}{{ end }}').message).toContain("can't use 3 to iterate over more than one variable")
  })

  it('break and continue end the loop or the iteration', () => {
    const t = '{{ range . }}{{ if eq . 2 }}{{ continue }}{{ end }}{{ if eq . 4 }}{{ break }}{{ end }}{{ . }}{{ end }}'
    expect(render(t, {data: [1n, 2n, 3n, 4n, 5n]})).toBe('13')
  })

  it('refuses to range over a scalar', () => {
    expect(execError('{{ range . }}{{ end }}', {data: 3.5}).message).toBe(
      'template: t:1:9: executing "t" at <.>: range can\'t iterate over 3.5',
    )
  })

  it('define, template and block', () => {
    expect(render('{{ define "T" }}Hello, {{ . }}!{{ end }}{{ template "T" "you" }}')).toBe('Hello, you!')
    expect(render('{{ block "B" .name }}default {{ . }}{{ end }}', {data: {name: 'n'}})).toBe('default n')
    expect(render('{{ define "V" }}{{ $ }}{{ end }}{{ $x := 1 }}{{ template "V" 2 }}')).toBe('2')
    expect(execError('{{ template "nope" }}').message).toBe(
      'template: t:1:12: executing "t" at <{{template "nope"}}>: template "nope" not defined',
    )
  })
})

describe('missing keys', () => {
  const data = {present: {inner: 'v'}, nil: null}

  it('prints <no value> for a missing key by default', () => {
    expect(render('[{{ .absent }}]', {data, missingKey: 'default'})).toBe('[<no value>]')
    expect(render('[{{ .absent.deeper }}]', {data, missingKey: 'default'})).toBe('[<no value>]')
  })

  it('missingkey=zero (Vault Agent) gives the nil interface, which fails when dereferenced', () => {
    expect(render('[{{ .absent }}]', {data})).toBe('[<no value>]')
    expect(execError('{{ .absent.deeper }}', {data}).message).toBe(
      'template: t:1:10: executing "t" at <.absent.deeper>: nil pointer evaluating interface {}.deeper',
    )
  })

  it('missingkey=error stops at the first missing key', () => {
    const error = execError('ok\n{{ .present.nope }}', {data, missingKey: 'error'})
    expect(error).toBeInstanceOf(TemplateExecError)
    expect(error.message).toBe('template: t:2:11: executing "t" at <.present.nope>: map has no entry for key "nope"')
    expect([error.line, error.col]).toEqual([2, 12])
    expect(render('{{ .nil }}', {data, missingKey: 'error'})).toBe('<no value>')
  })

  it('without data (as Vault Agent runs templates) fields read nothing, or fail with missingkey=error', () => {
    expect(render('{{ .foo }}')).toBe('<no value>')
    expect(execError('{{ .foo }}', {missingKey: 'error'}).message).toBe(
      'template: t:1:3: executing "t" at <.foo>: nil data; no entry for key "foo"',
    )
  })

  it('refuses fields of non-maps', () => {
    expect(execError('{{ .s.x }}', {data: {s: 'str'}}).message).toContain("can't evaluate field x in type interface {}")
    expect(execError('{{ with .s }}{{ .x }}{{ end }}', {data: {s: 'str'}}).message).toContain(
      "can't evaluate field x in type string",
    )
  })
})

describe('execution errors use Go wording', () => {
  it.each([
    ['{{ nil }}', 'template: t:1:3: executing "t" at <nil>: nil is not a command'],
    ['{{ "x" 1 }}', 'template: t:1:3: executing "t" at <"x">: can\'t give argument to non-function "x"'],
    ['{{ len }}', 'template: t:1:3: executing "t" at <len>: wrong number of args for len: want 1 got 0'],
    ['{{ index 1 0 }}', 'template: t:1:3: executing "t" at <index 1 0>: error calling index: can\'t index item of type int'],
    ['{{ printf 1 }}', 'template: t:1:10: executing "t" at <1>: expected string; found 1'],
    ['{{ $x := "a" }}{{ $x.y }}', 'template: t:1:20: executing "t" at <$x.y>: can\'t evaluate field y in type string'],
    ['{{ 10000000000000000000 }}', 'template: t:1:3: executing "t" at <10000000000000000000>: 10000000000000000000 overflows int'],
  ])('%s', (text, message) => {
    expect(execError(text).message).toBe(message)
  })
})

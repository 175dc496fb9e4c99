import {describe, expect, it} from 'vitest'

import {parseYaml} from '../../../src/go-template/consul-data.js'
import {execError, render} from './helpers.js'

// Expected values follow consul-template's docs/templating-language.md and template/funcs.go.
describe('consul-template helper functions', () => {
  it('base64 encodes and decodes, standard and URL-safe, with Go error offsets', () => {
    expect(render('{{ base64Encode "hello?>" }} {{ "aGVsbG8=" | base64Decode }}')).toBe('aGVsbG8/Pg== hello')
    expect(render('{{ base64URLEncode "hello?>" }} {{ base64URLDecode "aGVsbG8_Pg==" }}')).toBe('aGVsbG8_Pg== hello?>')
    expect(execError('{{ base64Decode "aGVsbG8" }}').message).toContain(
      'error calling base64Decode: base64Decode: illegal base64 data at input byte 4',
    )
  })

  it('names the byte where Go\'s base64 decoder stops (encoding/base64 decodeQuantum, checked against go1.19)', () => {
    const offsets: Array<[string, number]> = [
      ['aGVsxxbG8=', 9], ['aGVsbG8==', 8], ['aGVsbA=', 7], ['aGVsbA==x', 8], ['a===', 1], ['ab=c', 2], ['aGV!', 3], ['aA', 0],
    ]
    for (const [input, at] of offsets) {
      expect(execError(`{{ base64Decode "${input}" }}`).message).toContain(`base64Decode: illegal base64 data at input byte ${at}`)
    }
    expect(render('{{ base64Decode "aGVs\\nbA==\\n" }} {{ base64Decode "aGVsbA=\\n=" }} {{ base64URLDecode "aG\\r\\nVsbA==" }}')).toBe('hell hell hell')
  })

  it('parseYAML keeps yaml.v2\'s key types: fmt and range order them nil, bool, float64, int, string; index finds them', () => {
    // Checked against go1.19 with gopkg.in/yaml.v2 v2.4.0 (YAML 1.1: y and n are booleans).
    const m = '$m := parseYAML "b: 1\\n2: x\\n1: y\\nfalse: f\\n1.5: g\\n~: n\\na: s\\n"'
    expect(render(`{{ ${m} }}{{ $m }}|{{ range $k, $v := $m }}{{ printf "%T=%v;" $k $v }}{{ end }}`)).toBe(
      'map[<nil>:false false:f 1.5:g 1:true 2:x a:s b:1]|<nil>=false;bool=f;float64=g;int=true;int=x;string=s;string=1;',
    )
    expect(render(`{{ ${m} }}{{ index $m 1 }} {{ index $m "a" }} {{ index $m true }} {{ index $m "1" }} {{ index $m 9 }} {{ index $m nil }}`)).toBe(
      'true s <no value> <no value> <no value> false',
    )
  })

  it('parseYAML fails with gopkg.in/yaml.v2\'s words and line numbers (checked against v2.4.0)', () => {
    const cases: Array<[string, string]> = [
      ['a: [', 'yaml: line 1: did not find expected node content'],
      ['a: b: c', 'yaml: mapping values are not allowed in this context'],
      ['a:\n- b\n c: d', 'yaml: line 3: mapping values are not allowed in this context'],
      ['[1, 2', "yaml: line 1: did not find expected ',' or ']'"],
      ['{a: 1', "yaml: line 1: did not find expected ',' or '}'"],
      ["a: 'x", 'yaml: found unexpected end of stream'],
      ['key: value\n  bad: indent', 'yaml: line 2: mapping values are not allowed in this context'],
      ['- a\nb: c', "yaml: line 1: did not find expected '-' indicator"],
      ['a: *x', "yaml: unknown anchor 'x' referenced"],
      ['\ta: 1', 'yaml: found character that cannot start any token'],
      ['a: {b: c]', "yaml: did not find expected ',' or '}'"],
      ['a: @x', 'yaml: found character that cannot start any token'],
      ['a: |\n  x\n y', 'yaml: line 2: did not find expected key'],
      [']', 'yaml: did not find expected node content'],
    ]
    for (const [input, message] of cases) {
      expect(() => parseYaml(input), input).toThrow(new Error(message))
    }
    // yaml.v2 lets a later duplicate key win.
    expect(render('{{ parseYAML "a: b\\na: c" }}')).toBe('map[a:c]')
  })

  it('changes case', () => {
    expect(render('{{ "Hello World" | toUpper }} {{ "Hello World" | toLower }} {{ "hello wide-world" | toTitle }}')).toBe(
      'HELLO WORLD hello world Hello Wide-World',
    )
  })

  it('replaces, splits, joins and trims strings; the piped value is the last argument', () => {
    expect(render('{{ "foo.bar" | replaceAll "." "_" }}')).toBe('foo_bar')
    expect(render('{{ split "," " a,b,c " | join ";" }}|{{ len (split "," "  ") }}')).toBe('a;b;c|0')
    expect(render('{{ trimSpace "  x  " }}|{{ "!!x!!" | trim "!" }}|{{ "pre-x" | trimPrefix "pre-" }}|{{ "x.txt" | trimSuffix ".txt" }}')).toBe(
      'x|x|x|x',
    )
    expect(render('{{ "a\\nb\\n\\nc" | indent 2 }}')).toBe('  a\n  b\n\n  c')
  })

  it('join takes []string only, like Go: a []interface{} from JSON is refused', () => {
    expect(execError('{{ .list | join "," }}', {data: {list: ['a']}}).message).toContain(
      'wrong type for value; expected []string; got []interface {}',
    )
  })

  it('contains, containsAll/Any/None/NotAll and in', () => {
    const data = {tags: ['prod', 'eu'], want: ['prod', 'us']}
    expect(render('{{ .tags | contains "prod" }} {{ "abc" | contains "b" }} {{ in .tags "us" }}', {data})).toBe('true true false')
    expect(render('{{ .tags | containsAll .want }} {{ .tags | containsAny .want }}', {data})).toBe('false true')
    expect(render('{{ .tags | containsNone .want }} {{ .tags | containsNotAll .want }}', {data})).toBe('false true')
  })

  it('reads the environment it is given, never the process environment', () => {
    const env = {APP: 'web'}
    expect(render('{{ env "APP" }}|{{ env "PATH" }}|{{ envOrDefault "NOPE" "d" }}', {env})).toBe('web||d')
    expect(execError('{{ mustEnv "NOPE" }}', {env}).message).toContain('required environment variable NOPE is empty')
  })

  it('parses JSON, integers, floats and booleans', () => {
    expect(render('{{ with parseJSON "{\\"a\\":[1,2],\\"b\\":1e6}" }}{{ .a }} {{ .b }}{{ end }}')).toBe('[1 2] 1e+06')
    expect(render('{{ parseInt "-42" }} {{ parseFloat "1.5" }} {{ parseBool "true" }} {{ parseInt "" }}')).toBe('-42 1.5 true 0')
    expect(execError('{{ parseInt "x" }}').message).toContain(
      'error calling parseInt: parseInt: strconv.ParseInt: parsing "x": invalid syntax',
    )
  })

  it('matches and replaces with Go regular expressions', () => {
    expect(render('{{ "foo.bar" | regexMatch "foo([.a-z]+)" }} {{ "x1" | regexMatch "^\\\\d" }}')).toBe('true false')
    expect(render('{{ "foo" | regexReplaceAll "(o)" "${1}a" }} {{ "ab" | regexReplaceAll "(?P<x>b)" "[$x]" }}')).toBe('foaoa a[b]')
  })

  it('hashes', () => {
    expect(render('{{ sha256Hex "hello" }}')).toBe('2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824')
    expect(render('{{ md5sum "hello" }}')).toBe('5d41402abc4b2a76b9719d911017c592')
  })

  it('encodes JSON like encoding/json: sorted keys, HTML-safe, 2-space pretty form', () => {
    const data = {m: {b: 'x<y', a: [1, true, null]}}
    expect(render('{{ .m | toJSON }}', {data})).toBe('{"a":[1,true,null],"b":"x\\u003cy"}')
    expect(render('{{ .m | toJSONPretty }}', {data})).toBe('{\n  "a": [\n    1,\n    true,\n    null\n  ],\n  "b": "x\\u003cy"\n}')
    expect(render('{{ .m | toUnescapedJSON }}', {data})).toBe('{"a":[1,true,null],"b":"x<y"}')
  })

  it('encodes YAML like yaml.v2, quoting strings YAML would read as other types', () => {
    const data = {m: {b: ['x', 'z'], a: 1, c: {d: 'true', e: 'plain', f: ''}}}
    expect(render('{{ .m | toYAML }}', {data})).toBe('a: 1\nb:\n- x\n- z\nc:\n  d: "true"\n  e: plain\n  f: ""')
  })

  it('formats timestamps with Go layouts', () => {
    const now = () => new Date(Date.UTC(2024, 4, 6, 7, 8, 9))
    expect(render('{{ timestamp }}|{{ timestamp "unix" }}|{{ timestamp "2006-01-02 15:04" }}', {now})).toBe(
      '2024-05-06T07:08:09Z|1714979289|2024-05-06 07:08',
    )
  })

  it('does integer and float arithmetic; the piped value is the left operand', () => {
    expect(render('{{ add 1 2 }} {{ 10 | subtract 3 }} {{ multiply 2 1.5 }} {{ 10 | divide 4 }} {{ 10 | modulo 4 }}')).toBe('3 7 3 2 2')
    expect(render('{{ range loop 2 5 }}{{ . }}{{ end }}')).toBe('234')
  })

  it('lists secrets', () => {
    expect(render('{{ range secrets "secret/" }}{{ . }} {{ end }}', {listSecrets: () => ['b', 'a']})).toBe('a b ')
  })

  it('knows Vault Agent functions it cannot run, and says so when they are called', () => {
    expect(execError('{{ key "service/x" }}').message).toContain('error calling key: key is not supported when vsi renders templates')
    expect(execError('{{ "x" | writeToFile "/tmp/x" "" "" "0644" }}').message).toContain('error calling writeToFile')
  })
})

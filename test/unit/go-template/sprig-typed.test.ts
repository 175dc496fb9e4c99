import {describe, expect, it} from 'vitest'

import {execError, render} from './helpers.js'

// Expected values follow Masterminds/sprig v3.3.0 date.go, url.go, dict.go, semver.go and Go's time and net/url
// packages; the corpus (differential.test.ts) holds the cases Go itself recorded. These cover what the corpus cannot:
// results that depend on the clock, which the engine takes from its context.
const NOW = new Date('2026-01-02T03:04:05.600Z')
const at = (text: string) => render(text, {now: () => NOW})

describe('sprig date functions (consul-template keeps the hermetic ones)', () => {
  it('ago is the time since, rounded to the second, printed as a Go duration', () => {
    expect(at('{{ sprig_toDate "2006-01-02T15:04:05Z07:00" "2026-01-02T01:03:04Z" | sprig_ago }}')).toBe('2h1m2s')
    expect(at('{{ sprig_ago (parseInt "1767322990") }}')).toBe('56s')
    expect(at('{{ sprig_toDate "2006-01-02" "2026-01-03" | sprig_ago }}')).toBe('-20h55m54s')
  })

  it('ago of a value that is no time is "0s" (sprig falls back to now)', () => {
    expect(at('{{ sprig_ago "yesterday" }} {{ sprig_ago 1.5 }}')).toBe('0s 0s')
  })

  it('durationRound of a time.Time rounds the time since it down to its largest unit', () => {
    expect(at('{{ sprig_toDate "2006-01-02" "2025-01-01" | sprig_durationRound }}')).toBe('1y')
    expect(at('{{ sprig_toDate "2006-01-02" "2025-12-30" | sprig_durationRound }}')).toBe('3d')
    expect(at('{{ sprig_toDate "2006-01-02" "2026-01-10" | sprig_durationRound }}')).toBe('7d')
  })

  it('date, dateInZone, dateModify, now and htmlDate are not offered: the template does not parse', () => {
    for (const name of ['now', 'date', 'dateInZone', 'date_in_zone', 'dateModify', 'date_modify', 'htmlDate', 'htmlDateInZone']) {
      expect(() => render(`{{ sprig_${name} }}`)).toThrow(`function "sprig_${name}" not defined`)
    }
  })

  it('a time.Time prints as Go prints it and its Format takes Go layouts', () => {
    expect(render('{{ sprig_toDate "2006-01-02 15:04:05.000" "2024-05-06 07:08:09.120" }}')).toBe('2024-05-06 07:08:09.12 +0000 UTC')
    expect(render('{{ (sprig_toDate "2006-01-02" "2024-05-06").Format "Monday 2 January 2006, 3PM" }}')).toBe('Monday 6 May 2024, 12AM')
  })

  it('mustToDate fails with time.Parse\'s words; toDate gives the zero time instead', () => {
    expect(execError('{{ sprig_mustToDate "2006-01-02" "2024-02-30" }}').message).toContain(
      'error calling sprig_mustToDate: parsing time "2024-02-30": day out of range',
    )
    expect(render('{{ sprig_toDate "2006-01-02" "2024-02-30" }}')).toBe('0001-01-01 00:00:00 +0000 UTC')
  })

  it('unixEpoch takes a time.Time only, refused as Go refuses a wrong argument type', () => {
    expect(render('{{ sprig_toDate "2006-01-02" "1970-01-02" | sprig_unixEpoch }}')).toBe('86400')
    expect(execError('{{ parseInt "5" | sprig_unixEpoch }}').message).toContain('wrong type for value; expected time.Time; got int64')
  })

  it('mustDateModify adds a Go duration and fails on one Go does not parse', () => {
    expect(render('{{ sprig_toDate "2006-01-02" "2024-03-01" | sprig_mustDateModify "-24h" }}')).toBe('2024-02-29 00:00:00 +0000 UTC')
    expect(execError('{{ sprig_toDate "2006-01-02" "2024-03-01" | sprig_mustDateModify "1w" }}').message).toContain(
      'error calling sprig_mustDateModify: time: unknown unit "w" in duration "1w"',
    )
  })

  it('duration prints seconds (a string or an int64) as a Go duration; anything else is 0s', () => {
    expect(render('{{ sprig_duration "86461" }} {{ sprig_duration (parseInt "-90") }} {{ sprig_duration 60 }}')).toBe('24h1m1s -1m30s 0s')
  })
})

describe('sprig url functions (net/url)', () => {
  it('urlParse splits a URL as url.Parse does, unescaping the path', () => {
    expect(render('{{ $u := sprig_urlParse "postgres://app:p%2Fw@db:5432/my%20db?sslmode=require#x" }}{{ $u.scheme }}|{{ $u.userinfo }}|{{ $u.host }}|{{ $u.hostname }}|{{ $u.path }}|{{ $u.query }}|{{ $u.fragment }}')).toBe(
      'postgres|app:p%2Fw|db:5432|db|/my db|sslmode=require|x',
    )
  })

  it('urlParse fails with url.Parse\'s words', () => {
    expect(execError('{{ sprig_urlParse "http://db:pg/" }}').message).toContain(
      'error calling sprig_urlParse: unable to parse url: parse "http://db:pg/": invalid port ":pg" after host',
    )
  })

  it('urlJoin escapes each part as URL.String does', () => {
    expect(render('{{ sprig_urlJoin (sprig_dict "scheme" "https" "host" "h" "path" "/a b?" "userinfo" "u:p@s" "fragment" "x y") }}')).toBe(
      'https://u:p%40s@h/a%20b%3F#x%20y',
    )
    expect(execError('{{ sprig_urlJoin (sprig_dict "port" 1 "path" 2) }}').message).toContain(
      'unable to parse path key, must be of type string, but int found',
    )
  })
})

describe('sprig merge and deepCopy (mergo, copystructure)', () => {
  it('merge fills what dst lacks or has empty, deeply, and changes dst itself', () => {
    expect(render('{{ $d := sprig_dict "a" 1 "e" "" "m" (sprig_dict "x" 1) }}{{ $_ := sprig_merge $d (sprig_dict "a" 2 "e" "y" "m" (sprig_dict "x" 2 "z" 3)) }}{{ toJSON $d }}')).toBe(
      '{"a":1,"e":"y","m":{"x":1,"z":3}}',
    )
  })

  it('mergeOverwrite lets every value of src win, even an empty one, but merges maps deeply', () => {
    expect(render('{{ sprig_mergeOverwrite (sprig_dict "a" 1 "e" "kept" "m" (sprig_dict "x" 1 "y" 1)) (sprig_dict "a" 2 "e" "" "m" (sprig_dict "x" 2)) | toJSON }}')).toBe(
      '{"a":2,"e":"","m":{"x":2,"y":1}}',
    )
  })

  it('merge takes map[string]interface {} only', () => {
    expect(execError('{{ sprig_merge (sprig_dict) (splitToMap ":" "," "a:1") }}').message).toContain(
      'wrong type for value; expected map[string]interface {}; got map[string]string',
    )
  })

  it('deepCopy copies maps and lists so that changing the copy leaves the original', () => {
    expect(render('{{ $a := sprig_dict "m" (sprig_dict "k" "v") }}{{ $b := sprig_deepCopy $a }}{{ $_ := sprig_set $b.m "k" "w" }}{{ $a.m.k }}{{ $b.m.k }}')).toBe('vw')
    expect(execError('{{ sprig_deepCopy nil }}').message).toContain('reflect: call of reflect.Value.Type on zero Value')
  })
})

describe('sprig semver (Masterminds/semver v3.3.0)', () => {
  it('semver parses loosely and prints the canonical form', () => {
    expect(render('{{ $v := sprig_semver "v2.1" }}{{ $v }} {{ $v.Original }} {{ $v.Major }}')).toBe('2.1.0 v2.1 2')
    expect(execError('{{ sprig_semver "2.1.0-01" }}').message).toContain('error calling sprig_semver: Version segment starts with 0')
  })

  it('semverCompare checks ranges, carets, tildes and wildcards; prereleases only match constraints that have one', () => {
    const check = (constraint: string, version: string) => render(`{{ sprig_semverCompare "${constraint}" "${version}" }}`)
    expect(check('^1.4', '1.9.0')).toBe('true')
    expect(check('^0.4', '0.5.0')).toBe('false')
    expect(check('~1.4.2', '1.4.9')).toBe('true')
    expect(check('1.2 - 1.4', '1.4.7')).toBe('true')
    expect(check('>=1.0, <2 || 3.x', '3.2.1')).toBe('true')
    expect(check('>=1.0', '1.5.0-rc.1')).toBe('false')
    expect(check('>=1.5.0-0', '1.5.0-rc.1')).toBe('true')
    expect(execError('{{ sprig_semverCompare "> =1" "1.0.0" }}').message).toContain('improper constraint: > =1')
  })
})

/**
 * Differential test: every case of the corpus must render exactly as Go's text/template with consul-template's
 * functions rendered it (test/fixtures/go-template/corpus.json, recorded by test/go-template-oracle), except the
 * known differences listed with their reason in known-differences.json. A known difference that vsi stops having
 * fails too, so the list only ever shrinks to what is true.
 */
import {readFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {corpus, expected, runCase} from './corpus.js'

const known: Record<string, string> = JSON.parse(readFileSync(new URL('../../fixtures/go-template/known-differences.json', import.meta.url), 'utf8'))

describe(`templates render as ${corpus.go} with consul-template ${corpus.consulTemplate} renders them`, () => {
  it('every known difference names a case of the corpus', () => {
    const names = new Set(corpus.cases.map((c) => c.name))
    expect(Object.keys(known).filter((name) => !names.has(name))).toEqual([])
  })

  for (const c of corpus.cases) {
    if (known[c.name] === undefined) {
      it(c.name, () => expect(runCase(c)).toEqual(expected(c)))
    } else {
      it(`${c.name} (known difference: ${known[c.name]})`, () => expect(runCase(c)).not.toEqual(expected(c)))
    }
  }
})

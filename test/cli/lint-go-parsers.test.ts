/**
 * `vsi lint` reads annotation values with the parsers the injector runs, as their Go sources do: strconv.ParseFloat
 * (golang/go strconv/atof.go), resource.ParseQuantity (kubernetes/apimachinery v0.36.3 quantity.go, the version
 * vault-k8s 1.7.6 builds with), and only the per-secret options of secrets that exist (vault-k8s annotations.go
 * secrets()).
 */
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'
import {stringify} from 'yaml'

import type {CliResult} from '../helpers/cli.js'
import {runVsi} from '../helpers/cli.js'

interface Problem {
  file: string
  rule: string
  severity: string
  injector: string
  message: string
}

const PODS: Record<string, Record<string, string>> = {
  'float-underscores': {'template-lease-renewal-threshold': '0.9_5'},
  'float-hex': {'template-lease-renewal-threshold': '0x1.ccp-1'},
  'float-signed-nan': {'template-lease-renewal-threshold': '+NaN'},
  'quantity-two-dots': {'agent-limits-cpu': '1.2.3'},
  'quantity-sign-only': {'agent-requests-cpu': '+'},
  'quantity-lower-case-mi': {'agent-limits-mem': '128mi'},
  'orphan-option': {'agent-inject-secret-db': 'secret/data/db', 'error-on-missing-key-other': 'yes'},
}

describe('vsi lint parses values as the injector does', () => {
  let dir: string
  let result: CliResult

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'vsi-lint-go-'))
    for (const [name, extra] of Object.entries(PODS)) {
      const annotations = Object.fromEntries(Object.entries({'agent-inject': 'true', role: 'app', ...extra}).map(([k, v]) => [`vault.hashicorp.com/${k}`, v]))
      const pod = {apiVersion: 'v1', kind: 'Pod', metadata: {name, namespace: 'default', annotations}, spec: {containers: [{name: 'app', image: 'nginx'}]}}
      writeFileSync(path.join(dir, `${name}.yaml`), stringify(pod, {defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN'}))
    }
    result = await runVsi(['lint', dir, '--json'])
  })

  const problems = (name: string): Problem[] => ((result.json?.result?.problems ?? []) as Problem[]).filter((p) => p.file === path.join(dir, `${name}.yaml`))
  const summary = (name: string) => problems(name).map((p) => `${p.severity} ${p.rule} ${p.injector}`)

  it('accepts underscores between digits and hexadecimal floats, as strconv.ParseFloat does', () => {
    expect(result.json.result.files).toHaveLength(Object.keys(PODS).length)
    expect(problems('float-underscores')).toEqual([])
    expect(problems('float-hex')).toEqual([])
  })

  it('refuses a signed NaN with strconv.ParseFloat words', () => {
    expect(summary('float-signed-nan')).toEqual(['error invalid-value refuses'])
    expect(problems('float-signed-nan')[0]!.message).toContain('(strconv.ParseFloat: parsing "+NaN": invalid syntax)')
  })

  it("words a quantity with a character left over as apimachinery's ErrFormatWrong, and a bad suffix as ErrSuffix", () => {
    expect(summary('quantity-two-dots')).toEqual(['error invalid-value refuses'])
    expect(problems('quantity-two-dots')[0]!.message).toContain("(quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$')")
    expect(summary('quantity-lower-case-mi')).toEqual(['error invalid-value refuses'])
    expect(problems('quantity-lower-case-mi')[0]!.message).toContain("(unable to parse quantity's suffix)")
  })

  it('accepts a bare sign as a quantity (parseQuantityString reads it as zero)', () => {
    expect(problems('quantity-sign-only')).toEqual([])
  })

  it('does not parse the option of a secret that does not exist: only orphan-secret-option warns', () => {
    expect(summary('orphan-option')).toEqual(['warning orphan-secret-option ignores'])
  })
})

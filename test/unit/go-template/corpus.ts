/**
 * The differential corpus: templates with what Go's text/template and consul-template's functions printed for them,
 * recorded by test/go-template-oracle (the suite never needs Go). `runCase` renders a case with vsi's engine the way
 * the oracle renders it with Go's.
 */
import {readFileSync} from 'node:fs'

import {parseTemplate, parseVaultJson, renderTemplate, TemplateExecError, TemplateSyntaxError} from '../../../src/go-template/index.js'

export interface CorpusCase {
  name: string
  source?: string
  /** Set on a case whose result was written from the source's behaviour, not produced by running Go (yet). */
  handRecorded?: string
  template: string
  data?: string
  dataset?: string
  secrets?: Record<string, string>
  lists?: Record<string, string[]>
  env?: string[]
  missingKey?: 'error' | 'zero'
}

export interface CaseResult {
  output?: string
  parseError?: string
  execError?: string
}

export interface Corpus {
  go: string
  consulTemplate: string
  sprig: string
  datasets: Record<string, string>
  cases: Array<CorpusCase & CaseResult>
}

export const corpus: Corpus = JSON.parse(readFileSync(new URL('../../fixtures/go-template/corpus.json', import.meta.url), 'utf8'))

/** The oracle's clock (consul-template's `now`, fixed). */
const NOW = new Date('2026-01-02T03:04:05Z')

export function expected(recorded: CaseResult): CaseResult {
  if (recorded.parseError !== undefined) return {parseError: recorded.parseError}
  if (recorded.execError !== undefined) return {execError: recorded.execError}
  return {output: recorded.output}
}

export function runCase(c: CorpusCase): CaseResult {
  let parsed
  try {
    parsed = parseTemplate(c.template, {name: ''})
  } catch (error) {
    if (error instanceof TemplateSyntaxError) return {parseError: error.message}
    throw error
  }
  const data = c.dataset === undefined ? c.data : corpus.datasets[c.dataset]
  const env = Object.fromEntries((c.env ?? []).map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]))
  try {
    const output = renderTemplate(parsed, {
      ...(data === undefined ? {} : {data: parseVaultJson(data)}),
      secret: (path) => {
        const body = c.secrets?.[path]
        if (body === undefined) throw new Error(`no secret exists at ${path}`)
        return parseVaultJson(body)
      },
      listSecrets: (path) => c.lists?.[path] ?? [],
      env,
      missingKey: c.missingKey === 'error' ? 'error' : 'zero',
      now: () => NOW,
    })
    return {output}
  } catch (error) {
    if (error instanceof TemplateExecError) return {execError: error.message}
    return {execError: `vsi threw ${(error as Error).name}: ${(error as Error).message}`}
  }
}

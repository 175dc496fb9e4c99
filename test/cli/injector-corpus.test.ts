/**
 * The corpus of pods transcribed from hashicorp/vault-k8s (test/fixtures/injector-cases/cases.yaml), run against
 * `vsi lint --json` (the built CLI) and against the emulated injector (pods created through the emulated API server).
 * Both must judge each pod as vault-k8s does.
 */
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse, stringify} from 'yaml'

import {injectedSecrets, tokenSinkPath} from '../../src/annotations/secrets.js'
import {startKubeEmulator, type KubeEmulator} from '../emulators/kube/index.js'
import type {CliResult} from '../helpers/cli.js'
import {projectRoot, runVsi} from '../helpers/cli.js'

type Expect = 'refuses' | 'api-server-refuses' | 'admits-with-other-meaning' | 'ignores' | 'admits'

interface InjectorCase {
  name: string
  source: string
  namespace?: string
  kind?: 'Job' | 'Deployment'
  annotations: Record<string, string>
  workloadAnnotations?: Record<string, string>
  spec?: Record<string, unknown>
  expect: Expect
  message?: string
  rule?: string
  destination?: string
}

interface Problem {
  file: string
  rule: string
  severity: 'error' | 'warning'
  injector: string
  message: string
}

const corpus = parse(readFileSync(path.join(projectRoot, 'test/fixtures/injector-cases/cases.yaml'), 'utf8')) as {version: string; cases: InjectorCase[]}
const keyed = (annotations: Record<string, string> = {}): Record<string, string> =>
  Object.fromEntries(Object.entries(annotations).map(([key, value]) => [key.includes('/') ? key : `vault.hashicorp.com/${key}`, value]))
const podSpec = (c: InjectorCase): Record<string, unknown> => ({restartPolicy: c.kind === 'Job' ? 'Never' : 'Always', ...(c.spec ?? {containers: [{name: 'app', image: 'nginx'}]})})
const REFUSALS = new Set(['refuses', 'api-server-refuses'])

/** The manifest a user would lint: the Pod itself, or the Job / Deployment whose template makes it. */
function manifest(c: InjectorCase): Record<string, unknown> {
  const metadata = {name: c.name, namespace: c.namespace ?? 'default'}
  const template = {metadata: {labels: {app: c.name}, annotations: keyed(c.annotations)}, spec: podSpec(c)}
  if (c.kind === 'Job') return {apiVersion: 'batch/v1', kind: 'Job', metadata, spec: {template}}
  if (c.kind === 'Deployment') {
    return {apiVersion: 'apps/v1', kind: 'Deployment', metadata: {...metadata, annotations: keyed(c.workloadAnnotations)}, spec: {selector: {matchLabels: {app: c.name}}, template}}
  }
  return {apiVersion: 'v1', kind: 'Pod', metadata: {...metadata, annotations: keyed(c.annotations)}, spec: podSpec(c)}
}

describe(`vault-k8s ${corpus.version} corpus (${corpus.cases.length} pods)`, () => {
  let dir: string
  let lint: CliResult
  let kube: KubeEmulator
  const created = new Map<string, {status: number; body: {message?: string; spec?: {containers?: Array<{name: string; env?: Array<{name: string; value?: string}>}>}}}>()

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'vsi-injector-cases-'))
    for (const c of corpus.cases) writeFileSync(path.join(dir, `${c.name}.yaml`), stringify(manifest(c), {version: '1.1'}))
    const linting = runVsi(['lint', dir, '--json'])
    kube = await startKubeEmulator({preset: 'tutorial', tls: false})
    for (const c of corpus.cases) {
      // The pod the API server receives: the workload's template for a Job or Deployment (its controller creates it).
      const pod = {apiVersion: 'v1', kind: 'Pod', metadata: {name: c.name, annotations: keyed(c.annotations)}, spec: podSpec(c)}
      const response = await fetch(`${kube.url}/api/v1/namespaces/${c.namespace ?? 'default'}/pods`, {
        method: 'POST',
        headers: {Authorization: `Bearer ${kube.adminToken}`, 'Content-Type': 'application/json'},
        body: JSON.stringify(pod),
      })
      created.set(c.name, {status: response.status, body: (await response.json()) as never})
    }
    lint = await linting
  }, 120_000)

  afterAll(async () => {
    await kube?.stop()
  })

  const problemsOf = (c: InjectorCase): Problem[] => {
    const problems = (lint.json?.result?.problems ?? []) as Problem[]
    return problems.filter((problem) => problem.file === path.join(dir, `${c.name}.yaml`))
  }

  it('lint ran over every case and reported through --json', () => {
    expect(lint.exitCode).toBe(1)
    expect(lint.json.result.files).toHaveLength(corpus.cases.length)
  })

  describe('vsi lint', () => {
    it.each(corpus.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
      const problems = problemsOf(c)
      const refusals = problems.filter((problem) => REFUSALS.has(problem.injector))
      if (REFUSALS.has(c.expect)) {
        expect(refusals.filter((problem) => problem.severity === 'error').map((problem) => problem.injector), c.source).toContain(c.expect)
        return
      }
      expect(refusals, `${c.source}: vault-k8s admits this pod`).toEqual([])
      if (c.rule) {
        const behaviour = c.expect === 'admits-with-other-meaning' ? 'admits-differently' : c.expect
        expect(problems.map((problem) => `${problem.rule}:${problem.injector}`), c.source).toContain(`${c.rule}:${behaviour}`)
      }
    })
  })

  describe('the emulated injector, through the emulated API server', () => {
    it.each(corpus.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
      const {status, body} = created.get(c.name)!
      if (c.expect === 'refuses') {
        expect({status, message: body.message}, c.source).toEqual({status: 400, message: `admission webhook "vault.hashicorp.com" denied the request: ${c.message}`})
      } else if (c.expect === 'api-server-refuses') {
        expect(status, c.source).toBe(422)
        expect(body.message).toContain(c.message)
      } else {
        expect(status, `${c.source}: ${body.message ?? ''}`).toBe(201)
      }
    })
  })

  it.each(corpus.cases.filter((c) => c.destination).map((c) => [c.name, c] as const))('derives the file path of %s as the injector does', (_name, c) => {
    const annotations = keyed(c.annotations)
    const paths = [...injectedSecrets(annotations).map((secret) => secret.destination), tokenSinkPath(annotations)]
    const config = created.get(c.name)!.body.spec?.containers?.find((container) => container.name === 'vault-agent')?.env?.find((env) => env.name === 'VAULT_CONFIG')?.value
    const agent = JSON.parse(Buffer.from(config ?? '', 'base64').toString() || '{}') as {template?: Array<{destination: string}>; auto_auth?: {sink?: Array<{config: {path: string}}>}}
    const injectorPaths = [...(agent.template ?? []).map((template) => template.destination), ...(agent.auto_auth?.sink ?? []).map((sink) => sink.config.path)]
    expect(injectorPaths).toContain(c.destination)
    expect(paths).toContain(c.destination)
  })
})

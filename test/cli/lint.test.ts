import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'

import type {CliResult} from '../helpers/cli.js'
import {projectRoot, runVsi, seedDir} from '../helpers/cli.js'

const fixtures = path.join(projectRoot, 'test/fixtures/lint')
const rule = (name: string): string => path.join(fixtures, 'rules', `${name}.yaml`)

describe('vsi lint', () => {
  let scratch: string
  const runs: Record<string, Promise<CliResult>> = {}

  // The runs are independent: start them all at once.
  beforeAll(() => {
    scratch = mkdtempSync(path.join(tmpdir(), 'vsi-lint-'))
    writeFileSync(path.join(scratch, 'broken.yaml'), 'kind: Pod\nmetadata:\n  annotations: [\n')
    mkdirSync(path.join(scratch, 'empty'))
    writeFileSync(path.join(scratch, 'empty', 'notes.txt'), 'no yaml here')
    Object.assign(runs, {
      seed: runVsi(['lint', seedDir]),
      errors: runVsi(['lint', rule('invalid-value')], {env: {NO_COLOR: '1'}}),
      errorsJson: runVsi(['lint', rule('job-needs-pre-populate-only'), '--json']),
      warningsJson: runVsi(['lint', rule('unknown-container'), '--json']),
      directory: runVsi(['lint', path.join(fixtures, 'clean'), '--json']),
      stdin: runVsi(['lint', '-'], {input: 'kind: Pod\nmetadata:\n  annotations:\n    vault.hashicorp.com/agent-inject: true\n'}),
      missing: runVsi(['lint', path.join(scratch, 'nope.yaml'), '--json']),
      broken: runVsi(['lint', path.join(scratch, 'broken.yaml')]),
      empty: runVsi(['lint', path.join(scratch, 'empty')]),
      none: runVsi(['lint']),
    })
  })

  it('passes the tutorial files (exit 0)', async () => {
    const {exitCode, stdout} = await runs.seed!
    expect(stdout.trim()).toBe('0 errors, 0 warnings in 3 files')
    expect(exitCode).toBe(0)
  })

  it('prints file:line:col severity rule message, a hint line, and a summary; exit 1 on errors', async () => {
    const {exitCode, stdout, stderr} = await runs.errors!
    const file = rule('invalid-value')
    expect(stdout).toContain(
      `${file}:13:49 error invalid-value agent-revoke-grace: "5s" is not a whole number of seconds such as "5" (no unit): ` +
        'the injector rejects the pod (admission denied, FailedCreate) (strconv.ParseUint: parsing "5s": invalid syntax)\n' +
        '  hint: use a whole number of seconds such as "5" (no unit)\n',
    )
    expect(stdout).toContain(`${file}:23:40 warning runtime-invalid-value log-level: "verbose"`)
    expect(stdout.trim().split('\n').at(-1)).toBe('10 errors, 5 warnings in 1 file')
    expect(stderr).toContain('Error: 10 errors, 5 warnings in 1 file')
    expect(exitCode).toBe(1)
  })

  it('--json carries the problems in the error envelope when lint fails', async () => {
    const {exitCode, json} = await runs.errorsJson!
    expect(exitCode).toBe(1)
    expect(json).toMatchObject({ok: false, exitCode: 1, error: {code: 'lint-failed', message: '2 errors, 0 warnings in 1 file'}})
    expect(json.result).toMatchObject({files: [rule('job-needs-pre-populate-only')], errorCount: 2, warningCount: 0})
    expect(json.result.problems[0]).toEqual({
      file: rule('job-needs-pre-populate-only'),
      line: 9,
      col: 9,
      severity: 'error',
      injector: 'admits-differently',
      rule: 'job-needs-pre-populate-only',
      message: "a Job with the vault-agent sidecar never completes: the sidecar keeps running after the job's containers exit",
      hint: 'add vault.hashicorp.com/agent-pre-populate-only: "true" (secrets are rendered once by the init container)',
    })
  })

  it('exits 0 with warnings only', async () => {
    const {exitCode, json} = await runs.warningsJson!
    expect(exitCode).toBe(0)
    expect(json).toMatchObject({ok: true, result: {errorCount: 0, warningCount: 2}})
    expect(json.result.problems.map((problem: {rule: string}) => problem.rule)).toEqual(['unknown-container', 'unknown-container'])
  })

  it("reads a directory's own .yaml and .yml files, not its subdirectories' (as kubectl -f DIR)", async () => {
    const {exitCode, json} = await runs.directory!
    expect(exitCode).toBe(0)
    expect(json.result.files).toEqual(['deployment.yaml', 'pod.yaml'].map((name) => path.join(fixtures, 'clean', name)))
  })

  it('reads subdirectories too with -R, in name order', async () => {
    const {exitCode, json} = await runVsi(['lint', '-R', path.join(fixtures, 'clean'), '--json'])
    expect(exitCode).toBe(0)
    expect(json.result.files).toEqual(['deployment.yaml', 'nested/jobs.yml', 'pod.yaml'].map((name) => path.join(fixtures, 'clean', name)))
  })

  it('reads stdin for -', async () => {
    const {exitCode, stdout} = await runs.stdin!
    expect(stdout).toContain('<stdin>:4:39 error non-string-value')
    expect(exitCode).toBe(1)
  })

  it('exits 2 for a missing file, invalid YAML, a directory without YAML, and no input', async () => {
    const [missing, broken, empty, none] = await Promise.all([runs.missing!, runs.broken!, runs.empty!, runs.none!])
    expect(missing.exitCode).toBe(2)
    expect(missing.json.error).toMatchObject({code: 'invalid-input', message: `cannot read ${path.join(scratch, 'nope.yaml')}: no such file or directory`})
    expect(broken.exitCode).toBe(2)
    expect(broken.stderr).toMatch(new RegExp(`${path.join(scratch, 'broken.yaml')}:\\d+:\\d+: invalid YAML: `))
    expect(empty.exitCode).toBe(2)
    expect(empty.stderr).toContain('no .yaml, .yml or .json files in this directory')
    expect(none.exitCode).toBe(2)
    expect(none.stderr).toContain('no input')
  })
})

import {readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'

import {lintLiveAnnotations, lintYaml, RULE_IDS, YamlSyntaxError} from '../../../src/lint/index.js'
import type {LintProblem} from '../../../src/lint/index.js'
import {projectRoot, seedDir} from '../../helpers/cli.js'

const fixtures = path.join(projectRoot, 'test/fixtures/lint')
const rulesDir = path.join(fixtures, 'rules')

/**
 * Expectations written in the fixture: `# expect: rule[, rule]` at the end of the line the problem is on, or
 * `# expect-at LINE:COL: rule` for positions that cannot carry a comment (inside a literal block).
 */
function expectations(text: string): string[] {
  const expected: string[] = []
  for (const [index, line] of text.split('\n').entries()) {
    const at = /^# expect-at (\d+):(\d+): ([\w-]+)$/.exec(line)
    if (at) expected.push(`${at[1]}:${at[2]} ${at[3]}`)
    const inline = /# expect: ([\w, -]+)$/.exec(line)
    if (inline) for (const rule of inline[1]!.split(',')) expected.push(`${index + 1} ${rule.trim()}`)
  }
  return expected.sort()
}

function actual(problems: LintProblem[], text: string): string[] {
  const withColumn = new Set(expectations(text).filter((item) => item.includes(':')).map((item) => item.split(' ')[0]))
  return problems
    .map((problem) => (withColumn.has(`${problem.line}:${problem.col}`) ? `${problem.line}:${problem.col} ${problem.rule}` : `${problem.line} ${problem.rule}`))
    .sort()
}

const lintFile = (file: string): {text: string; problems: LintProblem[]} => {
  const text = readFileSync(file, 'utf8')
  return {text, problems: lintYaml(text, path.basename(file))}
}

describe('lint rules (one fixture per rule, with cases that must and must not fire)', () => {
  const files = readdirSync(rulesDir).filter((name) => name.endsWith('.yaml'))

  it.each(files)('%s', (name) => {
    const {text, problems} = lintFile(path.join(rulesDir, name))
    const rule = name.replace(/\.yaml$/, '')
    expect(expectations(text).some((item) => item.endsWith(` ${rule}`))).toBe(true)
    expect(actual(problems, text)).toEqual(expectations(text))
  })

  it('has a fixture for every rule (runtime-invalid-value lives in invalid-value.yaml, annotations-too-large is generated)', () => {
    const covered = new Set([...files.map((name) => name.replace(/\.yaml$/, '')), 'runtime-invalid-value', 'annotations-too-large'])
    expect([...RULE_IDS].filter((rule) => !covered.has(rule))).toEqual([])
  })
})

describe('lint: clean input', () => {
  it.each(['deployment-orgchart.yaml', 'patch-inject-secrets.yaml', 'patch-inject-secrets-as-template.yaml'])('the tutorial file %s', (name) => {
    expect(lintFile(path.join(seedDir, name)).problems).toEqual([])
  })

  it.each(['clean/deployment.yaml', 'clean/pod.yaml', 'clean/nested/jobs.yml'])('%s', (name) => {
    expect(lintFile(path.join(fixtures, name)).problems).toEqual([])
  })
})

const deployment = (annotations: string, kind = 'Deployment'): string => `apiVersion: apps/v1
kind: ${kind}
metadata:
  name: app
spec:
  template:
    metadata:
      annotations:
${annotations
  .trim()
  .split('\n')
  .map((line) => `        ${line.trim()}`)
  .join('\n')}
    spec:
      containers:
        - name: app
          image: app:1
`

describe('lint: messages', () => {
  it('calls a request above the default limit a refusal in a workload, a warning in a kind-less patch', () => {
    const annotations = 'vault.hashicorp.com/agent-inject: "true"\nvault.hashicorp.com/role: r\nvault.hashicorp.com/agent-requests-cpu: "1"'
    const judged = (text: string) => lintYaml(text, 'd.yaml').map(({rule, severity, injector}) => ({rule, severity, injector}))
    expect(judged(deployment(annotations))).toEqual([{rule: 'api-server-refuses', severity: 'error', injector: 'api-server-refuses'}])
    const patch = deployment(annotations).replace(/^apiVersion: .*\nkind: .*\nmetadata:\n {2}name: app\n/, '')
    expect(judged(patch)).toEqual([{rule: 'api-server-refuses', severity: 'warning', injector: 'api-server-refuses'}])
  })

  it('quotes the injector and names the fix for an unknown key', () => {
    const [problem] = lintYaml(deployment('vault.hashicorp.com/agent-inject-secrets-db: "secret/data/db"'), 'd.yaml')
    expect(problem).toEqual({
      file: 'd.yaml',
      line: 9,
      col: 9,
      severity: 'error',
      injector: 'ignores',
      rule: 'unknown-annotation',
      message:
        'vault.hashicorp.com/agent-inject-secrets-db is not an annotation the injector knows: the injector silently ignores it; did you mean vault.hashicorp.com/agent-inject-secret-db?',
      hint: 'rename the key to vault.hashicorp.com/agent-inject-secret-db',
    })
  })

  it('an unquoted yes/no gets a hint naming a value the injector accepts, not the quoted "yes" it also rejects', () => {
    const hints = (value: string) => lintYaml(deployment(`vault.hashicorp.com/agent-inject: ${value}\nvault.hashicorp.com/role: r`), 'd.yaml').filter((p) => p.rule === 'non-string-value').map((p) => p.hint)
    expect(hints('yes')).toEqual(['write it as a quoted boolean the injector accepts: vault.hashicorp.com/agent-inject: "true"'])
    expect(hints('off')).toEqual(['write it as a quoted boolean the injector accepts: vault.hashicorp.com/agent-inject: "false"'])
    expect(hints('true')).toEqual(['quote it: vault.hashicorp.com/agent-inject: "true"'])
  })

  it('quotes the Go parse error for a value the injector rejects', () => {
    const problems = lintYaml(deployment('vault.hashicorp.com/agent-inject: "yes"\nvault.hashicorp.com/role: r'), 'd.yaml')
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatchObject({rule: 'invalid-value', line: 9, col: 43})
    expect(problems[0]!.message).toContain('strconv.ParseBool: parsing "yes": invalid syntax')
  })

  it('suggests agent-inject-file for a KV v2 .Data.<key> and the corrected chain', () => {
    const problems = lintYaml(
      deployment(`vault.hashicorp.com/agent-inject: "true"
        vault.hashicorp.com/role: r
        vault.hashicorp.com/agent-inject-template-db: '{{ with secret "kv/data/db" }}{{ .Data.pw }}{{ end }}'`),
      'd.yaml',
    )
    expect(problems.map((problem) => [problem.rule, problem.line, problem.col, problem.hint])).toEqual([['kv2-data-path', 11, 89, 'read .Data.data.pw']])
  })

  it('reports a sidecar Job at the missing switch, with the annotation to add', () => {
    const [problem] = lintYaml(deployment('vault.hashicorp.com/agent-inject: "true"\nvault.hashicorp.com/role: r', 'Job'), 'j.yaml')
    expect(problem?.hint).toBe('add vault.hashicorp.com/agent-pre-populate-only: "true" (secrets are rendered once by the init container)')
  })

  it('maps a template error inside a literal block to the file line and column', () => {
    const text = [
      'kind: Pod',
      'metadata:',
      '  annotations:',
      '    vault.hashicorp.com/agent-inject: "true"',
      '    vault.hashicorp.com/role: r',
      '    vault.hashicorp.com/agent-inject-template-db: |-',
      '',
      '        {{ with secret "kv/data/db" }}',
      '        {{ .Data.data.pw | nope }}',
      '        {{ end }}',
    ].join('\n')
    const [problem] = lintYaml(text, 'pod.yaml')
    // Template line 3 (after a blank line), column 20 ("nope") in a block indented by 8.
    expect(problem).toMatchObject({rule: 'template-syntax', line: 9, col: 28})
    expect(problem!.message).toContain('template: :3: function "nope" not defined')
  })
})

describe('lint: documents', () => {
  it('finds pod templates in Lists, CronJobs and kind-less patch documents', () => {
    const text = `spec:
  jobTemplate:
    spec:
      template:
        metadata:
          annotations:
            vault.hashicorp.com/agent-injec: "true"
---
apiVersion: v1
kind: List
items:
  - kind: Pod
    metadata:
      annotations:
        vault.hashicorp.com/rol: app
`
    expect(lintYaml(text, 'p.yaml').map((problem) => `${problem.line} ${problem.rule}`)).toEqual(['7 unknown-annotation', '15 unknown-annotation'])
  })

  it('only warns about a missing switch or role in a kind-less patch (the patched workload may have them)', () => {
    const patch = (annotations: string): string => `spec:\n  template:\n    metadata:\n      annotations:\n${annotations}`
    const severities = (text: string): string[] => lintYaml(text, 'p.yaml').map((problem) => `${problem.rule} ${problem.severity}`)
    expect(severities(patch('        vault.hashicorp.com/agent-inject-secret-db: "kv/data/db"\n'))).toEqual(['injection-not-enabled warning'])
    expect(severities(patch('        vault.hashicorp.com/agent-inject: "true"\n'))).toEqual(['missing-role warning'])
    expect(severities(`kind: Deployment\n${patch('        vault.hashicorp.com/agent-inject-secret-db: "kv/data/db"\n')}`)).toEqual(['injection-not-enabled error'])
    expect(severities(`kind: Deployment\n${patch('        vault.hashicorp.com/agent-inject: "true"\n')}`)).toEqual(['missing-role error'])
  })

  it('ignores documents that are not workloads', () => {
    expect(lintYaml('kind: Service\nmetadata:\n  annotations:\n    vault.hashicorp.com/x: 1\n---\n[1, 2]\n---\nplain\n', 's.yaml')).toEqual([])
  })

  it('rejects the whole object when its annotations exceed 256 KiB', () => {
    const big = 'x'.repeat(262_144)
    const problems = lintYaml(deployment(`vault.hashicorp.com/agent-inject: "false"\nexample.com/big: "${big}"`), 'big.yaml')
    expect(problems.map((problem) => [problem.rule, problem.line])).toEqual([['annotations-too-large', 9]])
  })

  it('throws YamlSyntaxError with the position for invalid YAML', () => {
    expect(() => lintYaml('a: 1\nb: [\n', 'bad.yaml')).toThrow(YamlSyntaxError)
    try {
      lintYaml('kind: Pod\nkind: Pod\n', 'dup.yaml')
    } catch (error) {
      expect(error).toBeInstanceOf(YamlSyntaxError)
      expect((error as YamlSyntaxError).message).toMatch(/^dup\.yaml:2:1: invalid YAML: Map keys must be unique/)
    }
    expect.assertions(3)
  })
})

describe('lint: live objects (vsi doctor)', () => {
  it('runs the rules over annotations read from the API, without positions', () => {
    const findings = lintLiveAnnotations({
      kind: 'Job',
      annotations: {
        'vault.hashicorp.com/agent-inject': 'true',
        'vault.hashicorp.com/role': 'app',
        'vault.hashicorp.com/agent-inject-secrte-db': 'kv/data/db',
      },
      workloadAnnotations: {'vault.hashicorp.com/agent-inject-secret-x': 'kv/data/x'},
      podSpec: {containers: [{name: 'app'}]},
    })
    expect(findings.map((finding) => finding.rule).sort()).toEqual(['annotations-on-workload', 'job-needs-pre-populate-only', 'unknown-annotation'])
    expect(findings.every((finding) => !('at' in finding))).toBe(true)
  })

  it('finds nothing in a correct pod', () => {
    const annotations = {'vault.hashicorp.com/agent-inject': 'true', 'vault.hashicorp.com/role': 'app', 'vault.hashicorp.com/agent-inject-secret-db': 'kv/data/db'}
    expect(lintLiveAnnotations({kind: 'Pod', annotations})).toEqual([])
  })
})

import {Args} from '@oclif/core'

import {VsiCommand} from '../cli/base-command.js'
import {recursiveFlag} from '../cli/output-flags.js'
import {inputError, VsiError} from '../errors.js'
import {readLintInputs} from '../lint/files.js'
import type {LintProblem, LintResult} from '../lint/index.js'
import {lintYaml, summarize, YamlSyntaxError} from '../lint/index.js'
import {color} from '../output/terminal.js'
import {readStdin} from '../stdin.js'

export default class Lint extends VsiCommand<LintResult> {
  static override summary = 'Check Vault Agent Injector annotations in YAML manifests, offline.'

  static override description = `Reads workloads (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod, Lists of them) and
kind-less patch files, and checks their vault.hashicorp.com/* annotations the way the injector and the API server
read them: unknown or misspelt keys (the injector silently ignores them), values the injector rejects, secret names
that collide, annotations on the workload instead of its pod template, Jobs that never finish, and inline templates
(Go template syntax, secret paths, KV v2 .Data.data access).

Exit codes: 0 no errors (warnings allowed), 1 at least one error, 2 no input, an unreadable file or invalid YAML.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> deployment-orgchart.yaml patch-inject-secrets.yaml',
    {description: 'Every .yaml, .yml and .json file under a directory and its subdirectories, as JSON for CI:', command: '<%= config.bin %> <%= command.id %> -R k8s/ --json'},
    {description: 'A rendered chart, from stdin:', command: 'helm template ./chart | <%= config.bin %> <%= command.id %> -'},
  ]

  static override strict = false

  static override args = {
    paths: Args.string({description: 'YAML files, directories (their .yaml, .yml and .json files; subdirectories with -R), or - for stdin.'}),
  }

  static override flags = {
    recursive: recursiveFlag,
  }

  async run(): Promise<LintResult> {
    const {argv, flags} = await this.parse(Lint)
    const inputs = await readLintInputs(argv as string[], () => readStdin('YAML'), flags.recursive)
    const problems: LintProblem[] = []
    for (const {file, text} of inputs) {
      try {
        problems.push(...lintYaml(text, file))
      } catch (error) {
        if (error instanceof YamlSyntaxError) throw inputError(error.message, 'fix the YAML first: kubectl cannot read this file either')
        throw error
      }
    }
    const result = summarize(
      inputs.map((input) => input.file),
      problems,
    )
    if (!this.jsonEnabled()) this.log(renderProblems(result))
    if (result.errorCount > 0) throw new VsiError(summaryLine(result), {code: 'lint-failed', result})
    return result
  }
}

function renderProblems(result: LintResult): string {
  const lines = result.problems.map((problem) => {
    const severity = problem.severity === 'error' ? color.red('error') : color.yellow('warning')
    return `${problem.file}:${problem.line}:${problem.col} ${severity} ${color.dim(problem.rule)} ${problem.message}\n  ${color.dim('hint:')} ${problem.hint}`
  })
  return [...lines, summaryLine(result)].join('\n')
}

function summaryLine({errorCount, warningCount, files}: LintResult): string {
  const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`
  return `${plural(errorCount, 'error')}, ${plural(warningCount, 'warning')} in ${plural(files.length, 'file')}`
}

import {Args, Flags} from '@oclif/core'

import {previewPassed, previewTemplate} from '../../agent/render.js'
import type {SecretSource} from '../../agent/secret-source.js'
import {fixtureSecretSource, readFixture, vaultSecretSource} from '../../agent/secret-source.js'
import {VsiCommand} from '../../cli/base-command.js'
import {lazyKube} from '../../cli/connections.js'
import {kubeFlags, vaultFlags} from '../../cli/flags.js'
import {stderrNotice} from '../../cli/notice.js'
import {checkOutputFormat, outputFileFlag, outputFormatFlag, outputFormatIn} from '../../cli/output-flags.js'
import {usageError, VsiError} from '../../errors.js'
import {goBytes} from '../../go-template/index.js'
import {writeFileAtomic} from '../../output/files.js'
import {readStdin} from '../../stdin.js'
import {loadTemplateInput} from '../../template-preview/input.js'
import type {InputKind} from '../../annotations/manifest.js'
import type {TemplateRenderResult} from '../../template-preview/report.js'
import {renderTemplateReport} from '../../template-preview/report.js'
import {openVaultSession, type VaultSession} from '../../vault/session.js'

/** `--env KEY=VALUE` flags as the agent's environment. */
function parseEnv(specs: string[]): Record<string, string> {
  const env: Record<string, string> = {}
  for (const spec of specs) {
    const at = spec.indexOf('=')
    if (at <= 0) throw usageError(`--env ${spec}: expected KEY=VALUE`)
    env[spec.slice(0, at)] = spec.slice(at + 1)
  }
  return env
}

/** The report has one machine-readable form; a rendered file is written with --output-file. */
const JSON_FORMAT = ['json'] as const

export default class TemplateRender extends VsiCommand<TemplateRenderResult> {
  static override summary = 'Show what Vault Agent will write for a secret, before deploying.'

  static override description = `Renders each agent-inject-template-* annotation (or, for agent-inject-secret-* alone, the injector's default
template) as Vault Agent renders it: Go text/template with consul-template's functions. Secrets come from Vault
(values masked unless --show-secrets) or from fixture files given with --data.

Reports what the agent would fail on (an unknown function, a missing secret) and every key the template reads that
the secret lacks (Vault Agent would silently write "<no value>" there unless error-on-missing-key is set).

Exit codes: 0 every template renders with every key present, 1 a template has a problem, 2 usage error.`

  static override examples = [
    {description: 'The patch of the tutorial, against a fixture (nothing to connect to):', command: '<%= config.bin %> <%= command.id %> patch-inject-secrets-as-template.yaml --data secret.json'},
    {description: 'A live deployment, against the secret in Vault (values masked):', command: '<%= config.bin %> <%= command.id %> deployment/orgchart'},
    {description: 'A bare template file, one fixture per path:', command: '<%= config.bin %> <%= command.id %> db.ctmpl --data internal/data/database/config=secret.json --show-secrets'},
    {description: 'The exact bytes the agent writes, for a golden file:', command: '<%= config.bin %> <%= command.id %> db.ctmpl --data secret.json --output-file db.golden'},
  ]

  static override args = {
    source: Args.string({
      description: 'A manifest or patch file, a template file, - for stdin, or a workload (deployment/NAME, statefulset/NAME, daemonset/NAME, a pod name).',
      required: true,
    }),
  }

  static override flags = {
    secret: Flags.string({char: 's', description: 'Render only this secret (the NAME of agent-inject-secret-NAME / agent-inject-template-NAME). Repeatable.', multiple: true}),
    data: Flags.string({
      description: 'Fixture instead of Vault: FILE (JSON key/values, or `vault kv get -format=json` output) for every path, or PATH=FILE for one. Repeatable.',
      multiple: true,
    }),
    'kv-version': Flags.string({description: 'KV version of the fixtures given as bare key/values (default: 2 when the path has data/ after the mount, else 1).', options: ['1', '2']}),
    'show-secrets': Flags.boolean({description: 'Print the values read from Vault (fixture values are always shown).'}),
    as: Flags.string({
      description: 'What SOURCE is, when its extension and content should not decide (default: .ctmpl/.tmpl/.tpl are templates, .yaml/.yml/.json manifests, anything else a manifest only if it is a Kubernetes object or patch with injector annotations).',
      options: ['template', 'manifest'],
    }),
    output: outputFormatFlag(JSON_FORMAT, 'Print the report in this format (-o json is the same document as --json).'),
    'output-file': outputFileFlag('Write exactly the bytes Vault Agent would write for the one template selected, to FILE or - for stdout (values read from Vault need --show-secrets).'),
    env: Flags.string({description: 'An environment variable the agent would see, for env/mustEnv/envOrDefault: KEY=VALUE. Repeatable (nothing is read from your own environment).', multiple: true}),
    ...vaultFlags,
    ...kubeFlags,
  }

  /** -o json prints the --json document (errors included), as kubectl's -o json prints the object. */
  override jsonEnabled(): boolean {
    return super.jsonEnabled() || outputFormatIn(this.argv) === 'json'
  }

  async run(): Promise<TemplateRenderResult> {
    const {args, flags} = await this.parse(TemplateRender)
    checkOutputFormat(flags.output, JSON_FORMAT)
    const outputFile = flags['output-file']
    const kvVersion = flags['kv-version'] === undefined ? undefined : (Number(flags['kv-version']) as 1 | 2)
    if (kvVersion !== undefined && !flags.data) throw usageError('--kv-version applies to --data fixtures; live secrets take the version of their mount')
    const env = parseEnv(flags.env ?? [])
    if (outputFile !== undefined && this.jsonEnabled()) throw usageError('--output-file writes the rendered bytes; --json prints the report: give one of them')
    if (outputFile !== undefined && !flags.data && !flags['show-secrets']) {
      throw usageError('--output-file writes what Vault Agent would write, values included: with secrets read from Vault it needs --show-secrets', 'Or render against fixtures with --data.')
    }
    const kube = lazyKube(flags)
    const input = await loadTemplateInput(args.source, {
      kube,
      namespace: flags.namespace,
      readStdin: () => readStdin('the manifest or template'),
      as: flags.as as InputKind | undefined,
    })
    const wanted = flags.secret ?? []
    const templates = wanted.length === 0 ? input.templates : input.templates.filter((t) => wanted.includes(t.name))
    if (templates.length === 0) {
      throw usageError(`no secret named ${wanted.join(', ')} in ${input.source}`, `Its secrets: ${input.templates.map((t) => t.name).join(', ')}.`)
    }
    if (outputFile !== undefined && templates.length > 1) {
      throw usageError(`--output-file writes one file, and ${input.source} has ${templates.length} templates`, `Choose one with --secret: ${templates.map((t) => t.name).join(', ')}.`)
    }

    let session: VaultSession | undefined
    let source: SecretSource
    if (flags.data) {
      source = fixtureSecretSource(await Promise.all(flags.data.map(readFixture)), kvVersion)
    } else {
      session = await openVaultSession({flags, kube, notice: stderrNotice(this.jsonEnabled())})
      source = vaultSecretSource(session.vault, flags['show-secrets'])
    }
    let result: TemplateRenderResult
    try {
      const previews = await Promise.all(templates.map((template) => previewTemplate(template, source, {env})))
      result = {
        source: input.source,
        secrets: source.kind,
        masked: source.kind === 'vault' && !flags['show-secrets'],
        passed: previews.every(previewPassed),
        templates: previews,
      }
    } finally {
      await session?.close()
    }
    if (outputFile === '-') {
      const output = result.templates[0].output
      // The agent writes Go's bytes, which need not be UTF-8 (base64Decode, \x escapes, slices).
      if (output !== undefined) process.stdout.write(goBytes(output))
    } else {
      if (outputFile !== undefined && result.templates[0].output !== undefined) {
        await writeFileAtomic(outputFile, goBytes(result.templates[0].output))
      }
      if (!this.jsonEnabled()) this.log(renderTemplateReport(result, outputFile))
    }
    if (!result.passed) {
      const failed = result.templates.filter((preview) => !previewPassed(preview)).map((preview) => preview.name)
      throw new VsiError(`${failed.length} of ${result.templates.length} templates would not render as intended: ${failed.join(', ')}`, {
        code: 'template-render-failed',
        result,
      })
    }
    return result
  }
}

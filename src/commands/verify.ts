import {Args, Flags} from '@oclif/core'

import {VsiCommand} from '../cli/base-command.js'
import {kubeFlags, timeoutFlag, vaultFlags} from '../cli/flags.js'
import {stderrNotice} from '../cli/notice.js'
import {rolloutLines, showsSpinner, startProgress} from '../cli/progress.js'
import {usageError} from '../errors.js'
import {connectKube} from '../kube/client.js'
import {parseTargetRef} from '../kube/workload.js'
import {parseExpectations} from '../verify/expectations.js'
import {renderReport} from '../verify/report.js'
import {verifyFailed, verifyPods} from '../verify/run.js'
import type {SecretKeys} from '../verify/secret-keys.js'
import {withSpecKeys} from '../verify/spec-keys.js'
import type {KubeConfigOptions} from '../kube/config.js'
import type {VaultFlagValues} from '../vault/settings.js'
import type {SpecVerifyResult} from '../verify/apps.js'
import type {VerifyResult} from '../verify/types.js'

const CONCURRENCY = 8
/** -f checks the pods of every app at once: a cluster answers each exec in about the same time, whatever the count. */
const SPEC_CONCURRENCY = 64

export default class Verify extends VsiCommand<VerifyResult | SpecVerifyResult> {
  static override summary = 'Check that running pods received their Vault secrets (a CI smoke test).'

  static override description = [
    'Waits (up to --timeout) for the pods of a workload, a label selector or a single pod to be Ready, then checks each pod: injected by the Vault Agent Injector, vault-agent-init completed, vault-agent running, all containers ready, and every secret file its annotations render exists, is not empty and meets the --expect* flags (read with `cat` in the app container).',
    'Secret values are never printed: files are reported by size, line count and a sha256 prefix.',
    'Exit codes: 0 every check passed, 1 a check failed (or the cluster could not be used), 2 usage error.',
  ].join('\n\n')

  static override examples = [
    '<%= config.bin %> <%= command.id %> deployment/orgchart',
    '<%= config.bin %> <%= command.id %> deployment/orgchart --expect-keys database-config.txt=username,password --timeout 3m',
    '<%= config.bin %> <%= command.id %> -l app=orgchart -n apps --expect-match database-config.txt=^postgresql:// --json',
    '<%= config.bin %> <%= command.id %> orgchart-69697d9598-l878s --expect database-config.txt=@expected/database-config.txt',
    {description: 'Every workload of every app of a vsi.yaml, in one report (expected keys from the file):', command: '<%= config.bin %> <%= command.id %> -f vsi.yaml'},
  ]

  static override args = {
    target: Args.string({description: 'deployment/NAME, statefulset/NAME, daemonset/NAME, or a pod name (or use -l).'}),
  }

  static override flags = {
    file: Flags.string({char: 'f', description: 'Verify every workload of every app of this vsi.yaml (the keys it lists are expected).', exclusive: ['selector']}),
    app: Flags.string({description: 'With -f: only this app (repeatable).', multiple: true, dependsOn: ['file']}),
    selector: Flags.string({char: 'l', description: 'Verify the pods matching this label selector (e.g. app=orgchart).'}),
    container: Flags.string({char: 'c', description: 'Container to read the secret files in (default: the first that is not vault-agent).'}),
    expect: Flags.string({
      description: 'FILE=VALUE or FILE=@PATH: the rendered file must equal the value (a final newline is ignored). FILE is the secret name, file name or path. Repeatable.',
      multiple: true,
    }),
    'expect-keys': Flags.string({description: 'FILE=KEY1,KEY2: the rendered file must define these keys (JSON, key: value, KEY=value or Go map). Repeatable.', multiple: true}),
    'expect-match': Flags.string({description: 'FILE=REGEX: the rendered file must match this regular expression (multiline). Repeatable.', multiple: true}),
    'show-secrets': Flags.boolean({description: 'Add a masked preview of each file (its shape: only the first character of each word is shown).'}),
    concurrency: Flags.integer({description: `How many pods to check at once [default: ${CONCURRENCY}; with -f, ${SPEC_CONCURRENCY} across all apps].`, min: 1, max: 64}),
    timeout: timeoutFlag('Give up after this long (waiting for pods included), e.g. 90s, 5m.', '2m'),
    ...kubeFlags,
    ...vaultFlags,
  }

  async run(): Promise<VerifyResult | SpecVerifyResult> {
    const {args, flags} = await this.parse(Verify)
    if (flags.file) {
      if (args.target) throw usageError('give either -f vsi.yaml or a target, not both')
      return this.verifySpec(flags.file, flags)
    }
    if (args.target && flags.selector) throw usageError('give either a workload or pod name, or -l SELECTOR, not both')
    if (!args.target && !flags.selector) {
      throw usageError('nothing to verify: give deployment/NAME, statefulset/NAME, daemonset/NAME, a pod name, or -l SELECTOR')
    }
    const ref = args.target ? parseTargetRef(args.target) : undefined
    const expectations = parseExpectations(flags)
    const kube = (await connectKube(flags)).withSignal(AbortSignal.timeout(flags.timeout))
    const secretKeys = expectations.some((e) => e.kind === 'keys') ? await this.askVaultForKeys(flags) : undefined
    const progress = startProgress(`Verifying ${args.target ?? `-l ${flags.selector}`}`, {json: this.jsonEnabled()})
    let result: VerifyResult
    try {
      result = await verifyPods(kube, {
        secretKeys: secretKeys?.keys,
        ref,
        selector: flags.selector,
        namespace: flags.namespace ?? kube.namespace,
        container: flags.container,
        expectations,
        showSecrets: flags['show-secrets'],
        concurrency: flags.concurrency ?? CONCURRENCY,
        timeoutMs: flags.timeout,
        onProgress: (status) => progress.update(status),
        // On a terminal the spinner counts the new pods; elsewhere the wait prints kubectl's lines.
        countNewPods: showsSpinner({json: this.jsonEnabled()}),
        ...(this.jsonEnabled() || showsSpinner({json: false}) ? {} : {onRollout: rolloutLines()}),
      })
    } finally {
      progress.stop('done')
      await secretKeys?.close()
    }
    if (!this.jsonEnabled()) this.log(renderReport(result))
    if (!result.passed) throw verifyFailed(result)
    return result
  }

  /** Every workload of every app, verified together (src/verify/apps.ts). */
  private async verifySpec(file: string, flags: VaultFlagValues & KubeConfigOptions & {app?: string[]; concurrency?: number; timeout: number; container?: string; 'show-secrets': boolean}): Promise<SpecVerifyResult> {
    // Only -f needs the spec engine and the many-workload verifier: plain runs do not load them.
    const [{loadSpec}, {selectApps}, {appsVerifyFailed, renderAppsReport, verifyApps}] = await Promise.all([
      import('../setup/spec/file.js'),
      import('../setup/spec/open.js'),
      import('../verify/apps.js'),
    ])
    const apps = selectApps(await loadSpec(file), flags.app)
    const kube = (await connectKube(flags)).withSignal(AbortSignal.timeout(flags.timeout))
    const progress = startProgress(`Verifying ${file}`, {json: this.jsonEnabled()})
    let result: SpecVerifyResult
    try {
      // Go's map output (format: map) is read by each secret's own keys: one Vault session, opened while the pods are awaited.
      result = await withSpecKeys(apps, () => this.askVaultForKeys(flags, `${file}: keys`), (secretKeys) => verifyApps(kube, apps, {
        file, secretKeys,
        container: flags.container,
        showSecrets: flags['show-secrets'],
        concurrency: flags.concurrency ?? SPEC_CONCURRENCY,
        timeoutMs: flags.timeout,
        onProgress: (status) => progress.update(status),
      }))
    } finally {
      progress.stop('done')
    }
    if (!this.jsonEnabled()) this.log(renderAppsReport(result))
    if (!result.passed) throw appsVerifyFailed(result)
    return result
  }

  /**
   * --expect-keys reads Go's `map[…]` output by the secret's own keys when Vault can be asked (VAULT_ADDR, or found in
   * the cluster); otherwise by the expected keys alone, as the notice says.
   */
  private async askVaultForKeys(flags: VaultFlagValues & KubeConfigOptions, what = '--expect-keys'): Promise<{keys: SecretKeys; close(): Promise<void>} | undefined> {
    const notice = stderrNotice(this.jsonEnabled())
    const unavailable = (reason: string) => notice(`${what}: Vault could not be asked for the secrets' keys (${reason}); a rendered map is read by the expected keys alone`)
    // Loaded only for --expect-keys: the Vault client and the agent's secret reader are not small.
    const [{lazyKube}, {openVaultSession}, {secretKeysFrom}] = await Promise.all([import('../cli/connections.js'), import('../vault/session.js'), import('../verify/secret-keys.js')])
    try {
      const session = await openVaultSession({flags, kube: lazyKube(flags), notice})
      return {keys: secretKeysFrom(session.vault, unavailable), close: () => session.close()}
    } catch (error) {
      unavailable((error as Error).message)
      return undefined
    }
  }
}

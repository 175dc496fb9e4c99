import {Args, Flags} from '@oclif/core'

import {VsiCommand} from '../cli/base-command.js'
import {kubeFlags, timeoutFlag} from '../cli/flags.js'
import {startProgress} from '../cli/progress.js'
import {usageError} from '../errors.js'
import {connectKube} from '../kube/client.js'
import {parseTargetRef} from '../kube/workload.js'
import {parseExpectations} from '../verify/expectations.js'
import {renderReport} from '../verify/report.js'
import {verifyFailed, verifyPods} from '../verify/run.js'
import type {VerifyResult} from '../verify/types.js'

export default class Verify extends VsiCommand<VerifyResult> {
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
  ]

  static override args = {
    target: Args.string({description: 'deployment/NAME, statefulset/NAME, daemonset/NAME, or a pod name (or use -l).'}),
  }

  static override flags = {
    selector: Flags.string({char: 'l', description: 'Verify the pods matching this label selector (e.g. app=orgchart).'}),
    container: Flags.string({char: 'c', description: 'Container to read the secret files in (default: the first that is not vault-agent).'}),
    expect: Flags.string({
      description: 'FILE=VALUE or FILE=@PATH: the rendered file must equal the value (a final newline is ignored). FILE is the secret name, file name or path. Repeatable.',
      multiple: true,
    }),
    'expect-keys': Flags.string({description: 'FILE=KEY1,KEY2: the rendered file must define these keys (JSON, key: value, KEY=value or Go map). Repeatable.', multiple: true}),
    'expect-match': Flags.string({description: 'FILE=REGEX: the rendered file must match this regular expression (multiline). Repeatable.', multiple: true}),
    'show-secrets': Flags.boolean({description: 'Add a masked preview of each file (its shape: only the first character of each word is shown).'}),
    concurrency: Flags.integer({description: 'How many pods to check at once.', default: 8, min: 1, max: 64}),
    timeout: timeoutFlag('Give up after this long (waiting for pods included), e.g. 90s, 5m.', '2m'),
    ...kubeFlags,
  }

  async run(): Promise<VerifyResult> {
    const {args, flags} = await this.parse(Verify)
    if (args.target && flags.selector) throw usageError('give either a workload or pod name, or -l SELECTOR, not both')
    if (!args.target && !flags.selector) {
      throw usageError('nothing to verify: give deployment/NAME, statefulset/NAME, daemonset/NAME, a pod name, or -l SELECTOR')
    }
    const ref = args.target ? parseTargetRef(args.target) : undefined
    const expectations = parseExpectations(flags)
    const kube = (await connectKube(flags)).withSignal(AbortSignal.timeout(flags.timeout))
    const progress = startProgress(`Verifying ${args.target ?? `-l ${flags.selector}`}`, {json: this.jsonEnabled()})
    let result: VerifyResult
    try {
      result = await verifyPods(kube, {
        ref,
        selector: flags.selector,
        namespace: flags.namespace ?? kube.namespace,
        container: flags.container,
        expectations,
        showSecrets: flags['show-secrets'],
        concurrency: flags.concurrency,
        timeoutMs: flags.timeout,
        onProgress: (status) => progress.update(status),
      })
    } finally {
      progress.stop('done')
    }
    if (!this.jsonEnabled()) this.log(renderReport(result))
    if (!result.passed) throw verifyFailed(result)
    return result
  }
}

import {Args, Flags} from '@oclif/core'

import {VsiCommand} from '../cli/base-command.js'
import {lazyKube, withVaultSession} from '../cli/connections.js'
import {kubeFlags, vaultFlags} from '../cli/flags.js'
import {stderrNotice} from '../cli/notice.js'
import {ttlFlagSeconds} from '../duration.js'
import {usageError, VsiError} from '../errors.js'
import {canPrompt} from '../output/terminal.js'
import type {SetupInputs} from '../setup/inputs.js'
import {planSetup} from '../setup/plan.js'
import {askApp, askSecretPath, askSecretValues} from '../setup/prompts.js'
import {installArgs, offerInstall} from '../setup/offer-install.js'
import {formatAction, summaryLine, tally} from '../setup/render.js'
import {applySteps, inStepOrder, planned, type Action} from '../setup/steps.js'
import {locateVault, type VaultLocationChoice} from '../setup/location.js'
import {findVaultServerPod} from '../vault/discover.js'
import {trimSlashes} from '../vault/mounts.js'
import {checkAppName, checkPathSegments} from '../vault/names.js'
import {inlineValueWarning, readSecretAssignments, trailingNewlineWarning} from '../vault/secret-input.js'
import type {VaultConnectionInfo, VaultSession} from '../vault/session.js'

export interface SetupResult {
  dryRun: boolean
  vault: VaultConnectionInfo & {inCluster: boolean; /** Why vsi decided where Vault runs. */ location: string}
  namespace: string
  actions: Action[]
  /** Objects created or changed in this run (0 on a re-run of a finished setup, and with --dry-run). */
  writes: number
}

export default class Setup extends VsiCommand<SetupResult> {
  static override summary = 'Prepare Vault and the cluster for the Agent Injector: KV engine, Kubernetes auth, and optionally a secret, policy, role and service account.'

  static override description = `Idempotent: it reads what exists first, changes only what differs, and a re-run of a finished setup writes nothing.
Vault is reached as the vault CLI reaches it (VAULT_ADDR, VAULT_TOKEN, ~/.vault-token, VAULT_CACERT, …); with no VAULT_ADDR, vsi finds the Vault server pod in the cluster by the Helm chart's labels and port-forwards to it.
With --app, setup ends by logging in as the app's service account and reading the secret, to prove it works.`

  static override examples = [
    {description: 'The whole tutorial in one command (values from a file and stdin, not the command line):', command: '<%= config.bin %> <%= command.id %> --secret internal/database/config username=db-readonly-username password=@password.txt --app internal-app'},
    {description: 'Show what would be done, without writing:', command: '<%= config.bin %> <%= command.id %> --secret internal/database/config --app internal-app --dry-run'},
    {description: 'Only the KV engine and the Kubernetes auth method:', command: '<%= config.bin %> <%= command.id %>'},
  ]

  static override strict = false

  static override args = {
    data: Args.string({description: 'Secret data for --secret: key=value, key=@file or key=- (stdin); repeatable.'}),
  }

  static override flags = {
    'kv-path': Flags.string({description: 'Where the KV v2 secrets engine is (enabled if absent).', default: 'internal'}),
    'auth-path': Flags.string({description: 'Where the Kubernetes auth method is (enabled if absent).', default: 'kubernetes'}),
    secret: Flags.string({description: 'A secret to create (with key=value arguments) or keep, e.g. internal/database/config.'}),
    app: Flags.string({description: 'App name: creates a policy reading --secret, a role bound to the service account of this name, and the service account.'}),
    ttl: Flags.string({description: "Token TTL of the app's role.", default: '24h'}),
    audience: Flags.string({description: "Audience the app's role requires in service account tokens."}),
    'vault-location': Flags.string({
      description:
        'Where Vault runs (default: decided by comparing the cluster_id of the Vault at the address with that of the Vault server pod): in-cluster Vault reviews tokens with its own service account at the in-cluster API address.',
      options: ['in-cluster', 'external'],
    }),
    'vault-in-cluster': Flags.boolean({description: 'Same as --vault-location in-cluster.', hidden: true, exclusive: ['vault-location']}),
    'kubernetes-host': Flags.string({
      description: 'The API server address Vault calls for token reviews (default: https://kubernetes.default.svc:443 for Vault in the cluster, the kubeconfig server otherwise).',
    }),
    verify: Flags.boolean({description: 'Log in as the app and read the secret at the end (default: when something changed).', allowNo: true}),
    'dry-run': Flags.boolean({description: 'Print the plan (create / change / unchanged per item) and write nothing.'}),
    ...vaultFlags,
    ...kubeFlags,
  }

  async run(): Promise<SetupResult> {
    const {flags, argv} = await this.parse(Setup)
    const dryRun = flags['dry-run']
    const interactive = canPrompt() && !this.jsonEnabled()
    const local = await this.localInputs(flags, argv as string[], interactive)

    const kube = lazyKube(flags)
    // setup always needs the cluster: loading its client (the slowest import) overlaps with connecting to Vault.
    kube().catch(() => undefined)
    const work = async (session: VaultSession): Promise<SetupResult> => {
      const cluster = await kube()
      const override = flags['vault-in-cluster'] ? 'in-cluster' : (flags['vault-location'] as VaultLocationChoice | undefined)
      const location = await locateVault({vault: session.vault, kube: cluster, discovered: session.discovered, override, findPod: () => findVaultServerPod(cluster)})
      const inCluster = location.inCluster
      const inputs: SetupInputs = {...local, namespace: cluster.namespace, vaultInCluster: inCluster, verify: flags.verify}
      const vaultPod = location.pod
      this.log(`Vault ${inCluster ? 'runs in the cluster' : 'runs outside the cluster'}: ${location.reason}`)
      if (inCluster && !vaultPod) this.warn('could not find the Vault server pod to check that its service account may review tokens (system:auth-delegator)')

      const plan = await planSetup({vault: session.vault, kube: cluster, inputs, vaultPod})
      if (plan.secretNeedsValues && inputs.secret) {
        const {path} = inputs.secret
        if (!interactive) throw usageError(`the secret ${path} does not exist and no values were given`, `Add key=value arguments after --secret ${path} (or key=@file, key=-).`)
        if (!dryRun) inputs.secret.data = await askSecretValues(path)
      }
      const result = (actions: Action[]): SetupResult => ({
        dryRun,
        vault: {...session.info, inCluster, location: location.reason},
        namespace: inputs.namespace,
        actions,
        writes: dryRun ? 0 : tally(actions).writes,
      })

      if (dryRun) {
        const actions = plan.steps.map((step) => planned(step))
        for (const action of actions) this.log(formatAction(action))
        this.log(summaryLine(actions, true))
        return result(actions)
      }
      const actions = await applySteps(plan.steps, inStepOrder(plan.steps, (action) => this.log(formatAction(action))))
      this.log(summaryLine(actions, false))
      const failed = actions.find((action) => action.status === 'failed')
      if (failed) {
        throw new VsiError(`setup stopped: ${failed.target}: ${failed.detail}`, {
          code: failed.code ?? 'setup-failed',
          hint: failed.hint ?? 'Fix the cause and run vsi setup again; finished steps are kept.',
          result: result(actions),
        })
      }
      return result(actions)
    }
    try {
      return await withVaultSession(flags, stderrNotice(this.jsonEnabled()), work, kube)
    } catch (error) {
      // A fresh cluster: the tutorial starts with the Helm install, which vsi install does (after asking).
      if (!(error instanceof VsiError && error.code === 'vault-not-in-cluster' && interactive && !dryRun)) throw error
      if (!(await offerInstall(error.message))) throw error
      await this.config.runCommand('install', installArgs(flags))
      if (process.exitCode) throw new VsiError('vsi install did not finish, so setup did not start', {code: 'install-failed', hint: 'Fix what vsi install reported and run vsi setup again.'})
      return withVaultSession(flags, stderrNotice(this.jsonEnabled()), work, kube)
    }
  }

  /** Everything decided before contacting anything: paths, TTL, secret data, and the answers to prompts. */
  private async localInputs(
    flags: {'kv-path': string; 'auth-path': string; ttl: string; secret?: string; app?: string; audience?: string; 'kubernetes-host'?: string},
    dataArgs: string[],
    interactive: boolean,
  ): Promise<Pick<SetupInputs, 'kvPath' | 'authPath' | 'secret' | 'app' | 'kubernetesHost'>> {
    const kvPath = trimSlashes(flags['kv-path'])
    const authPath = trimSlashes(flags['auth-path'])
    if (kvPath === '') throw usageError('--kv-path is empty')
    if (authPath === '') throw usageError('--auth-path is empty')
    checkPathSegments(kvPath, '--kv-path')
    checkPathSegments(authPath, '--auth-path')
    if (flags.secret !== undefined) checkPathSegments(flags.secret, '--secret')
    if (flags.app !== undefined) checkAppName(flags.app, '--app')
    const kubernetesHost = flags['kubernetes-host'] === undefined ? undefined : parseKubernetesHost(flags['kubernetes-host'])
    const ttlSeconds = ttlFlagSeconds(flags.ttl)
    if (dataArgs.length > 0 && !flags.secret) throw usageError('key=value arguments need --secret PATH')
    const secretInput = dataArgs.length > 0 ? await readSecretAssignments(dataArgs) : undefined
    if (secretInput && secretInput.inlineKeys.length > 0) this.warn(inlineValueWarning(secretInput.inlineKeys))
    if (secretInput && secretInput.newlineKeys.length > 0) this.warn(trailingNewlineWarning(secretInput.newlineKeys))

    let secretPath = flags.secret === undefined ? undefined : trimSlashes(flags.secret)
    let app = flags.app
    if (interactive && secretPath === undefined) {
      // The tutorial's parts the flags left out: the secret, then (unless given) the app that reads it.
      secretPath = await askSecretPath(kvPath)
      if (secretPath !== undefined && app === undefined) app = await askApp()
      if (secretPath !== undefined) checkPathSegments(secretPath, 'the secret path')
      if (app !== undefined) checkAppName(app, 'the app name')
    }
    if (app !== undefined && secretPath === undefined) throw usageError('--app needs --secret: the path its policy may read', 'e.g. --secret internal/database/config')
    if (secretPath !== undefined && !secretPath.startsWith(`${kvPath}/`)) {
      throw usageError(`--secret ${secretPath} is not under --kv-path ${kvPath}/`, `Use a path such as ${kvPath}/database/config, or set --kv-path.`)
    }
    return {
      kvPath,
      authPath,
      secret: secretPath === undefined ? undefined : {path: secretPath, data: secretInput?.data},
      app: app === undefined ? undefined : {name: app, ttlSeconds, audience: flags.audience},
      kubernetesHost,
    }
  }
}

function parseKubernetesHost(raw: string): string {
  let url: URL | undefined
  try {
    url = new URL(raw)
  } catch {
    url = undefined
  }
  if (!url || !['https:', 'http:'].includes(url.protocol) || url.hostname === '') {
    throw usageError(`--kubernetes-host ${JSON.stringify(raw)} is not a URL`, 'Give the API server address as Vault reaches it, e.g. https://kubernetes.default.svc:443 or https://192.168.49.2:8443.')
  }
  return raw.replace(/\/+$/, '')
}

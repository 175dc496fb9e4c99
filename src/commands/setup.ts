import {Args, Flags} from '@oclif/core'

import {VsiCommand} from '../cli/base-command.js'
import {lazyKube, withVaultSession} from '../cli/connections.js'
import {kubeFlags, vaultFlags} from '../cli/flags.js'
import {stderrNotice} from '../cli/notice.js'
import {ttlFlagSeconds} from '../duration.js'
import {usageError, VsiError} from '../errors.js'
import {canPrompt} from '../output/terminal.js'
import {dataArgsBySecret} from '../setup/data-args.js'
import {setupAction, setupSpec, setupSteps, type SetupRequest} from '../setup/one-app.js'
import {askApp, askSecretPath, askSecretValues} from '../setup/prompts.js'
import {installArgs, offerInstall} from '../setup/offer-install.js'
import {formatAction, summaryLine, tally} from '../setup/render.js'
import {readCurrent, type EngineContext} from '../setup/spec/current.js'
import {checkMountTypes, planApply} from '../setup/spec/plan.js'
import {applySteps, inStepOrder, planned, type Action} from '../setup/steps.js'
import {locateVault, type VaultLocationChoice} from '../setup/location.js'
import {findVaultServerPod} from '../vault/discover.js'
import {trimSlashes} from '../vault/mounts.js'
import {checkAppName, checkPathSegments} from '../vault/names.js'
import {inlineValueWarning, readPipedValue, readSecretAssignments, trailingNewlineWarning} from '../vault/secret-input.js'
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
With --app, setup ends by logging in as the app's service account and reading the secret, to prove it works.
It is the one-app shortcut of vsi apply -f vsi.yaml: the same plan and apply, from flags (nothing it creates is marked as vsi's, so vsi destroy leaves it).`

  static override examples = [
    {description: 'The whole tutorial in one command (values from a file and stdin, not the command line):', command: '<%= config.bin %> <%= command.id %> --secret internal/database/config username=db-readonly-username password=@password.txt --app internal-app'},
    {description: 'Show what would be done, without writing:', command: '<%= config.bin %> <%= command.id %> --secret internal/database/config --app internal-app --dry-run'},
    {
      description: 'Several secrets for one app, each followed by its values:',
      command: '<%= config.bin %> <%= command.id %> --secret internal/database/config password=@password.txt --secret internal/api/key key=@key.txt --app internal-app',
    },
    {description: 'Only the KV engine and the Kubernetes auth method:', command: '<%= config.bin %> <%= command.id %>'},
  ]

  static override strict = false

  static override args = {
    data: Args.string({description: 'Secret data for the --secret before it: key=value, key=@file or key=- (stdin); repeatable.'}),
  }

  static override flags = {
    'kv-path': Flags.string({description: 'Where the KV v2 secrets engine is (enabled if absent).', default: 'internal'}),
    'auth-path': Flags.string({description: 'Where the Kubernetes auth method is (enabled if absent).', default: 'kubernetes'}),
    secret: Flags.string({
      description: 'A secret to create (with key=value arguments after it) or keep, e.g. internal/database/config; repeatable.',
      multiple: true,
      multipleNonGreedy: true,
    }),
    app: Flags.string({description: 'App name: creates a policy reading the --secret paths, a role bound to the service account of this name, and the service account.'}),
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
    const request = await this.request(flags, argv as string[], interactive)

    const kube = lazyKube(flags)
    // setup always needs the cluster: loading its client (the slowest import) overlaps with connecting to Vault.
    kube().catch(() => undefined)
    const work = async (session: VaultSession): Promise<SetupResult> => {
      const cluster = await kube()
      const override = flags['vault-in-cluster'] ? 'in-cluster' : (flags['vault-location'] as VaultLocationChoice | undefined)
      const location = await locateVault({vault: session.vault, kube: cluster, discovered: session.discovered, override, findPod: () => findVaultServerPod(cluster)})
      const inCluster = location.inCluster
      const vaultPod = location.pod
      this.log(`Vault ${inCluster ? 'runs in the cluster' : 'runs outside the cluster'}: ${location.reason}`)
      if (inCluster && !vaultPod) this.warn('could not find the Vault server pod to check that its service account may review tokens (system:auth-delegator)')

      // The same engine as vsi apply -f vsi.yaml, on a spec made from the flags.
      const {spec, apps, secrets, data} = setupSpec(request, cluster.namespace)
      const context: EngineContext = {vault: session.vault, kube: cluster, spec, apps, vaultInCluster: inCluster, vaultPod, kubernetesHost: request.kubernetesHost, markOwnership: false}
      const current = await readCurrent(context)
      checkMountTypes(context, current)
      for (const [index, secret] of secrets.entries()) {
        if (data.has(secret) || current.secrets.get(secret.path)) continue
        if (!interactive) throw usageError(`the secret ${secret.path} does not exist and no values were given`, `Add key=value arguments after --secret ${secret.path} (or key=@file, key=-).`)
        if (!dryRun) data.set(secrets[index], await askSecretValues(secret.path))
      }
      const plan = planApply(context, current, {data, verify: flags.verify, timeoutMs: 0, wait: false, warn: (message) => this.warn(message)})
      const steps = setupSteps(plan)
      const present = (action: Action) => setupAction(action, request)
      const result = (actions: Action[]): SetupResult => ({
        dryRun,
        vault: {...session.info, inCluster, location: location.reason},
        namespace: cluster.namespace,
        actions,
        writes: dryRun ? 0 : tally(actions).writes,
      })

      if (dryRun) {
        const actions = steps.map((step) => present(planned(step)))
        for (const action of actions) this.log(formatAction(action))
        this.log(summaryLine(actions, true))
        return result(actions)
      }
      const actions = (await applySteps(steps, inStepOrder(steps, (action) => this.log(formatAction(present(action)))))).map(present)
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
  private async request(
    flags: {'kv-path': string; 'auth-path': string; ttl: string; secret?: string[]; app?: string; audience?: string; 'kubernetes-host'?: string},
    dataArgs: string[],
    interactive: boolean,
  ): Promise<SetupRequest> {
    const kvPath = trimSlashes(flags['kv-path'])
    const authPath = trimSlashes(flags['auth-path'])
    if (kvPath === '') throw usageError('--kv-path is empty')
    if (authPath === '') throw usageError('--auth-path is empty')
    checkPathSegments(kvPath, '--kv-path')
    checkPathSegments(authPath, '--auth-path')
    for (const secret of flags.secret ?? []) checkPathSegments(secret, '--secret')
    if (flags.app !== undefined) checkAppName(flags.app, '--app')
    const kubernetesHost = flags['kubernetes-host'] === undefined ? undefined : parseKubernetesHost(flags['kubernetes-host'])
    const ttlSeconds = ttlFlagSeconds(flags.ttl)
    if (dataArgs.length > 0 && !flags.secret) throw usageError('key=value arguments need --secret PATH')
    const paths = (flags.secret ?? []).map((path) => trimSlashes(path))
    const repeated = paths.find((path, index) => paths.indexOf(path) !== index)
    if (repeated) throw usageError(`--secret ${repeated} is given twice`, 'Give each secret once, with all its key=value arguments after it.')
    const groups = dataArgsBySecret(this.argv, dataArgs, paths.length, (flag) => this.flagTakesValue(flag))
    // One stdin for every secret: only one key may read it.
    let stdinRead = false
    const readStdinOnce = () => {
      if (stdinRead) throw usageError('only one key can read stdin ("-"), across all --secret')
      stdinRead = true
      return readPipedValue()
    }
    const values: Array<Record<string, string> | undefined> = []
    for (const group of groups) {
      const input = group.length > 0 ? await readSecretAssignments(group, readStdinOnce) : undefined
      if (input && input.inlineKeys.length > 0) this.warn(inlineValueWarning(input.inlineKeys))
      if (input && input.newlineKeys.length > 0) this.warn(trailingNewlineWarning(input.newlineKeys))
      values.push(input?.data)
    }

    let app = flags.app
    if (interactive && paths.length === 0) {
      // The tutorial's parts the flags left out: the secret, then (unless given) the app that reads it.
      const asked = await askSecretPath(kvPath)
      if (asked !== undefined) {
        checkPathSegments(asked, 'the secret path')
        paths.push(trimSlashes(asked))
        if (app === undefined) app = await askApp()
      }
      if (app !== undefined) checkAppName(app, 'the app name')
    }
    if (app !== undefined && paths.length === 0) throw usageError('--app needs --secret: the path its policy may read', 'e.g. --secret internal/database/config')
    const outside = paths.find((path) => !path.startsWith(`${kvPath}/`))
    if (outside !== undefined) throw usageError(`--secret ${outside} is not under --kv-path ${kvPath}/`, `Use a path such as ${kvPath}/database/config, or set --kv-path.`)
    return {
      kvPath,
      authPath,
      secrets: paths.map((path, index) => ({path, data: values[index]})),
      app: app === undefined ? undefined : {name: app, ttlSeconds, audience: flags.audience},
      kubernetesHost,
    }
  }

  /** Whether a flag token (`--ttl`, `-n`, `--no-verify`) takes the next argument as its value. */
  private flagTakesValue(token: string): boolean {
    const all = {...Setup.baseFlags, ...Setup.flags} as Record<string, {type: string; char?: string}>
    const name = token.startsWith('--') ? token.slice(2) : undefined
    const flag = name === undefined ? Object.values(all).find((f) => `-${f.char}` === token) : all[name]
    return flag?.type === 'option'
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

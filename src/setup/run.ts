/**
 * `vsi setup` as a whole: finds where Vault runs, plans the one-app spec its flags make with the vsi.yaml engine,
 * asks for missing secret values on a terminal, applies (or with --dry-run prints) the steps, and on a cluster without
 * Vault offers `vsi install` first. The Vault session, the cluster and the output streams are lent by the command.
 */
import {usageError, VsiError} from '../errors.js'
import type {KubeClient} from '../kube/client.js'
import {findVaultServerPod} from '../vault/discover.js'
import type {VaultConnectionInfo, VaultSession} from '../vault/session.js'
import {type VaultLocationChoice, locateVault} from './location.js'
import {installArgs, offerInstall} from './offer-install.js'
import {setupAction, setupSpec, setupSteps} from './one-app.js'
import {askSecretValues} from './prompts.js'
import {formatAction, summaryLine, tally} from './render.js'
import {type CommandLine, type SetupRequestFlags, setupRequest} from './request.js'
import {type EngineContext, readCurrent} from './spec/current.js'
import {checkMountTypes, planApply} from './spec/plan.js'
import {type Action, applySteps, inStepOrder, planned} from './steps.js'

export interface SetupResult {
  dryRun: boolean
  vault: VaultConnectionInfo & {inCluster: boolean; /** Why vsi decided where Vault runs. */ location: string}
  namespace: string
  actions: Action[]
  /** Objects created or changed in this run (0 on a re-run of a finished setup, and with --dry-run). */
  writes: number
}

export interface SetupFlags extends SetupRequestFlags {
  'dry-run': boolean
  verify?: boolean
  'vault-location'?: string
  'vault-in-cluster': boolean
  kubeconfig?: string
  context?: string
  namespace?: string
}

export interface SetupIo {
  /** Prompts are allowed (a terminal, no --json, no CI). */
  interactive: boolean
  commandLine: CommandLine
  log(text: string): void
  warn(message: string): void
  /** The cluster, connected on first use. */
  kube(): Promise<KubeClient>
  /** Runs `work` with a Vault session (VAULT_ADDR, or Vault found in the cluster), closed after. */
  withVault<T>(work: (session: VaultSession) => Promise<T>): Promise<T>
  /** Runs another vsi command (`vsi install`); a non-zero process.exitCode after it says it failed. */
  runCommand(id: string, argv: string[]): Promise<unknown>
}

export async function runSetup(flags: SetupFlags, dataArgs: string[], io: SetupIo): Promise<SetupResult> {
  const dryRun = flags['dry-run']
  const {interactive} = io
  const request = await setupRequest(flags, dataArgs, {commandLine: io.commandLine, interactive, warn: (message) => io.warn(message)})

  // setup always needs the cluster: loading its client (the slowest import) overlaps with connecting to Vault.
  io.kube().catch(() => undefined)
  const work = async (session: VaultSession): Promise<SetupResult> => {
    const cluster = await io.kube()
    const override = flags['vault-in-cluster'] ? 'in-cluster' : (flags['vault-location'] as VaultLocationChoice | undefined)
    const location = await locateVault({vault: session.vault, kube: cluster, discovered: session.discovered, override, findPod: () => findVaultServerPod(cluster)})
    const inCluster = location.inCluster
    const vaultPod = location.pod
    io.log(`Vault ${inCluster ? 'runs in the cluster' : 'runs outside the cluster'}: ${location.reason}`)
    if (inCluster && !vaultPod) io.warn('could not find the Vault server pod to check that its service account may review tokens (system:auth-delegator)')

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
    const plan = planApply(context, current, {data, verify: flags.verify, timeoutMs: 0, wait: false, warn: (message) => io.warn(message)})
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
      for (const action of actions) io.log(formatAction(action))
      io.log(summaryLine(actions, true))
      return result(actions)
    }
    const actions = (await applySteps(steps, inStepOrder(steps, (action) => io.log(formatAction(present(action)))))).map(present)
    io.log(summaryLine(actions, false))
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
    return await io.withVault(work)
  } catch (error) {
    // A fresh cluster: the tutorial starts with the Helm install, which vsi install does (after asking).
    if (!(error instanceof VsiError && error.code === 'vault-not-in-cluster' && interactive && !dryRun)) throw error
    if (!(await offerInstall(error.message))) throw error
    await io.runCommand('install', installArgs(flags))
    if (process.exitCode) throw new VsiError('vsi install did not finish, so setup did not start', {code: 'install-failed', hint: 'Fix what vsi install reported and run vsi setup again.'})
    return io.withVault(work)
  }
}

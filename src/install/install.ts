/**
 * `vsi install`: the tutorial's first steps. Helm installs the chart (dev-mode Vault server + Agent Injector);
 * vsi checks what Helm needs, skips the upgrade when the release already has what was asked, and waits for the
 * pods the rest of vsi relies on.
 */
import type {KubeClient} from '../kube/client.js'
import {formatCommandLine, type RunOptions} from '../exec/run.js'
import {
  chartVersion,
  checkHelmVersion,
  findRelease,
  HELM,
  helmRunner,
  RELEASE,
  releaseValues,
  repoAddArgs,
  repoUpdateArgs,
  upgradeInstallArgs,
  type HelmRun,
  type ReleaseInfo,
  type UpgradeOptions,
} from './helm.js'
import {localClusterKind} from './local-cluster.js'
import {desiredValues, sameValues} from './values.js'
import {waitUntilReady, type Readiness} from './wait.js'

/** What makes it the tutorial's install: a dev-mode server and the injector. The user's --set come after and win. */
export const DEV_MODE_VALUES = ['server.dev.enabled=true', 'injector.enabled=true']

/** What `helm upgrade --install` gets (its --set are the user's here), plus how long to wait for the pods. */
export interface InstallRequest extends UpgradeOptions {
  timeoutMs: number
  wait: boolean
}

export interface InstallResult {
  release: string
  namespace: string
  context?: string
  /** `vault-0.34.1` after the run. */
  chart?: string
  appVersion?: string
  revision?: string
  /** false on a re-run that found the release as asked. */
  changed: boolean
  dryRun: boolean
  /** The Helm commands run (or, with --dry-run, that would run). */
  commands: string[]
  /** The local distribution the context looks like; undefined means it looks shared (dev mode warning). */
  localCluster?: string
  helmVersion?: string
  ready?: Readiness
}

export interface InstallHooks {
  /** A step starts (`helm repo update`, `waiting for pods`, …). */
  step(message: string): void
  progress(readiness: Readiness): void
  warn(message: string): void
  /** Helm's own output lines, when the user asked to see them (--debug). */
  helmOutput?: RunOptions['onLine']
  signal?: AbortSignal
}

export function installCommands(request: InstallRequest): string[][] {
  return [repoAddArgs(), repoUpdateArgs(), upgradeInstallArgs({...request, set: [...DEV_MODE_VALUES, ...request.set]})]
}

export function dryRunInstall(kube: Pick<KubeClient, 'context' | 'server'>, request: InstallRequest): InstallResult {
  return {
    release: RELEASE,
    namespace: request.namespace,
    context: kube.context,
    changed: false,
    dryRun: true,
    commands: installCommands(request).map((args) => formatCommandLine(HELM, args)),
    localCluster: localClusterKind(kube.context),
  }
}

export async function installVault(kube: KubeClient, request: InstallRequest, hooks: InstallHooks): Promise<InstallResult> {
  // A reachable cluster first: helm's own message for an unreachable one is long and ambiguous.
  hooks.step(`checking the cluster${kube.context ? ` (context ${kube.context})` : ''}`)
  await (hooks.signal ? kube.withSignal(hooks.signal) : kube).findNamespace(request.namespace)
  const localCluster = localClusterKind(kube.context)
  if (!localCluster) {
    hooks.warn(`context ${kube.context ?? '(none)'} (${kube.server}) does not look like a local cluster (minikube, kind, k3d, Docker Desktop): Vault's dev mode keeps secrets in memory with the root token "root" and is for development only`)
  }
  const helm = helmRunner(hooks.signal, hooks.helmOutput)
  hooks.step('checking helm')
  const helmVersion = await checkHelmVersion(helm)

  const [addArgs, updateArgs, upgradeArgs] = installCommands(request)
  const commands: string[] = []
  const run = async (args: string[]) => {
    hooks.step(formatCommandLine(HELM, args))
    commands.push(formatCommandLine(HELM, args))
    return helm(args)
  }
  await run(addArgs)
  await run(updateArgs)

  const cluster = {namespace: request.namespace, kubeContext: request.kubeContext, kubeconfig: request.kubeconfig}
  const current = await findRelease(helm, cluster)
  const unchanged = current !== undefined && (await releaseAsAsked(helm, current, request, cluster))
  if (!unchanged) await run(upgradeArgs)
  const release = unchanged ? current : await findRelease(helm, cluster)

  const result: InstallResult = {
    release: RELEASE,
    namespace: request.namespace,
    context: kube.context,
    chart: release?.chart,
    appVersion: release?.app_version,
    revision: release?.revision,
    changed: !unchanged,
    dryRun: false,
    commands,
    localCluster,
    helmVersion,
  }
  if (!request.wait) return result
  hooks.step('waiting for the Vault server and the injector')
  result.ready = await waitUntilReady(kube, {namespace: request.namespace, timeoutMs: request.timeoutMs, signal: hooks.signal, onProgress: hooks.progress})
  return result
}

/** A deployed release of the chart version asked for, with exactly the values asked for: nothing to upgrade. */
async function releaseAsAsked(
  helm: HelmRun,
  release: ReleaseInfo,
  request: InstallRequest,
  cluster: {namespace: string; kubeContext?: string; kubeconfig?: string},
): Promise<boolean> {
  if (release.status !== 'deployed') return false
  const version = await chartVersion(helm, request.version)
  if (!version || release.chart !== `vault-${version}`) return false
  const wanted = await desiredValues(request.valuesFiles, [...DEV_MODE_VALUES, ...request.set])
  return wanted !== undefined && sameValues(wanted, await releaseValues(helm, cluster))
}

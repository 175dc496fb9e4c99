/**
 * The Helm commands vsi runs, as argument arrays for the runner. Output formats are Helm 3's `-o json`
 * (helm/helm cmd/helm/list.go, search_repo.go, get_values.go).
 */
import {VsiError} from '../errors.js'
import {runCommand, type RunOptions, type RunResult} from '../exec/run.js'

export const HELM = 'helm'
export const REPO_NAME = 'hashicorp'
export const REPO_URL = 'https://helm.releases.hashicorp.com'
export const CHART = `${REPO_NAME}/vault`
export const RELEASE = 'vault'

export interface HelmRun {
  (args: string[], options?: Pick<RunOptions, 'allowFailure' | 'onLine'>): Promise<RunResult>
}

/** A runner bound to `helm`, with the abort signal and the install hint every call shares. */
export function helmRunner(signal: AbortSignal | undefined, onLine?: RunOptions['onLine']): HelmRun {
  return (args, options = {}) => runCommand(HELM, args, {signal, onLine, missingHint: installHelmHint(), ...options})
}

/** The install command helm.sh/docs/intro/install documents for this platform. */
export function installHelmHint(platform: NodeJS.Platform = process.platform): string {
  const command: Partial<Record<NodeJS.Platform, string>> = {
    darwin: 'brew install helm',
    win32: 'winget install Helm.Helm',
    linux: 'sudo snap install helm --classic',
  }
  const how = command[platform] ?? 'see https://helm.sh/docs/intro/install/'
  return `Install Helm 3 or later (${how}; other ways: https://helm.sh/docs/intro/install/), then run the command again.`
}

/** `helm version --short` prints `v3.16.3+gcfd0749` (Helm 2 printed `Client: v2.17.0+ga690bad`). */
export async function checkHelmVersion(helm: HelmRun): Promise<string> {
  const {stdout} = await helm(['version', '--short'])
  const match = /v(\d+)\.(\d+)\.(\d+)\S*/.exec(stdout)
  if (!match) throw new VsiError(`could not read the Helm version from "helm version --short": ${JSON.stringify(stdout.trim())}`, {code: 'helm-version', hint: installHelmHint()})
  if (Number(match[1]) < 3) {
    throw new VsiError(`helm ${match[0]} is too old: vsi needs Helm 3 or later`, {code: 'helm-version', hint: installHelmHint()})
  }
  return match[0]
}

export const repoAddArgs = (): string[] => ['repo', 'add', REPO_NAME, REPO_URL]
export const repoUpdateArgs = (): string[] => ['repo', 'update', REPO_NAME]

export interface UpgradeOptions {
  namespace: string
  version?: string
  /** vsi's own values first, then the user's: Helm lets the last --set win. */
  set: string[]
  valuesFiles: string[]
  kubeContext?: string
  kubeconfig?: string
}

/** Global flags so helm talks to the same cluster and context as vsi. */
export function clusterArgs(options: {kubeContext?: string; kubeconfig?: string; namespace: string}): string[] {
  return [
    '--namespace',
    options.namespace,
    ...(options.kubeContext ? ['--kube-context', options.kubeContext] : []),
    ...(options.kubeconfig ? ['--kubeconfig', options.kubeconfig] : []),
  ]
}

export function upgradeInstallArgs(options: UpgradeOptions): string[] {
  return [
    'upgrade',
    '--install',
    RELEASE,
    CHART,
    ...clusterArgs(options),
    '--create-namespace',
    ...(options.version ? ['--version', options.version] : []),
    ...options.valuesFiles.flatMap((file) => ['--values', file]),
    ...options.set.flatMap((value) => ['--set', value]),
  ]
}

export function uninstallArgs(options: {namespace: string; kubeContext?: string; kubeconfig?: string}): string[] {
  return ['uninstall', RELEASE, ...clusterArgs(options)]
}

export interface ReleaseInfo {
  name: string
  namespace: string
  revision: string
  status: string
  /** e.g. `vault-0.34.1` */
  chart: string
  app_version?: string
}

/** The release named `vault` in the namespace, in any state (`--all`: failed and pending ones too). */
export async function findRelease(helm: HelmRun, cluster: {namespace: string; kubeContext?: string; kubeconfig?: string}): Promise<ReleaseInfo | undefined> {
  const {stdout} = await helm(['list', '--all', '--filter', `^${RELEASE}$`, '--output', 'json', ...clusterArgs(cluster)])
  const releases = parseJson<ReleaseInfo[]>(stdout, 'helm list') ?? []
  return releases.find((release) => release.name === RELEASE)
}

/** The values the user supplied to the release (`helm get values`: null when none). */
export async function releaseValues(helm: HelmRun, cluster: {namespace: string; kubeContext?: string; kubeconfig?: string}): Promise<Record<string, unknown>> {
  const {stdout} = await helm(['get', 'values', RELEASE, '--output', 'json', ...clusterArgs(cluster)])
  return parseJson<Record<string, unknown> | null>(stdout, 'helm get values') ?? {}
}

/** The chart version `helm upgrade` would install: --version, else the newest in the repository. */
export async function chartVersion(helm: HelmRun, version: string | undefined): Promise<string | undefined> {
  const {stdout} = await helm(['search', 'repo', CHART, '--output', 'json', ...(version ? ['--version', version] : [])])
  const charts = parseJson<Array<{name: string; version: string}>>(stdout, 'helm search repo') ?? []
  return charts.find((chart) => chart.name === CHART)?.version
}

function parseJson<T>(text: string, what: string): T | undefined {
  if (text.trim() === '') return undefined
  try {
    return JSON.parse(text) as T
  } catch {
    throw new VsiError(`${what} printed something other than JSON: ${JSON.stringify(text.slice(0, 200))}`, {code: 'helm-output'})
  }
}

/**
 * What every `-f vsi.yaml` command does before its own work: the file is read, validated and its data sources
 * resolved (exit 2 before anything is contacted), then Vault and the cluster are connected and the live state read.
 */
import path from 'node:path'

import {usageError} from '../../errors.js'
import type {KubeClient} from '../../kube/client.js'
import {findVaultServerPod} from '../../vault/discover.js'
import {locateVault, type VaultLocationChoice} from '../location.js'
import {openVaultSession, type VaultConnectionInfo} from '../../vault/session.js'
import type {VaultFlagValues} from '../../vault/settings.js'
import {readCurrent, type CurrentState, type EngineContext} from './current.js'
import {resolveData, type ResolvedData} from './data.js'
import {loadSpec, type AppSpec, type Spec} from './file.js'

export interface OpenOptions {
  file: string
  /** --app: only these apps. */
  apps?: string[]
  flags: VaultFlagValues & {'vault-in-cluster'?: boolean; 'vault-location'?: string}
  /** The cluster, connected on first use (the command owns the connection). */
  kube: () => Promise<KubeClient>
  /** Resolve `data:` sources (apply and plan; destroy never writes secrets). */
  withData: boolean
  interactive: boolean
  notice: (line: string) => void
  warn: (message: string) => void
}

/** Where Vault runs and why (the same evidence as `vsi setup`: see ../location.ts). */
export type SpecVault = VaultConnectionInfo & {inCluster: boolean; location: string}

export interface Opened {
  context: EngineContext
  current: CurrentState
  data: ResolvedData
  vault: SpecVault
}

/** What plan, apply and destroy return besides their report: the file and where Vault ran. */
export interface SpecRun {
  file: string
  vault: SpecVault
}

export function selectApps(spec: Spec, names: string[] | undefined): AppSpec[] {
  if (!names?.length) return spec.apps
  const unknown = names.filter((name) => !spec.apps.some((app) => app.name === name))
  if (unknown.length > 0) throw usageError(`--app ${unknown.join(', ')}: not in ${spec.file}`, `Apps in the file: ${spec.apps.map((app) => app.name).join(', ')}.`)
  return spec.apps.filter((app) => names.includes(app.name))
}

async function ask(label: string): Promise<string> {
  const {password} = await import('@inquirer/prompts')
  return password({message: label, mask: '*'})
}

export async function withSpec<T>(options: OpenOptions, work: (opened: Opened) => Promise<T>): Promise<T> {
  const spec = await loadSpec(options.file)
  const apps = selectApps(spec, options.apps)
  const data = options.withData
    ? await resolveData(spec, apps, {dir: path.dirname(path.resolve(options.file)), env: process.env, interactive: options.interactive, ask})
    : new Map()
  const {kube} = options
  // The cluster is always needed: loading its client (the slowest import) overlaps with connecting to Vault.
  kube().catch(() => undefined)
  const session = await openVaultSession({flags: options.flags, kube, notice: options.notice})
  try {
    const cluster = await kube()
    const override = options.flags['vault-in-cluster'] ? 'in-cluster' : (options.flags['vault-location'] as VaultLocationChoice | undefined)
    const location = await locateVault({vault: session.vault, kube: cluster, discovered: session.discovered, override, findPod: () => findVaultServerPod(cluster)})
    const {inCluster, pod: vaultPod} = location
    options.notice(`Vault ${inCluster ? 'runs in the cluster' : 'runs outside the cluster'}: ${location.reason}`)
    if (inCluster && !vaultPod) options.warn('could not find the Vault server pod to check that its service account may review tokens (system:auth-delegator)')
    const context: EngineContext = {
      vault: session.vault,
      kube: cluster,
      spec,
      apps: apps.map((app) => ({...app, namespace: app.namespace ?? cluster.namespace})),
      vaultInCluster: inCluster,
      vaultPod,
      markOwnership: true,
    }
    const current = await readCurrent(context)
    return await work({context, current, data, vault: {...session.info, inCluster, location: location.reason}})
  } finally {
    await session.close()
  }
}

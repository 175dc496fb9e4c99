import {execa} from 'execa'
import {mkdirSync, mkdtempSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {parseTemplate, renderTemplate} from '../../src/go-template/index.js'
import {startKubeEmulator, type KubeEmulator} from '../emulators/kube/index.js'
import {startVaultEmulator, type VaultEmulator} from '../emulators/vault/index.js'
import {projectRoot} from './cli.js'

const HELM_DOUBLE = path.join(projectRoot, 'test/helm-double/helm.mjs')

export interface HelmWorld {
  kube: KubeEmulator
  /** With `{vault: true}`: the dev-mode Vault that answers as vault-0 once the chart has created it. */
  vault?: VaultEmulator
  kubeconfig: string
  /** PATH, KUBECONFIG and a fresh HOME (Helm's repositories file) for runVsi; `helm: false` leaves helm off the PATH. */
  env(options?: {helm?: boolean; extra?: Record<string, string>}): Record<string, string>
  /**
   * Installs the chart as an operator would with helm itself (`helm repo add`, then `helm upgrade --install` with the
   * values `vsi install` passes): the arrangement of tests about re-runs and uninstall, in 2 helm processes instead
   * of a whole `vsi install` (6 to 8). Resolves once the emulated controllers have acted on the objects.
   */
  helmInstall(set?: string[]): Promise<void>
  /** Every object in the cluster as `kind namespace/name`, events aside: to compare before and after. */
  snapshot(): string[]
  stop(): Promise<void>
}

const KINDS = ['namespaces', 'serviceaccounts', 'secrets', 'configmaps', 'services', 'endpoints', 'pods', 'deployments', 'replicasets', 'statefulsets', 'controllerrevisions', 'clusterroles', 'clusterrolebindings', 'mutatingwebhookconfigurations', 'persistentvolumeclaims', 'endpointslices']

/** A cluster with no Vault (`npm run emulators -- --empty`) and the helm test double on the PATH. */
export async function startHelmWorld(options: {vault?: boolean} = {}): Promise<HelmWorld> {
  // As `npm run emulators` does: the emulated agent renders custom templates with vsi's port of consul-template.
  const kube = await startKubeEmulator({preset: 'empty', render: (template, secret, {leftDelim, rightDelim, errorOnMissingKey}) =>
      renderTemplate(parseTemplate(template, {leftDelim, rightDelim}), {secret, missingKey: errorOnMissingKey ? 'error' : 'zero'})})
  const vault = options.vault ? await attachVault(kube) : undefined
  const dir = mkdtempSync(path.join(tmpdir(), 'vsi-helm-'))
  const kubeconfig = path.join(dir, 'kubeconfig')
  kube.writeKubeconfig(kubeconfig)
  const withHelm = path.join(dir, 'bin')
  const withoutHelm = path.join(dir, 'empty-bin')
  mkdirSync(withHelm)
  mkdirSync(withoutHelm)
  symlinkSync(HELM_DOUBLE, path.join(withHelm, 'helm'))
  symlinkSync(process.execPath, path.join(withoutHelm, 'node'))
  const home = mkdtempSync(path.join(tmpdir(), 'vsi-helm-home-'))
  return {
    kube,
    vault,
    kubeconfig,
    env: ({helm = true, extra = {}} = {}) => ({
      // Only these directories: a helm installed on the machine must not be found instead of the double.
      PATH: [helm ? withHelm : undefined, withoutHelm].filter(Boolean).join(path.delimiter),
      KUBECONFIG: kubeconfig,
      HOME: home,
      ...extra,
    }),
    helmInstall: async (set = ['server.dev.enabled=true', 'injector.enabled=true']) => {
      const env = {PATH: withHelm, KUBECONFIG: kubeconfig, HOME: home}
      for (const args of [
        ['repo', 'add', 'hashicorp', 'https://helm.releases.hashicorp.com'],
        ['upgrade', '--install', 'vault', 'hashicorp/vault', '--namespace', 'default', '--create-namespace', ...set.flatMap((value) => ['--set', value])],
      ]) {
        const result = await execa(process.execPath, [HELM_DOUBLE, ...args], {env, extendEnv: false, reject: false})
        if (result.exitCode !== 0) throw new Error(`helm ${args.join(' ')} failed: ${result.stderr}`)
      }
      await kube.settle()
    },
    snapshot: () =>
      KINDS.flatMap((kind) => kube.store.list(kind).map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`)).sort(),
    stop: async () => {
      await vault?.stop()
      await kube.stop()
    },
  }
}

/** As `npm run emulators -- --empty` does: Vault reviews tokens with the `vault` service account once it exists. */
async function attachVault(kube: KubeEmulator): Promise<VaultEmulator> {
  const target: {url: string; caPem: string; hostAliases: string[]; serviceAccountToken?: string} = {url: kube.url, caPem: kube.caPem, hostAliases: ['10.96.0.1']}
  const vault = await startVaultEmulator({kube: target})
  void kube.waitFor('serviceaccounts', 'default', 'vault', () => true).then(() => {
    target.serviceAccountToken = kube.issueServiceAccountToken('default', 'vault', {expirationSeconds: 3600})
  })
  kube.setVault({url: vault.url})
  const {hostname, port} = new URL(vault.url)
  kube.portForwardTargets['default/vault-0:8200'] = {host: hostname, port: Number(port)}
  return vault
}

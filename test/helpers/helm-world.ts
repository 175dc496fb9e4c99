import {mkdirSync, mkdtempSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {startKubeEmulator, type KubeEmulator} from '../emulators/kube/index.js'
import {projectRoot} from './cli.js'

const HELM_DOUBLE = path.join(projectRoot, 'test/helm-double/helm.mjs')

export interface HelmWorld {
  kube: KubeEmulator
  kubeconfig: string
  /** PATH, KUBECONFIG and a fresh HOME (Helm's repositories file) for runVsi; `helm: false` leaves helm off the PATH. */
  env(options?: {helm?: boolean; extra?: Record<string, string>}): Record<string, string>
  /** Every object in the cluster as `kind namespace/name`, events aside: to compare before and after. */
  snapshot(): string[]
  stop(): Promise<void>
}

const KINDS = ['namespaces', 'serviceaccounts', 'secrets', 'configmaps', 'services', 'endpoints', 'pods', 'deployments', 'replicasets', 'statefulsets', 'controllerrevisions', 'clusterroles', 'clusterrolebindings', 'mutatingwebhookconfigurations', 'persistentvolumeclaims', 'endpointslices']

/** A cluster with no Vault (`npm run emulators -- --empty`) and the helm test double on the PATH. */
export async function startHelmWorld(): Promise<HelmWorld> {
  const kube = await startKubeEmulator({preset: 'empty'})
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
    kubeconfig,
    env: ({helm = true, extra = {}} = {}) => ({
      // Only these directories: a helm installed on the machine must not be found instead of the double.
      PATH: [helm ? withHelm : undefined, withoutHelm].filter(Boolean).join(path.delimiter),
      KUBECONFIG: kubeconfig,
      HOME: home,
      ...extra,
    }),
    snapshot: () =>
      KINDS.flatMap((kind) => kube.store.list(kind).map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`)).sort(),
    stop: () => kube.stop(),
  }
}

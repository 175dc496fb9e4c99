import type {KubeClient} from '../kube/client.js'
import type {VaultClient} from '../vault/client.js'
import type {VaultServerPod} from '../vault/discover.js'
import type {SetupInputs} from './inputs.js'

/** What every setup step works with: both clients, the inputs, and where Vault runs. */
export interface SetupContext {
  vault: VaultClient
  kube: KubeClient
  inputs: SetupInputs
  /** The Vault server pod, when Vault runs in the cluster and vsi could find it. */
  vaultPod?: VaultServerPod
}

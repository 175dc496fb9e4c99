import {ExitCode, VsiError} from '../errors.js'
import type {KubeClient} from '../kube/client.js'
import {registerSecret} from '../output/redact.js'
import {VaultClient} from './client.js'
import {discoverVault, type DiscoveredVault} from './discover.js'
import {loadVaultSettings, type TokenSource, type VaultFlagValues} from './settings.js'

export interface VaultSessionOptions {
  flags: VaultFlagValues
  /** The cluster, connected on first use (only when Vault must be found there). */
  kube: () => Promise<KubeClient>
  /** Tells the user what vsi chose on its own (a discovered pod, a dev token); never the token itself. */
  notice: (line: string) => void
  env?: Record<string, string | undefined>
}

/** How vsi reached Vault, for `--json` results. */
export interface VaultConnectionInfo {
  address: string
  /** `namespace/pod` when vsi found Vault in the cluster and port-forwards to it. */
  pod?: string
  tokenSource?: TokenSource
}

export interface VaultSession {
  vault: VaultClient
  info: VaultConnectionInfo
  /** Set when Vault was found in the cluster by its labels: it runs there. */
  discovered?: DiscoveredVault
  close(): Promise<void>
}

/**
 * Connects to Vault as the vault CLI would (flags, VAULT_*, ~/.vault-token); with no address, finds the Vault server
 * in the cluster, port-forwards to it, and for a dev-mode server takes the pod's VAULT_DEV_ROOT_TOKEN_ID.
 */
export async function openVaultSession(options: VaultSessionOptions): Promise<VaultSession> {
  // Loading node-vault overlaps with finding Vault in the cluster.
  const loading = import('node-vault')
  const settings = await loadVaultSettings(options.flags, options.env)
  let discovered: DiscoveredVault | undefined
  let {addr, token, tokenSource} = settings
  if (addr === undefined) {
    discovered = await discoverVault(await options.kube())
    addr = discovered.addr
    const useDevToken = token === undefined && discovered.devRootToken !== undefined
    if (useDevToken) {
      token = discovered.devRootToken
      tokenSource = 'VAULT_DEV_ROOT_TOKEN_ID'
      registerSecret(token)
    }
    options.notice(
      `Vault: pod ${discovered.namespace}/${discovered.pod} through a port-forward at ${addr}` +
        (useDevToken ? '; dev mode: using the token in its VAULT_DEV_ROOT_TOKEN_ID' : ''),
    )
  }
  if (token === undefined) {
    await discovered?.forward.close()
    throw new VsiError('no Vault token', {
      code: 'vault-token-missing',
      exitCode: ExitCode.usage,
      hint: 'Set VAULT_TOKEN (or run `vault login`, which writes ~/.vault-token), or pass --vault-token.',
    })
  }
  await loading
  const vault = await VaultClient.create({
    ...settings,
    addr,
    token,
    tokenSource,
    ...(discovered
      ? {
          label: `pod ${discovered.namespace}/${discovered.pod} (port-forward ${addr})`,
          unreachableHint: `Check that Vault listens in the pod: kubectl logs -n ${discovered.namespace} ${discovered.pod}. Or set VAULT_ADDR to reach it another way.`,
        }
      : {}),
  })
  return {
    vault,
    discovered,
    info: {address: addr, ...(discovered ? {pod: `${discovered.namespace}/${discovered.pod}`} : {}), tokenSource},
    close: async () => {
      vault.close()
      await discovered?.forward.close()
    },
  }
}

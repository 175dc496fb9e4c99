/**
 * A Vault emulator inside a Kubernetes emulator, as the tutorial has them: the Helm chart's dev-mode `vault-0` pod
 * port-forwards to the Vault emulator, Vault reviews tokens with its own service account, and a kubeconfig points
 * at the cluster. For the CLI tests of setup, policy, role and secret.
 *
 *   const world = await startVaultWorld()
 *   await runVsi(['setup', …], {env: world.env()})                 // Vault found in the cluster (no VAULT_ADDR)
 *   await runVsi(['secret', 'get', …], {env: world.env({direct: true})})   // VAULT_ADDR + VAULT_TOKEN
 */
import {mkdtempSync} from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {startKubeEmulator, type KubeEmulator, type KubeEmulatorOptions} from '../emulators/kube/index.js'
import {startVaultEmulator, type VaultEmulator, type VaultEmulatorOptions} from '../emulators/vault/index.js'
import {followVaultPod} from '../emulators/vault-pod.js'

export interface VaultWorld {
  kube: KubeEmulator
  /** The Vault that `env({direct: true})` points at: vault-0's, or with `outside` a second Vault outside the cluster. */
  vault: VaultEmulator
  /** The Vault running as pod vault-0 (the same as `vault` unless `outside`). */
  podVault: VaultEmulator
  kubeconfig: string
  /** Environment for runVsi: the kubeconfig, plus VAULT_ADDR/VAULT_TOKEN (root) with `direct`. */
  env(options?: {direct?: boolean; token?: string}): Record<string, string>
  /** Sends a request to Vault as root, for arranging state the way an operator would. */
  vaultRequest(method: string, apiPath: string, body?: unknown): Promise<{status: number; body: any}>
  /** The requests each emulator received from now on. */
  mark(): {vault: () => VaultEmulator['requests']; kube: () => KubeEmulator['requests']}
  stop(): Promise<void>
}

export interface VaultWorldOptions {
  vault?: VaultEmulatorOptions
  preset?: 'tutorial' | 'empty'
  /** A second Vault, outside the cluster (it reaches the API server at the kubeconfig's address), becomes `vault`. */
  outside?: boolean
  /** How the emulated agents render custom templates (format json/env/template); without it they fail on them. */
  render?: KubeEmulatorOptions['render']
}

export async function startVaultWorld(options: VaultWorldOptions = {}): Promise<VaultWorld> {
  const kube = await startKubeEmulator({preset: options.preset ?? 'tutorial', render: options.render})
  const serviceAccountToken = options.preset === 'empty' ? undefined : kube.issueServiceAccountToken('default', 'vault', {expirationSeconds: 86_400})
  // vault-0 sees the network as a pod does: the API server at kubernetes.default.svc or the service IP.
  // A new kv-v2 engine answers 400 "Upgrading from non-versioned to versioned data" for a moment, as Vault does, so
  // every test exercises vsi's retry of it.
  const vaultOptions: VaultEmulatorOptions = {kvV2UpgradeMs: 150, ...options.vault}
  const podVault = await startVaultEmulator({kube: {url: kube.url, caPem: kube.caPem, serviceAccountToken, hostAliases: ['10.96.0.1']}, ...(options.outside ? {kvV2UpgradeMs: 150} : vaultOptions)})
  const vault = options.outside ? await startVaultEmulator(vaultOptions) : podVault
  kube.portForwardTargets['default/vault-0:8200'] = {host: '127.0.0.1', port: Number(new URL(podVault.url).port)}
  followVaultPod(kube, podVault)
  const kubeconfig = path.join(mkdtempSync(path.join(tmpdir(), 'vsi-world-')), 'kubeconfig')
  kube.writeKubeconfig(kubeconfig)
  return {
    kube,
    vault,
    podVault,
    kubeconfig,
    env: ({direct = false, token} = {}) => ({
      KUBECONFIG: kubeconfig,
      ...(direct ? {VAULT_ADDR: vault.url, VAULT_TOKEN: token ?? vault.rootToken} : {}),
    }),
    vaultRequest: async (method, apiPath, body) => {
      const answer = await requestAsRoot(vault, method, apiPath, body)
      // A KV v2 engine just enabled answers 400 while it upgrades (see kvV2UpgradeMs); an operator waits and retries,
      // so arranging state moves Vault's clock past the upgrade instead of sleeping.
      if (answer.status !== 400 || !JSON.stringify(answer.body).includes('Upgrading from non-versioned to versioned data')) return answer
      vault.clock.advance(vaultOptions.kvV2UpgradeMs ?? 0)
      return requestAsRoot(vault, method, apiPath, body)
    },
    mark: () => {
      const vaultFrom = vault.requests.length
      const kubeFrom = kube.requests.length
      return {vault: () => vault.requests.slice(vaultFrom), kube: () => kube.requests.slice(kubeFrom)}
    },
    stop: async () => {
      await vault.stop()
      if (podVault !== vault) await podVault.stop()
      await kube.stop()
    },
  }
}

/** Asserts nothing in a CLI run's output contains any of the given secrets (tokens, JWTs, secret values). */
export function leakedSecrets(output: {stdout: string; stderr: string}, secrets: string[]): string[] {
  return secrets.filter((secret) => secret.length > 0 && (output.stdout.includes(secret) || output.stderr.includes(secret)))
}

/** node:https rather than fetch: the TLS emulator's CA must be trusted for this one request. */
function requestAsRoot(vault: VaultEmulator, method: string, apiPath: string, body?: unknown): Promise<{status: number; body: any}> {
  const url = new URL(`${vault.url}/v1/${apiPath}`)
  const payload = body === undefined ? undefined : JSON.stringify(body)
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? https : http).request(
      url,
      {method, ca: vault.caPem, headers: {'X-Vault-Token': vault.rootToken, ...(payload ? {'Content-Type': 'application/json'} : {})}},
      (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          resolve({status: response.statusCode ?? 0, body: text ? JSON.parse(text) : undefined})
        })
      },
    )
    request.on('error', reject)
    request.end(payload)
  })
}

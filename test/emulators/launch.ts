/**
 * `npm run emulators`: the tutorial's cluster and its Vault, for trying vsi by hand. Prints the `export` lines for
 * kubectl and the vault CLI and keeps running until Ctrl-C.
 *
 * The cluster is the state after `helm install vault hashicorp/vault --set server.dev.enabled=true` and
 * `kubectl apply -f deployment-orgchart.yaml`; Vault is `vault server -dev` (root token `root`), reachable directly
 * and through `kubectl port-forward vault-0 8200:8200`, and the injected agents log in to it for real.
 *
 * `npm run emulators -- --empty`: a fresh cluster with no Vault release (for `vsi install`). The Vault emulator
 * answers as vault-0 once the chart has created the `vault` service account it reviews tokens with.
 */
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {renderTemplate} from '../../src/go-template/index.js'
import {startKubeEmulator} from './kube/index.js'
import {startVaultEmulator} from './vault/index.js'

const YEAR = 365 * 24 * 3600

const dir = mkdtempSync(join(tmpdir(), 'vsi-emulators-'))
const kubeconfig = join(dir, 'kubeconfig')

// The emulated Vault Agent renders custom templates with vsi's Go-template engine (a port of consul-template's).
const empty = process.argv.includes('--empty')
const kube = await startKubeEmulator({preset: empty ? 'empty' : 'tutorial', render: (template, secret) => renderTemplate(template, {secret})})
kube.writeKubeconfig(kubeconfig)

// ── Vault ────────────────────────────────────────────────────────────────────────────────────────────────────────
// Vault runs as vault-0 with the `vault` service account (bound to system:auth-delegator by vault-server-binding),
// so its own token is what it uses for TokenReview when auth/kubernetes/config has no token_reviewer_jwt.
const kubeTarget: {url: string; caPem: string; hostAliases: string[]; serviceAccountToken?: string} = {url: kube.url, caPem: kube.caPem, hostAliases: ['10.96.0.1']}
const vault = await startVaultEmulator({kube: kubeTarget})
if (empty) void followVaultServiceAccount()
else kubeTarget.serviceAccountToken = kube.issueServiceAccountToken('default', 'vault', {expirationSeconds: YEAR})
kube.setVault({url: vault.url})
const {hostname, port} = new URL(vault.url)
kube.portForwardTargets['default/vault-0:8200'] = {host: hostname, port: Number(port)}

console.log(`# Kubernetes API server emulator at ${kube.url} (context minikube, namespace default${empty ? ', no Vault installed yet: run vsi install' : ''})`)
console.log(`export KUBECONFIG=${kubeconfig}`)
console.log(`# Vault emulator (dev mode, as vault-0)`)
console.log(`export VAULT_ADDR=${vault.url}`)
console.log(`export VAULT_TOKEN=${vault.rootToken}`)

/** Each install creates the `vault` service account anew (uninstall deletes it): Vault reviews tokens with its token. */
async function followVaultServiceAccount(): Promise<void> {
  let uid: string | undefined
  for (;;) {
    const sa = await kube.waitFor('serviceaccounts', 'default', 'vault', (obj) => obj.metadata.uid !== uid)
    uid = sa.metadata.uid
    kubeTarget.serviceAccountToken = kube.issueServiceAccountToken('default', 'vault', {expirationSeconds: YEAR})
  }
}

process.on('SIGINT', () => {
  void Promise.all([kube.stop(), vault.stop()]).then(() => process.exit(0))
})

/**
 * `npm run emulators`: the tutorial's cluster and its Vault, for trying vsi by hand. Prints the `export` lines for
 * kubectl and the vault CLI and keeps running until Ctrl-C.
 *
 * The cluster is the state after `helm install vault hashicorp/vault --set server.dev.enabled=true` and
 * `kubectl apply -f deployment-orgchart.yaml`; Vault is `vault server -dev` (root token `root`), reachable directly
 * and through `kubectl port-forward vault-0 8200:8200`, and the injected agents log in to it for real.
 *
 * `npm run emulators -- --empty`: a fresh cluster with no Vault release (for `vsi install`). The Vault emulator
 * answers as vault-0 once the chart has created the `vault` service account it reviews tokens with; an `export PATH`
 * line puts the helm test double first, since a real helm cannot install the chart here.
 * Fault and latency flags (docs/emulators.md): --vault-latency 50ms, --vault-fail 503x3[:path], --vault-seal,
 * --vault-hang, --kube-latency 50ms, --kv-upgrade 1s.
 */
import {mkdirSync, mkdtempSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'

import {parseTemplate, renderTemplate} from '../../src/go-template/index.js'
import {startKubeEmulator} from './kube/index.js'
import {startVaultEmulator} from './vault/index.js'
import {followVaultPod} from './vault-pod.js'
import type {FailStatus} from './vault/faults.js'

const YEAR = 365 * 24 * 3600

const usage = (problem: string): never => {
  console.error(`npm run emulators: ${problem}
Flags: --vault-latency 50ms  --vault-fail 503x3[:sys/mounts]  --vault-seal  --vault-hang  --kube-latency 50ms  --kv-upgrade 1s`)
  process.exit(2)
}

/** "50ms", "2s", "1m" or a number of milliseconds. */
function milliseconds(flag: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(raw.trim())
  if (!match) return usage(`--${flag} ${JSON.stringify(raw)} is not a duration (e.g. 50ms, 2s)`)
  return Number(match[1]) * {ms: 1, s: 1000, m: 60_000}[match[2] ?? 'ms']!
}

const {values: flags} = parseArgs({
  options: {
    'vault-latency': {type: 'string'},
    'vault-fail': {type: 'string', multiple: true},
    'vault-seal': {type: 'boolean'},
    'vault-hang': {type: 'boolean'},
    'kube-latency': {type: 'string'},
    'kv-upgrade': {type: 'string'},
    empty: {type: 'boolean'},
  },
  strict: true,
})

const dir = mkdtempSync(join(tmpdir(), 'vsi-emulators-'))
const kubeconfig = join(dir, 'kubeconfig')

// The emulated Vault Agent renders custom templates with vsi's Go-template engine (a port of consul-template's).
const empty = flags.empty === true
const kube = await startKubeEmulator({preset: empty ? 'empty' : 'tutorial', render: (template, secret, {leftDelim, rightDelim, errorOnMissingKey}) =>
    renderTemplate(parseTemplate(template, {leftDelim, rightDelim}), {secret, missingKey: errorOnMissingKey ? 'error' : 'zero'})})
kube.writeKubeconfig(kubeconfig)

// ── Vault ────────────────────────────────────────────────────────────────────────────────────────────────────────
// Vault runs as vault-0 with the `vault` service account (bound to system:auth-delegator by vault-server-binding),
// so its own token is what it uses for TokenReview when auth/kubernetes/config has no token_reviewer_jwt. It sees the
// network as a pod does: the API server at kubernetes.default.svc or the service IP 10.96.0.1, never the host's
// loopback. A new kv-v2 engine upgrades for a moment (400 "Upgrading from non-versioned to versioned data").
const kubeTarget: {url: string; caPem: string; hostAliases: string[]; serviceAccountToken?: string} = {url: kube.url, caPem: kube.caPem, hostAliases: ['10.96.0.1']}
const vault = await startVaultEmulator({kube: kubeTarget, kvV2UpgradeMs: milliseconds('kv-upgrade', flags['kv-upgrade'], 1000)})
if (empty) void followVaultServiceAccount()
else kubeTarget.serviceAccountToken = kube.issueServiceAccountToken('default', 'vault', {expirationSeconds: YEAR})
kube.setVault({url: vault.url})
const {hostname, port} = new URL(vault.url)
kube.portForwardTargets['default/vault-0:8200'] = {host: hostname, port: Number(port)}
// Dev mode keeps everything in memory: deleting or restarting vault-0 restarts this Vault empty.
followVaultPod(kube, vault)

// ── Faults ───────────────────────────────────────────────────────────────────────────────────────────────────────
vault.faults.latencyMs(milliseconds('vault-latency', flags['vault-latency'], 0))
kube.latencyMs(milliseconds('kube-latency', flags['kube-latency'], 0))
for (const rule of flags['vault-fail'] ?? []) {
  const match = /^(500|502|503|504)(?:x(\d+))?(?::(.+))?$/.exec(rule)
  if (!match) usage(`--vault-fail ${JSON.stringify(rule)}: expected STATUSxCOUNT[:PATH], e.g. 503x3 or 502x1:sys/mounts`)
  vault.faults.failNext(Number(match![2] ?? 1), Number(match![1]) as FailStatus, match![3])
}
if (flags['vault-seal']) vault.faults.seal()
if (flags['vault-hang']) vault.faults.hang()

console.log(`# Kubernetes API server emulator at ${kube.url} (context minikube, namespace default${empty ? ', no Vault installed yet: run vsi install' : ''})`)
console.log(`export KUBECONFIG=${kubeconfig}`)
if (empty) {
  // A real helm would download the chart and its images; the test double installs the same objects into this cluster.
  const bin = join(dir, 'bin')
  mkdirSync(bin)
  symlinkSync(fileURLToPath(new URL('../helm-double/helm.mjs', import.meta.url)), join(bin, 'helm'))
  console.log(`# helm: the tests' double, which installs chart vault-0.34.1 into this emulated cluster (test/helm-double)`)
  console.log(`export PATH=${bin}:$PATH`)
}
console.log(`# Vault emulator (dev mode, as vault-0)`)
console.log(`export VAULT_ADDR=${vault.url}`)
console.log(`export VAULT_TOKEN=${vault.rootToken}`)
console.log(`# Unseal Key: ${vault.unsealKey}  (vault operator seal / vault operator unseal)`)
const active = Object.entries(flags).filter(([key, value]) => key !== 'empty' && value !== undefined && value !== false)
if (active.length > 0) console.log(`# faults: ${active.map(([key, value]) => `--${key} ${value === true ? '' : String(value)}`.trim()).join(' ')}`)

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

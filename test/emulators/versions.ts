/**
 * The one release both emulators stand for, stated once: the vault-helm chart and the images its values.yaml pins
 * at that tag (hashicorp/vault-helm v0.34.1: appVersion 2.0.4, injector.image hashicorp/vault-k8s:1.7.6,
 * injector.agentImage and server.image hashicorp/vault:2.0.4) — the release the lint corpus (vault-k8s 1.7.6) and the
 * helm test double (chart 0.34.1) follow too. The Vault emulator answers `sys/health`, `sys/seal-status` and
 * `vault version` with VAULT_VERSION; the injected agents print the same banner; the Helm preset uses the images.
 */
export const VAULT_HELM_CHART_VERSION = '0.34.1'
export const VAULT_VERSION = '2.0.4'
/**
 * The build date `vault version`, `sys/seal-status` and the agent's banner print. Not recorded in the sources we
 * follow for 2.0.4: a stand-in in the release's month (docs/emulated-cluster.md lists it among what is not exact).
 */
export const VAULT_BUILD_DATE = '2026-08-04T12:00:00Z'
export const VAULT_K8S_VERSION = '1.7.6'

export const VAULT_IMAGE = `hashicorp/vault:${VAULT_VERSION}`
export const VAULT_K8S_IMAGE = `hashicorp/vault-k8s:${VAULT_K8S_VERSION}`
export const VAULT_HELM_CHART = `vault-${VAULT_HELM_CHART_VERSION}`

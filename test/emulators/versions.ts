/**
 * The one release both emulators stand for, stated once: the vault-helm chart and the images its values.yaml pins
 * at that tag (hashicorp/vault-helm v0.32.0: appVersion 1.21.2, injector.image hashicorp/vault-k8s:1.7.2,
 * injector.agentImage and server.image hashicorp/vault:1.21.2). The Vault emulator answers `sys/health` and
 * `vault version` with VAULT_VERSION; the injected agents print the same banner; the Helm preset uses the images.
 */
export const VAULT_HELM_CHART_VERSION = '0.32.0'
export const VAULT_VERSION = '1.21.2'
/** the release's build date, as `vault version` and the agent's banner print it */
export const VAULT_BUILD_DATE = '2025-12-10T09:39:14Z'
export const VAULT_K8S_VERSION = '1.7.2'

export const VAULT_IMAGE = `hashicorp/vault:${VAULT_VERSION}`
export const VAULT_K8S_IMAGE = `hashicorp/vault-k8s:${VAULT_K8S_VERSION}`
export const VAULT_HELM_CHART = `vault-${VAULT_HELM_CHART_VERSION}`

import {readFileSync} from 'node:fs'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startVaultEmulator} from '../vault/index.js'
import {VAULT_HELM_CHART, VAULT_IMAGE, VAULT_K8S_IMAGE, VAULT_VERSION} from '../versions.js'
import {startKubeEmulator, type KubeEmulator} from './index.js'
import {hasKubectl, kubectlFor} from './test-support.js'

const patch = readFileSync(new URL('../../fixtures/tutorial/patch-inject-secrets.yaml', import.meta.url), 'utf8')

describe.skipIf(!hasKubectl)('one release across the chart, the images, the agent and Vault', () => {
  let kube: KubeEmulator
  let kubectl: ReturnType<typeof kubectlFor>
  let vault: Awaited<ReturnType<typeof startVaultEmulator>>

  beforeAll(async () => {
    kube = await startKubeEmulator({preset: 'tutorial'})
    vault = await startVaultEmulator()
    kubectl = kubectlFor(kube)
  })
  afterAll(async () => {
    await kube?.stop()
    await vault?.stop()
  })

  it('labels, images and the injector\'s agent image come from the same chart release', async () => {
    const {stdout} = await kubectl([
      'get',
      'pod',
      'vault-0',
      '-o',
      'jsonpath={.metadata.labels.helm\\.sh/chart} {.spec.containers[0].image}',
    ])
    expect(stdout).toBe(`${VAULT_HELM_CHART} ${VAULT_IMAGE}`)
    const injector = await kubectl(['get', 'deploy', 'vault-agent-injector', '-o', 'jsonpath={.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].env[?(@.name=="AGENT_INJECT_VAULT_IMAGE")].value}'])
    expect(injector.stdout).toBe(`${VAULT_K8S_IMAGE} ${VAULT_IMAGE}`)
  })

  it('injects agents of that image whose banner and Vault\'s sys/health report the same version', async () => {
    expect((await kubectl(['create', 'sa', 'internal-app'])).code).toBe(0)
    expect((await kubectl(['patch', 'deployment', 'orgchart', '--patch', patch])).code).toBe(0)
    expect((await kubectl(['rollout', 'status', 'deployment/orgchart', '--timeout=20s'])).code).toBe(0)
    const pod = (await kubectl(['get', 'pod', '-l', 'app=orgchart', '-o', 'jsonpath={.items[0].metadata.name} {.items[0].spec.containers[1].image}'])).stdout.split(' ')
    expect(pod[1]).toBe(VAULT_IMAGE)
    const logs = await kubectl(['logs', pod[0], '-c', 'vault-agent'])
    expect(logs.stdout).toContain(`Version: Vault v${VAULT_VERSION}, built `)
    const health = (await (await fetch(`${vault.url}/v1/sys/health`)).json()) as {version: string}
    expect(health.version).toBe(VAULT_VERSION)
  })
})

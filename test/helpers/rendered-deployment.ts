/** Deployments whose emulated pods have rendered a KV v2 secret as Vault Agent's default template renders it. */
import {expect} from 'vitest'

import type {KubeObject} from '../emulators/kube/index.js'
import type {VaultWorld} from './vault-world.js'

export const RENDERED_FILE = '/vault/secrets/database-config.txt'

/**
 * What Vault Agent's default template renders for a KV v2 secret: `{{ range $k, $v := .Data }}{{ $k }}: {{ $v }}\n{{ end }}`
 * over {data, metadata}, each map printed by Go's fmt with its keys in byte order (`map[k1:v1 k2:v2]`).
 */
export function goRendering(data: Record<string, string>): string {
  const map = (entries: Array<[string, string]>) => `map[${entries.map(([key, value]) => `${key}:${value}`).join(' ')}]`
  const sorted = Object.entries(data).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `data: ${map(sorted)}\nmetadata: ${map([['created_time', '2026-12-06T03:00:00.1Z'], ['custom_metadata', '<nil>'], ['deletion_time', ''], ['destroyed', 'false'], ['version', '1']])}\n`
}

/** A deployment (a copy of orgchart) whose pods render `internal/data/PATH`, written with `data`, to database-config.txt. */
export async function renderingDeployment(world: VaultWorld, options: {name: string; path: string; role: string; data: Record<string, string>}): Promise<void> {
  const {name, path, role, data} = options
  const written = await world.vaultRequest('POST', `internal/data/${path}`, {data})
  expect(written.status).toBe(200)
  const copy: KubeObject = structuredClone(world.kube.store.get('Deployment', 'default', 'orgchart')!)
  copy.metadata = {name, namespace: 'default', labels: {app: name}}
  copy.spec.selector = {matchLabels: {app: name}}
  copy.spec.template.metadata = {
    labels: {app: name},
    annotations: {
      'vault.hashicorp.com/agent-inject': 'true',
      'vault.hashicorp.com/role': role,
      'vault.hashicorp.com/agent-inject-secret-database-config.txt': `internal/data/${path}`,
    },
  }
  delete copy.status
  world.kube.store.create(copy)
  await world.kube.settle()
  for (const pod of world.kube.store.list('pods', 'default').filter((p) => p.metadata.labels?.app === name && !p.metadata.deletionTimestamp)) {
    world.kube.setRenderedFile('default', pod.metadata.name, 'orgchart', RENDERED_FILE, goRendering(data))
  }
}

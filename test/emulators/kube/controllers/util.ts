import type {KubeObject, OwnerReference} from '../types.js'

export const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z')

export function ownerRef(owner: KubeObject): OwnerReference {
  return {apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true}
}

export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller)
}

export function ownedBy(obj: KubeObject, owner: KubeObject): boolean {
  return controllerOf(obj)?.uid === owner.metadata.uid
}

export interface Condition {
  type: string
  status: 'True' | 'False' | 'Unknown'
  reason?: string
  message?: string
  lastTransitionTime?: string
  lastUpdateTime?: string
  lastProbeTime?: null
}

/**
 * Sets a condition as the controllers' SetCondition helpers do: timestamps move only when something changed, and
 * lastTransitionTime only when the status flips.
 */
export function setCondition(conditions: Condition[] | undefined, next: Condition, withUpdateTime = false): Condition[] {
  const list = [...(conditions ?? [])]
  const i = list.findIndex((c) => c.type === next.type)
  const old = list[i]
  if (old && old.status === next.status && old.reason === next.reason && old.message === next.message) return list
  const t = now()
  const cond: Condition = {
    ...next,
    ...(withUpdateTime ? {lastUpdateTime: t} : {}),
    lastTransitionTime: old && old.status === next.status ? old.lastTransitionTime : t,
  }
  if (i >= 0) list[i] = cond
  else list.push(cond)
  return list
}

/** JSON with sorted keys, so equal objects compare equal whatever their key order. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`
  }
  return JSON.stringify(value)
}

const SAFE = 'bcdfghjklmnpqrstvwxz2456789'

/** controller.ComputeHash: FNV-32a of the template, rendered with rand.SafeEncodeString. */
export function templateHash(template: unknown): string {
  let h = 0x811c9dc5
  for (const byte of Buffer.from(stableJson(template))) {
    h ^= byte
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return [...String(h)].map((c) => SAFE[c.charCodeAt(0) % SAFE.length]).join('')
}

/** intstr values such as maxSurge: an integer, or a percentage of `total` rounded up or down. */
export function scaledValue(value: unknown, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value
  const m = String(value ?? '0').match(/^(\d+)%$/)
  if (!m) return Number(value) || 0
  const exact = (Number(m[1]) * total) / 100
  return roundUp ? Math.ceil(exact) : Math.floor(exact)
}

export function isPodReady(pod: KubeObject): boolean {
  return ((pod.status?.conditions ?? []) as Condition[]).some((c) => c.type === 'Ready' && c.status === 'True')
}

export function isPodActive(pod: KubeObject): boolean {
  return !pod.metadata.deletionTimestamp && !['Succeeded', 'Failed'].includes(pod.status?.phase)
}

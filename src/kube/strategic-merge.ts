/**
 * Whether a strategic merge patch would change an object, decided locally so that re-applying the same patch needs no
 * write. Conservative: anything it cannot judge (patch directives, lists without a `name` merge key) counts as a change.
 */
export function patchWouldChange(current: unknown, patch: unknown): boolean {
  if (patch === null) return current !== undefined && current !== null
  if (Array.isArray(patch)) return listWouldChange(current, patch)
  if (isPlainObject(patch)) {
    if (current !== undefined && current !== null && !isPlainObject(current)) return true
    const existing = isPlainObject(current) ? current : {}
    return Object.entries(patch).some(([key, value]) => key.startsWith('$') || patchWouldChange(existing[key], value))
  }
  return !samePrimitive(current, patch)
}

/** Containers, volumes, env, volumeMounts…: Kubernetes merges these lists by `name`; other lists are replaced whole. */
function listWouldChange(current: unknown, patch: unknown[]): boolean {
  if (!Array.isArray(current)) return true
  const byName = patch.every((item) => isPlainObject(item) && typeof item.name === 'string')
  if (!byName) return !deepEqual(current, patch)
  return patch.some((item) => {
    const name = (item as {name: string}).name
    const existing = current.find((entry) => isPlainObject(entry) && entry.name === name)
    return existing === undefined || patchWouldChange(existing, item)
  })
}

function samePrimitive(current: unknown, patch: unknown): boolean {
  // client-node turns timestamps into Date objects; patches carry them as strings.
  if (current instanceof Date && typeof patch === 'string') return current.toISOString() === new Date(patch).toISOString()
  return current === patch
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, index) => deepEqual(item, b[index]))
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)].filter((key) => a[key] !== undefined || b[key] !== undefined))
    return [...keys].every((key) => deepEqual(a[key], b[key]))
  }
  return samePrimitive(a, b)
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)
}

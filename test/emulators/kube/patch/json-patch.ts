import {PatchError} from './strategic.js'

/** RFC 6902 JSON Patch (add, remove, replace, move, copy, test) with RFC 6901 pointers, as evanphx/json-patch applies it. */
type Op = {op: string; path: string; from?: string; value?: unknown}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return []
  if (!pointer.startsWith('/')) throw new PatchError(`invalid JSON pointer: ${pointer}`)
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
}

function parentOf(doc: unknown, path: string[]): [Record<string, unknown> | unknown[], string] {
  let node = doc
  for (const seg of path.slice(0, -1)) {
    if (Array.isArray(node)) node = node[Number(seg)]
    else if (node && typeof node === 'object') node = (node as Record<string, unknown>)[seg]
    else node = undefined
    if (node === undefined) throw new PatchError(`doc is missing path: "/${path.join('/')}": missing value`)
  }
  if (!node || typeof node !== 'object') throw new PatchError(`doc is missing path: "/${path.join('/')}": missing value`)
  return [node as Record<string, unknown> | unknown[], path[path.length - 1]]
}

function get(doc: unknown, pointer: string): unknown {
  const path = parsePointer(pointer)
  if (!path.length) return doc
  const [parent, key] = parentOf(doc, path)
  const value = Array.isArray(parent) ? parent[Number(key)] : parent[key]
  if (value === undefined) throw new PatchError(`doc is missing path: "${pointer}": missing value`)
  return value
}

function remove(doc: unknown, pointer: string): unknown {
  const [parent, key] = parentOf(doc, parsePointer(pointer))
  if (Array.isArray(parent)) {
    const i = Number(key)
    if (!(i >= 0 && i < parent.length)) throw new PatchError(`Unable to remove nonexistent key: ${key}: missing value`)
    return parent.splice(i, 1)[0]
  }
  if (!(key in parent)) throw new PatchError(`Unable to remove nonexistent key: ${key}: missing value`)
  const value = parent[key]
  delete parent[key]
  return value
}

function add(doc: unknown, pointer: string, value: unknown, replace: boolean): unknown {
  const path = parsePointer(pointer)
  if (!path.length) return value
  const [parent, key] = parentOf(doc, path)
  if (Array.isArray(parent)) {
    const i = key === '-' ? parent.length : Number(key)
    if (!(i >= 0 && i <= parent.length)) throw new PatchError(`add operation does not apply: doc is missing path: "${pointer}": missing value`)
    if (replace) parent[i] = value
    else parent.splice(i, 0, value)
  } else {
    if (replace && !(key in parent)) throw new PatchError(`replace operation does not apply: doc is missing key: ${pointer}: missing value`)
    parent[key] = value
  }
  return doc
}

/** A patch that decoded but could not be applied (evanphx/json-patch Patch.Apply): the API server answers 422. */
export class PatchApplyError extends PatchError {}

export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new PatchError('json: cannot unmarshal object into Go value of type jsonpatch.Patch')
  try {
    return applyOps(structuredClone(target), ops as Op[])
  } catch (error) {
    throw error instanceof PatchError ? new PatchApplyError(error.message) : error
  }
}

function applyOps(doc: unknown, ops: Op[]): unknown {
  for (const op of ops) {
    switch (op.op) {
      case 'add':
        doc = add(doc, op.path, structuredClone(op.value), false)
        break
      case 'replace':
        doc = add(doc, op.path, structuredClone(op.value), true)
        break
      case 'remove':
        remove(doc, op.path)
        break
      case 'move':
        doc = add(doc, op.path, remove(doc, op.from!), false)
        break
      case 'copy':
        doc = add(doc, op.path, structuredClone(get(doc, op.from!)), false)
        break
      case 'test':
        if (JSON.stringify(get(doc, op.path)) !== JSON.stringify(op.value)) throw new PatchError(`testing value ${op.path} failed: test failed`)
        break
      default:
        throw new PatchError(`Unexpected kind: ${op.op}`)
    }
  }
  return doc
}

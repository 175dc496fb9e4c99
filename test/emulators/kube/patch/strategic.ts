import type {FieldInfo, TypeInfo} from './schema.js'

/**
 * Server-side strategic merge patch, following k8s.io/apimachinery/pkg/util/strategicpatch (mergeMap, mergeSlice,
 * normalizeElementOrder): maps merge, `null` deletes, merge lists match items by their patch-merge key, directives
 * `$patch: replace|delete`, `$deleteFromPrimitiveList/<field>`, `$setElementOrder/<field>`, `$retainKeys`.
 */
type Obj = Record<string, unknown>

export class PatchError extends Error {}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const kindOf = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v)

export function strategicMerge(original: Obj, patch: Obj, type: TypeInfo): Obj {
  return mergeMap(structuredClone(original), structuredClone(patch), type)
}

function mergeMap(original: Obj, patch: Obj, type: TypeInfo | undefined): Obj {
  if ('$patch' in patch) {
    if (patch.$patch === 'replace') {
      delete patch.$patch
      return patch
    }
    if (patch.$patch === 'delete') return {}
    throw new PatchError(`Unexpected kind: ${String(patch.$patch)}`)
  }
  applyRetainKeys(original, patch)
  applySetElementOrder(original, patch, type)
  for (const [rawKey, patchValue] of Object.entries(patch)) {
    let key = rawKey
    let isDeleteList = false
    if (rawKey.startsWith('$deleteFromPrimitiveList/')) {
      key = rawKey.slice('$deleteFromPrimitiveList/'.length)
      isDeleteList = true
    }
    if (patchValue === null) {
      delete original[key]
      continue
    }
    if (!(key in original)) {
      if (!isDeleteList) original[key] = patchValue
      continue
    }
    const field: FieldInfo = type?.fields[key] ?? {}
    const current = original[key]
    if (kindOf(current) !== kindOf(patchValue)) original[key] = patchValue
    else if (isObj(current)) original[key] = mergeMap(current, patchValue as Obj, field.type)
    else if (Array.isArray(current)) original[key] = mergeSliceHandler(current, patchValue as unknown[], field, isDeleteList)
    else original[key] = patchValue
  }
  return original
}

function applyRetainKeys(original: Obj, patch: Obj): void {
  if (!('$retainKeys' in patch)) return
  const keep = new Set(patch.$retainKeys as string[])
  delete patch.$retainKeys
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k]
}

function applySetElementOrder(original: Obj, patch: Obj, type: TypeInfo | undefined): void {
  for (const directive of Object.keys(patch).filter((k) => k.startsWith('$setElementOrder/'))) {
    const order = patch[directive] as unknown[]
    delete patch[directive]
    const key = directive.slice('$setElementOrder/'.length)
    const field: FieldInfo = type?.fields[key] ?? {}
    const originalList = Array.isArray(original[key]) ? (original[key] as unknown[]) : undefined
    const patchList = Array.isArray(patch[key]) ? (patch[key] as unknown[]) : undefined
    let merged: unknown[]
    if (originalList && patchList) merged = mergeSliceHandler(originalList, patchList, field, false)
    else if (originalList) merged = originalList
    else if (patchList) merged = patchList
    else continue
    const mergeKey = field.mergeKey ?? ''
    const [inOrder, serverOnly] = partition(merged, order, mergeKey)
    original[key] = normalizeElementOrder(inOrder, serverOnly, order, originalList ?? [], mergeKey)
    delete patch[key]
  }
}

function mergeSliceHandler(original: unknown[], patch: unknown[], field: FieldInfo, isDeleteList: boolean): unknown[] {
  return field.mergeKey === undefined ? patch : mergeSlice(original, patch, field, isDeleteList)
}

function mergeSlice(original: unknown[], patch: unknown[], field: FieldInfo, isDeleteList: boolean): unknown[] {
  if (!original.length && !patch.length) return original
  const mergeKey = field.mergeKey ?? ''
  const mapsList = [...original, ...patch].some(isObj)
  let merged: unknown[]
  let server = original
  let patchItems = patch
  if (!mapsList) {
    if (isDeleteList) return original.filter((v) => !patch.includes(v))
    merged = dedupe([...original, ...patch])
  } else {
    if (!mergeKey) throw new PatchError('cannot merge lists without merge key')
    ;[server, patchItems] = applyListDirectives(original, patch as Obj[], mergeKey)
    merged = [...server]
    for (const item of patchItems as Obj[]) {
      if (!(mergeKey in item)) throw new PatchError(`map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`)
      const at = merged.findIndex((o) => isObj(o) && o[mergeKey] === item[mergeKey])
      if (at >= 0) merged[at] = mergeMap(merged[at] as Obj, item, field.type)
      else merged.push(item)
    }
  }
  const [inPatch, serverOnly] = partition(merged, patchItems, mergeKey)
  return normalizeElementOrder(inPatch, serverOnly, patchItems, server, mergeKey)
}

/** `$patch: delete` items remove matches; a `$patch: replace` item makes the rest of the patch the whole list. */
function applyListDirectives(original: unknown[], patch: Obj[], mergeKey: string): [unknown[], Obj[]] {
  let server = original
  const plain: Obj[] = []
  let replace = false
  for (const item of patch) {
    if (!('$patch' in item)) plain.push(item)
    else if (item.$patch === 'delete') {
      if (!(mergeKey in item)) throw new PatchError(`map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`)
      server = server.filter((o) => !(isObj(o) && o[mergeKey] === item[mergeKey]))
    } else if (item.$patch === 'replace') replace = true
    else throw new PatchError(`Unexpected kind: ${String(item.$patch)}`)
  }
  return replace ? [plain, []] : [server, plain]
}

const keyOf = (item: unknown, mergeKey: string) => (mergeKey && isObj(item) ? item[mergeKey] : item)

function indexIn(list: unknown[], item: unknown, mergeKey: string): number {
  const k = keyOf(item, mergeKey)
  return list.findIndex((v) => keyOf(v, mergeKey) === k)
}

function partition(items: unknown[], by: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const inBy = items.filter((i) => indexIn(by, i, mergeKey) >= 0)
  return [inBy, items.filter((i) => !inBy.includes(i))]
}

/** Sorts patch items by the patch order and server-only items by the live order, then interleaves them (mergeSortedSlice). */
function normalizeElementOrder(patchItems: unknown[], serverOnly: unknown[], patchOrder: unknown[], serverOrder: unknown[], mergeKey: string): unknown[] {
  const right = sortBy(patchItems, patchOrder, mergeKey)
  const left = sortBy(serverOnly, serverOrder, mergeKey)
  const out: unknown[] = []
  let i = 0
  let j = 0
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++])
    else if (j >= right.length) out.push(left[i++])
    else {
      const li = indexIn(serverOrder, left[i], mergeKey)
      const ri = indexIn(serverOrder, right[j], mergeKey)
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++])
      else out.push(right[j++])
    }
  }
  return out
}

function sortBy(items: unknown[], order: unknown[], mergeKey: string): unknown[] {
  const deletes = items.filter((i) => isObj(i) && i.$patch === 'delete')
  const rest = items.filter((i) => !deletes.includes(i))
  return [...rest.sort((a, b) => indexIn(order, a, mergeKey) - indexIn(order, b, mergeKey)), ...deletes]
}

function dedupe(list: unknown[]): unknown[] {
  return list.filter((v, i) => list.indexOf(v) === i)
}

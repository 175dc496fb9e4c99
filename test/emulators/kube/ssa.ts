import type {KubeObject} from './types.js'

import {schemaFor, type FieldInfo, type TypeInfo} from './patch/schema.js'

/**
 * Field ownership as the API server's field manager keeps it (k8s.io/apiserver pkg/endpoints/handlers/fieldmanager,
 * sigs.k8s.io/structured-merge-diff): each write records, in metadata.managedFields, which fields its manager set
 * (FieldsV1: `f:<field>`, `k:{<merge key>}` for keyed list items, `v:<value>` for set items, `.` for the node itself).
 * Update operations own what they added or changed; an Apply owns exactly the fields of its configuration, merges
 * them in, removes what it applied before and no longer applies, and conflicts with other managers that set the
 * same fields to other values.
 */

type Segment = string
type Path = Segment[]
export type FieldsV1 = {[segment: string]: FieldsV1}

export interface ManagedFieldsEntry {
  manager: string
  operation: 'Apply' | 'Update'
  apiVersion: string
  time: string
  fieldsType: 'FieldsV1'
  fieldsV1: FieldsV1
  subresource?: string
}

/** Server-owned fields, never in a field set (fieldmanager's stripMeta plus the strategies' reset fields: status). */
const IGNORED_TOP = new Set(['apiVersion', 'kind', 'status'])
const IGNORED_META = new Set(['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds'])
/** Go value (non-pointer) structs: present in the zero object, so an Update never "adds" them (no `.`). */
const VALUE_STRUCTS = new Set(['metadata', 'spec', 'template', 'strategy', 'updateStrategy', 'resources', 'jobTemplate'])
/** `+structType=atomic` / `+listType=atomic` fields owned as a whole. */
const ATOMIC = new Set(['selector', 'command', 'args', 'tolerations', 'nodeSelectorTerms'])

const keyOf = (item: Record<string, unknown>, info: FieldInfo): Record<string, unknown> => {
  const keys = info.mergeKey === 'containerPort' || info.mergeKey === 'port' ? [info.mergeKey, 'protocol'] : [info.mergeKey!]
  return Object.fromEntries(keys.filter((k) => item[k] !== undefined).map((k) => [k, item[k]]))
}

interface Member {
  path: Path
  value: unknown
  leaf: boolean
  /** a map node (not a leaf, not a list item) */
  map: boolean
}

/** Every node of an object with its path, as structured-merge-diff walks a typed value. */
function walk(obj: Record<string, unknown>, kind: string): Member[] {
  const out: Member[] = []
  const visitMap = (value: Record<string, unknown>, info: TypeInfo | undefined, path: Path, top: boolean) => {
    for (const [k, v] of Object.entries(value)) {
      if (top && IGNORED_TOP.has(k)) continue
      if (path.length === 1 && path[0] === 'f:metadata' && IGNORED_META.has(k)) continue
      if (v === null || v === undefined) continue
      visit(v, info?.fields[k], [...path, `f:${k}`], k)
    }
  }
  const visit = (v: unknown, info: FieldInfo | undefined, path: Path, name: string) => {
    if (Array.isArray(v)) {
      if (info?.mergeKey === '') {
        out.push({path, value: v, leaf: false, map: false})
        for (const item of v) out.push({path: [...path, `v:${JSON.stringify(item)}`], value: item, leaf: true, map: false})
      } else if (info?.mergeKey && !ATOMIC.has(name)) {
        out.push({path, value: v, leaf: false, map: false})
        for (const item of v as Array<Record<string, unknown>>) {
          const itemPath = [...path, `k:${JSON.stringify(keyOf(item, info))}`]
          out.push({path: itemPath, value: item, leaf: false, map: false})
          visitMap(item, info.type, itemPath, false)
        }
      } else out.push({path, value: v, leaf: true, map: false})
      return
    }
    if (v && typeof v === 'object' && !ATOMIC.has(name) && Object.keys(v).length) {
      out.push({path, value: v, leaf: false, map: !VALUE_STRUCTS.has(name)})
      visitMap(v as Record<string, unknown>, info?.type, path, false)
      return
    }
    out.push({path, value: v, leaf: true, map: false})
  }
  visitMap(obj, schemaFor(kind), [], true)
  return out
}

const id = (p: Path) => JSON.stringify(p)

/** The field set an Update by one manager changed: added or modified leaves, new list items, new granular maps. */
export function updatedFields(before: KubeObject | undefined, after: KubeObject): Set<string> {
  const old = new Map(walk(before ?? {}, after.kind).map((m) => [id(m.path), m]))
  const set = new Set<string>()
  for (const m of walk(after, after.kind)) {
    const prev = old.get(id(m.path))
    const isMember = m.leaf || m.path.at(-1)!.startsWith('k:') || m.map
    if (!isMember) continue
    if (!prev || (m.leaf && JSON.stringify(prev.value) !== JSON.stringify(m.value))) set.add(id(m.path))
  }
  return set
}

/** The fields of an applied configuration: its leaves and list items (fieldpath.Set of the typed value). */
export function appliedFields(config: KubeObject): Set<string> {
  return new Set(walk(config, config.kind).filter((m) => m.leaf || m.path.at(-1)!.startsWith('k:') || m.path.at(-1)!.startsWith('v:')).map((m) => id(m.path)))
}

/** Paths present in an object (to drop ownership of removed fields). */
function present(obj: KubeObject): Set<string> {
  return new Set(walk(obj, obj.kind).map((m) => id(m.path)))
}

export function toFieldsV1(set: Set<string>): FieldsV1 {
  const root: FieldsV1 = {}
  const paths = [...set].map((s) => JSON.parse(s) as Path)
  for (const path of paths) {
    let node = root
    for (const seg of path) node = node[seg] ??= {}
  }
  for (const path of paths) {
    let node = root
    for (const seg of path) node = node[seg]
    // a member that has children is written as its `.` child
    if (Object.keys(node).some((k) => k !== '.')) node['.'] = {}
  }
  return sortTree(root)
}

function sortTree(tree: FieldsV1): FieldsV1 {
  return Object.fromEntries(
    Object.keys(tree)
      .sort()
      .map((k) => [k, sortTree(tree[k])]),
  )
}

function fromFieldsV1(tree: FieldsV1, prefix: Path = [], out = new Set<string>()): Set<string> {
  for (const [seg, child] of Object.entries(tree)) {
    if (seg === '.') {
      out.add(id(prefix))
      continue
    }
    const path = [...prefix, seg]
    if (!Object.keys(child).length) out.add(id(path))
    else fromFieldsV1(child, path, out)
  }
  return out
}

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z')

/** fieldmanager's sort: Apply before Update, then by time, then manager name. */
function sortEntries(entries: ManagedFieldsEntry[]): ManagedFieldsEntry[] {
  return entries.sort((a, b) => a.operation.localeCompare(b.operation) || a.time.localeCompare(b.time) || a.manager.localeCompare(b.manager))
}

/** Records an Update by `manager` (create, update or non-apply patch) in the new object's managedFields. */
export function recordUpdate(before: KubeObject | undefined, after: KubeObject, manager: string, apiVersion: string): void {
  const gone = before ? [...present(before)].filter((p) => !present(after).has(p)) : []
  const changed = updatedFields(before, after)
  const entries = ((before?.metadata.managedFields ?? []) as ManagedFieldsEntry[]).map((e) => ({...e, set: fromFieldsV1(e.fieldsV1)}))
  let mine = entries.find((e) => e.manager === manager && e.operation === 'Update' && !e.subresource)
  if (!mine && changed.size) {
    mine = {manager, operation: 'Update', apiVersion, time: now(), fieldsType: 'FieldsV1', fieldsV1: {}, set: new Set()}
    entries.push(mine)
  }
  for (const e of entries) {
    if (e !== mine) for (const p of changed) e.set.delete(p)
    for (const p of gone) e.set.delete(p)
  }
  if (mine && changed.size) {
    for (const p of changed) mine.set.add(p)
    mine.time = now()
    mine.apiVersion = apiVersion
  }
  after.metadata.managedFields = finish(entries)
}

function finish(entries: Array<ManagedFieldsEntry & {set: Set<string>}>): ManagedFieldsEntry[] {
  return sortEntries(entries.filter((e) => e.set.size).map(({set, ...e}) => ({...e, fieldsV1: toFieldsV1(set)})))
}

export interface Conflict {
  manager: ManagedFieldsEntry
  path: string
}

/** The value at a field path, or undefined. */
function valueAt(obj: unknown, path: Path): unknown {
  let node: unknown = obj
  for (const seg of path) {
    if (node === undefined || node === null) return undefined
    if (seg.startsWith('f:')) node = (node as Record<string, unknown>)[seg.slice(2)]
    else if (seg.startsWith('k:')) {
      const key = JSON.parse(seg.slice(2)) as Record<string, unknown>
      node = (node as Array<Record<string, unknown>>).find((item) => Object.entries(key).every(([k, v]) => JSON.stringify(item[k]) === JSON.stringify(v)))
    } else if (seg.startsWith('v:')) node = (node as unknown[]).find((item) => JSON.stringify(item) === seg.slice(2))
  }
  return node
}

/** fieldpath.Path.String(): `.spec.replicas`, `.spec.template.spec.containers[name="app"].image`, `.metadata.finalizers[="x"]`. */
export function pathString(p: string): string {
  return (JSON.parse(p) as Path)
    .map((seg) => {
      if (seg.startsWith('f:')) return `.${seg.slice(2)}`
      if (seg.startsWith('v:')) return `[=${seg.slice(2)}]`
      const key = JSON.parse(seg.slice(2)) as Record<string, unknown>
      return `[${Object.entries(key)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',')}]`
    })
    .join('')
}

/**
 * A server-side apply of `config` by `manager` onto `live` (undefined: the object is created). Returns the merged
 * object with its managedFields, or the conflicts when `force` is not set.
 */
export function serverSideApply(live: KubeObject | undefined, config: KubeObject, manager: string, apiVersion: string, force: boolean): {object: KubeObject} | {conflicts: Conflict[]} {
  const applied = appliedFields(config)
  const entries = ((live?.metadata.managedFields ?? []) as ManagedFieldsEntry[]).map((e) => ({...e, set: fromFieldsV1(e.fieldsV1)}))
  const isMine = (e: ManagedFieldsEntry) => e.manager === manager && e.operation === 'Apply'
  const conflicts: Conflict[] = []
  for (const e of entries.filter((x) => !isMine(x))) {
    for (const p of applied) {
      // conflicts are on values (leaves), never on a keyed list item as such
      if (!e.set.has(p) || (JSON.parse(p) as Path).at(-1)!.startsWith('k:')) continue
      const path = JSON.parse(p) as Path
      if (JSON.stringify(valueAt(live, path)) !== JSON.stringify(valueAt(config, path))) conflicts.push({manager: e, path: p})
    }
  }
  if (conflicts.length && !force) return {conflicts}
  for (const c of conflicts) entries.find((e) => e === c.manager)?.set.delete(c.path)
  const previous = entries.find(isMine)?.set ?? new Set<string>()
  const merged = mergeApplied(structuredClone(live ?? {apiVersion: config.apiVersion, kind: config.kind, metadata: {name: config.metadata.name}}), config, schemaFor(config.kind))
  // fields this manager applied before and applies no more go, unless another manager owns them too
  for (const p of previous) {
    if (applied.has(p) || entries.some((e) => !isMine(e) && e.set.has(p))) continue
    removePath(merged, JSON.parse(p) as Path)
  }
  const others = entries.filter((e) => !isMine(e))
  const mine = {manager, operation: 'Apply' as const, apiVersion, time: now(), fieldsType: 'FieldsV1' as const, fieldsV1: {}, set: applied}
  merged.metadata.managedFields = finish([...others, mine])
  return {object: merged}
}

/** Merges an applied configuration: maps field by field, keyed lists item by item, everything else replaced. */
function mergeApplied(target: Record<string, any>, config: Record<string, any>, info: TypeInfo | undefined): KubeObject {
  for (const [k, v] of Object.entries(config)) {
    if (k === 'managedFields') continue
    const field = info?.fields[k]
    const current = target[k]
    if (Array.isArray(v) && field?.mergeKey && !ATOMIC.has(k) && Array.isArray(current)) {
      const list = [...current]
      for (const item of v) {
        if (field.mergeKey === '') {
          if (!list.some((x) => JSON.stringify(x) === JSON.stringify(item))) list.push(item)
          continue
        }
        const key = keyOf(item, field)
        const i = list.findIndex((x) => Object.entries(key).every(([kk, vv]) => JSON.stringify(x[kk]) === JSON.stringify(vv)))
        if (i >= 0) list[i] = mergeApplied(structuredClone(list[i]), item, field.type)
        else list.push(item)
      }
      target[k] = list
    } else if (v && typeof v === 'object' && !Array.isArray(v) && current && typeof current === 'object' && !Array.isArray(current) && !ATOMIC.has(k)) {
      target[k] = mergeApplied(current, v, field?.type)
    } else target[k] = structuredClone(v)
  }
  return target as KubeObject
}

function removePath(obj: Record<string, any>, path: Path): void {
  const parentPath = path.slice(0, -1)
  const parent = parentPath.length ? valueAt(obj, parentPath) : obj
  const last = path.at(-1)!
  if (!parent || typeof parent !== 'object') return
  if (last.startsWith('f:')) delete (parent as Record<string, unknown>)[last.slice(2)]
  else if (Array.isArray(parent)) {
    const item = valueAt(obj, path)
    const i = parent.indexOf(item)
    if (i >= 0) parent.splice(i, 1)
  }
}

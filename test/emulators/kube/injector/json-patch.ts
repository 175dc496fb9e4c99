/**
 * evanphx/json-patch v5.9.11 (the root, v4-compatible package vault-k8s imports) Patch.Apply on one container: its
 * lazy documents, findObject, and error texts (patch.go). The kube emulator's own JSON patch (PATCH requests) is a
 * separate library version with other words.
 */
type Doc = Record<string, unknown> | unknown[]

const isContainer = (value: unknown): value is Doc => value !== null && typeof value === 'object'
const decodeKey = (key: string): string => key.replaceAll('~1', '/').replaceAll('~0', '~')

/** findObject: the document holding the last path segment, or undefined. */
function findObject(doc: Doc, path: string): [Doc, string] | undefined {
  const split = path.split('/')
  if (split.length < 2) return undefined
  let node: unknown = doc
  for (const part of split.slice(1, -1).map(decodeKey)) {
    if (Array.isArray(node)) {
      const index = arrayIndex(part, node.length)
      node = typeof index === 'number' && index < node.length ? node[index] : undefined
    } else node = (node as Record<string, unknown>)[part]
    if (!isContainer(node)) return undefined
  }
  return [node as Doc, decodeKey(split.at(-1)!)]
}

function arrayIndex(key: string, length: number): number | Error {
  if (!/^-?\d+$/.test(key)) return new Error(`value was not a proper array index: '${key}': strconv.Atoi: parsing ${JSON.stringify(key)}: invalid syntax`)
  const index = Number(key)
  if (index < -length) return new Error(`Unable to access invalid index: ${index}: invalid index referenced`)
  return index < 0 ? index + length : index
}

function get(doc: Doc, key: string): unknown {
  if (!Array.isArray(doc)) return doc[key]
  const index = arrayIndex(key, doc.length)
  if (index instanceof Error) throw index
  if (index >= doc.length) throw new Error(`Unable to access invalid index: ${index}: invalid index referenced`)
  return doc[index]
}

function add(doc: Doc, key: string, value: unknown): void {
  if (!Array.isArray(doc)) {
    doc[key] = value
    return
  }
  if (key === '-') {
    doc.push(value)
    return
  }
  const index = arrayIndex(key, doc.length)
  if (index instanceof Error) throw index
  if (index > doc.length) throw new Error(`Unable to access invalid index: ${index}: invalid index referenced`)
  doc.splice(index, 0, value)
}

function remove(doc: Doc, key: string): unknown {
  if (!Array.isArray(doc)) {
    if (!(key in doc)) throw new Error(`Unable to remove nonexistent key: ${key}: missing value`)
    const value = doc[key]
    delete doc[key]
    return value
  }
  const index = arrayIndex(key, doc.length)
  if (index instanceof Error) throw index
  if (index >= doc.length) throw new Error(`Unable to access invalid index: ${index}: invalid index referenced`)
  return doc.splice(index, 1)[0]
}

const field = (op: Record<string, unknown>, name: string): string | undefined => (typeof op[name] === 'string' ? (op[name] as string) : undefined)

function applyOne(doc: Doc, op: Record<string, unknown> | null): void {
  const kind = typeof op?.op === 'string' ? op.op : 'unknown'
  const path = op ? field(op, 'path') : undefined
  const wrap = (what: string, at: string, error: unknown): Error => new Error(`error in ${what} for path: '${at}': ${(error as Error).message}`)
  switch (kind) {
    case 'add':
    case 'remove': {
      if (path === undefined) throw new Error(`${kind} operation failed to decode path: missing value`)
      const found = findObject(doc, path)
      if (!found) throw new Error(`${kind} operation does not apply: doc is missing path: "${path}": missing value`)
      try {
        if (kind === 'add') add(found[0], found[1], structuredClone(op!.value ?? null))
        else remove(found[0], found[1])
      } catch (error) {
        throw wrap(kind, path, error)
      }
      return
    }
    case 'replace': {
      if (path === undefined) throw new Error('replace operation failed to decode path: operation missing path field: missing value')
      const found = findObject(doc, path)
      if (!found) throw new Error(`replace operation does not apply: doc is missing path: ${path}: missing value`)
      const [parent, key] = found
      if (Array.isArray(parent)) {
        const index = arrayIndex(key, parent.length)
        if (index instanceof Error || index >= parent.length) throw new Error(`replace operation does not apply: doc is missing key: ${path}: missing value`)
        parent[index] = structuredClone(op!.value ?? null)
      } else parent[key] = structuredClone(op!.value ?? null)
      return
    }
    case 'move':
    case 'copy': {
      const from = field(op!, 'from')
      if (from === undefined) throw new Error(`${kind} operation failed to decode from: operation, missing from field: missing value`)
      const source = findObject(doc, from)
      if (!source) throw new Error(`${kind} operation does not apply: doc is missing from path: ${from}: missing value`)
      let value: unknown
      try {
        value = kind === 'move' ? remove(source[0], source[1]) : structuredClone(get(source[0], source[1]))
      } catch (error) {
        throw kind === 'move' ? wrap('move', source[1], error) : new Error(`error in copy for from: '${from}': ${(error as Error).message}`)
      }
      if (path === undefined) throw new Error(`${kind} operation failed to decode path: missing value`)
      const target = findObject(doc, path)
      if (!target) throw new Error(`${kind} operation does not apply: doc is missing destination path: ${path}: missing value`)
      try {
        add(target[0], target[1], value)
      } catch (error) {
        throw wrap(kind, path, error)
      }
      return
    }
    case 'test': {
      if (path === undefined) throw new Error('test operation failed to decode path: operation missing path field: missing value')
      const found = findObject(doc, path)
      if (!found) throw new Error(`test operation does not apply: is missing path: ${path}: missing value`)
      let actual: unknown
      try {
        actual = get(found[0], found[1])
      } catch (error) {
        throw wrap('test', path, error)
      }
      if (JSON.stringify(actual ?? null) !== JSON.stringify(op!.value ?? null)) throw new Error(`testing value ${path} failed: test failed`)
      return
    }
    default:
      throw new Error(`Unexpected kind: ${kind}`)
  }
}

/** Patch.Apply on a copy of `container`; throws evanphx's error. */
export function applyJsonPatch<T extends object>(container: T, patch: Array<Record<string, unknown> | null>): T {
  const doc = structuredClone(container) as unknown as Doc
  for (const op of patch) applyOne(doc, op)
  return doc as unknown as T
}

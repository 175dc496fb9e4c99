/**
 * Applies `agent-json-patch` / `agent-init-json-patch` to the container the injector builds, as vault-k8s does with
 * evanphx/json-patch (container_sidecar.go, container_init_sidecar.go). fast-json-patch applies the operations; the
 * validator below refuses what evanphx's Apply refuses, in its words: evanphx lets `replace` set an absent object
 * key, for example, where fast-json-patch's own validation would refuse it.
 */
import type {Operation} from 'fast-json-patch'
import fastJsonPatch from 'fast-json-patch'

type Json = unknown

/** evanphx's decodePatchKey (RFC 6901 unescaping). */
const decodeKey = (key: string): string => key.replaceAll('~1', '/').replaceAll('~0', '~')

const isObject = (value: Json): value is Record<string, Json> => value !== null && typeof value === 'object' && !Array.isArray(value)

/** evanphx findObject: the container holding the last segment, or undefined when a parent is missing. */
function parentOf(document: Json, path: string): {parent: Record<string, Json> | Json[]; key: string} | undefined {
  const segments = path.split('/')
  if (segments.length < 2) return undefined
  let node: Json = document
  for (const segment of segments.slice(1, -1).map(decodeKey)) {
    if (Array.isArray(node)) {
      const index = arrayIndex(segment, node.length, false)
      if (typeof index === 'string') return undefined
      node = node[index]
    } else if (isObject(node)) node = node[segment]
    else return undefined
    if (node === undefined || node === null || typeof node !== 'object') return undefined
  }
  return {parent: node as Record<string, Json> | Json[], key: decodeKey(segments.at(-1)!)}
}

/** An array index as evanphx reads it (negative counts from the end), or its error. */
function arrayIndex(key: string, length: number, forAdd: boolean): number | string {
  if (!/^-?\d+$/.test(key)) return `value was not a proper array index: '${key}'`
  let index = Number(key)
  const invalid = `Unable to access invalid index: ${index}: invalid index referenced`
  if (index < -length || index > length || (!forAdd && index === length)) return invalid
  if (index < 0) index += length
  return index
}

function field(operation: Record<string, Json>, name: 'path' | 'from'): string | undefined {
  const value = operation[name]
  return typeof value === 'string' ? value : undefined
}

/** Throws evanphx's error for an operation it would refuse on `document`. */
function evanphxRefusal(operation: Record<string, Json> | null, document: Json): string | undefined {
  const kind = typeof operation?.op === 'string' ? operation.op : 'unknown'
  if (!operation || !['add', 'remove', 'replace', 'move', 'copy', 'test'].includes(kind)) return `Unexpected kind: ${kind}`
  const path = field(operation, 'path')
  if (path === undefined) return kind === 'replace' ? 'replace operation failed to decode path: operation missing path field: missing value' : `${kind} operation failed to decode path: missing value`
  if (kind === 'replace' && path === '') return isObject(operation.value) || Array.isArray(operation.value) ? undefined : 'replace operation value must be object or array: <nil>'
  if (kind === 'move' || kind === 'copy') {
    const from = field(operation, 'from')
    if (from === undefined) return `${kind} operation failed to decode from: operation, missing from field: missing value`
    const source = parentOf(document, from)
    if (!source) return `${kind} operation does not apply: doc is missing from path: ${from}: missing value`
    const missing = Array.isArray(source.parent) ? typeof arrayIndex(source.key, source.parent.length, false) === 'string' : !(source.key in source.parent)
    if (missing) return kind === 'move' ? `error in move for path: '${source.key}': Unable to remove nonexistent key: ${source.key}: missing value` : `error in copy for from: '${from}': missing value`
  }
  const target = parentOf(document, path)
  if (!target) {
    if (kind === 'add' || kind === 'remove') return `${kind} operation does not apply: doc is missing path: "${path}": missing value`
    if (kind === 'test') return `test operation does not apply: is missing path: ${path}: missing value`
    if (kind === 'replace') return `replace operation does not apply: doc is missing path: ${path}: missing value`
    return `${kind} operation does not apply: doc is missing destination path: ${path}: missing value`
  }
  const {parent, key} = target
  if (Array.isArray(parent)) {
    const appending = (kind === 'add' || kind === 'move' || kind === 'copy') && key === '-'
    const index = appending ? parent.length : arrayIndex(key, parent.length, kind === 'add' || kind === 'move' || kind === 'copy')
    if (typeof index === 'string') return kind === 'replace' ? `replace operation does not apply: doc is missing key: ${path}: missing value` : `error in ${kind === 'test' ? 'test' : kind} for path: '${path}': ${index}`
  } else if (kind === 'remove' && !(key in parent)) {
    return `error in remove for path: '${path}': Unable to remove nonexistent key: ${key}: missing value`
  }
  return undefined
}

/** The container after the patch, or evanphx's error (the injector then denies the pod). */
export function applyContainerPatch(container: Record<string, Json>, patch: unknown): {container: Record<string, Json>} | {error: string} {
  // DecodePatch: `null` is an empty patch.
  if (patch === null) return {container}
  const document = structuredClone(container)
  try {
    const validator = (operation: Operation, _index: number, current: Json): void => {
      const refusal = evanphxRefusal(operation as unknown as Record<string, Json> | null, current)
      if (refusal) throw new Error(refusal)
    }
    const result = fastJsonPatch.applyPatch(document, patch as Operation[], validator, true, true).newDocument
    return {container: result as Record<string, Json>}
  } catch (error) {
    const {name, message, operation} = error as Error & {operation?: {path?: unknown}}
    if (name === 'TEST_OPERATION_FAILED') return {error: `testing value ${String(operation?.path)} failed: test failed`}
    return {error: message.split('\n')[0]!}
  }
}

const CONTAINER_FIELD_TYPES: Readonly<Record<string, 'string' | '[]string' | 'bool'>> = {
  name: 'string',
  image: 'string',
  command: '[]string',
  args: '[]string',
  workingDir: 'string',
  restartPolicy: 'string',
  terminationMessagePath: 'string',
  terminationMessagePolicy: 'string',
  imagePullPolicy: 'string',
  stdin: 'bool',
  stdinOnce: 'bool',
  tty: 'bool',
}

const goJsonKind = (value: Json): string =>
  Array.isArray(value) ? 'array' : typeof value === 'object' ? 'object' : typeof value === 'boolean' ? 'bool' : typeof value === 'number' ? 'number' : 'string'

/**
 * vault-k8s container_sidecar.go json.Unmarshal's the patched container into corev1.Container: encoding/json's
 * error for a scalar field of the wrong type (the fields a patch is likely to set), or undefined.
 */
export function containerTypeError(container: Record<string, Json>): string | undefined {
  for (const [field, value] of Object.entries(container)) {
    const type = CONTAINER_FIELD_TYPES[field]
    if (type === undefined || value === null) continue
    const error = (of: Json, goType: string) => `json: cannot unmarshal ${goJsonKind(of)} into Go struct field Container.${field} of type ${goType}`
    if (type === '[]string') {
      if (!Array.isArray(value)) return error(value, '[]string')
      const item = value.find((element) => element !== null && typeof element !== 'string')
      if (item !== undefined) return error(item, 'string')
    } else if (typeof value !== (type === 'bool' ? 'boolean' : 'string')) return error(value, type)
  }
  return undefined
}

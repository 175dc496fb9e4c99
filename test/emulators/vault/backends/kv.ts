// The KV secrets engine: v1 passthrough (vault-plugin-secrets-kv passthrough.go) and v2
// versioned (path_data.go, path_metadata.go, path_delete.go, path_destroy.go, backend.go).
import {createHash} from 'node:crypto'
import type {Clock, Stamp} from '../clock.js'
import {formatGoDuration} from '../go-duration-format.js'
import {goStruct, GoJsonNumber, toFloat64Numbers} from '../go-json.js'
import type {TokenEntry} from '../tokens.js'
import {parseDurationSecond} from '../go-strconv.js'
import type {Backend, HandlerRequest, Route} from '../framework.js'
import {errorResponse, listOf, nil, ok, withStatus, type Reply} from '../reply.js'
import {customMetadataProblem, parseCustomMetadata, weakDecodeInt} from './kv-checks.js'

/** Immediate children of a prefix; sub-folders end in "/". */
export function listChildren(keys: Iterable<string>, prefix: string): string[] {
  const children = new Set<string>()
  for (const key of keys) {
    if (!key.startsWith(prefix)) continue
    const rest = key.slice(prefix.length)
    const slash = rest.indexOf('/')
    children.add(slash === -1 ? rest : rest.slice(0, slash + 1))
  }
  children.delete('')
  return [...children].sort()
}

/** The body's `data` object as Vault decoded it (json.Number kept): json.Marshal writes those numbers as written. */
function exactData(req: HandlerRequest): Record<string, unknown> | undefined {
  const data = req.exactData?.['data']
  return data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : undefined
}

export class KvV1Store {
  readonly entries = new Map<string, Record<string, unknown>>()
}

export function kvV1Backend(store: KvV1Store, defaultTtl: () => number): Backend {
  const route: Route = {
    pattern: '.*',
    existenceCheck: (req) => store.entries.has(req.path),
    operations: {
      read: (req) => {
        const data = store.entries.get(req.path)
        if (data === undefined) return nil()
        let ttl = defaultTtl()
        const stored = data['ttl'] ?? data['lease']
        const ttlRaw = stored instanceof GoJsonNumber ? stored.text : stored
        if (ttlRaw !== undefined) {
          try {
            ttl = parseDurationSecond(ttlRaw)
          } catch {
            // An unparsable ttl key is just data; the mount default applies.
          }
        }
        return {...ok(data), leaseDuration: ttl}
      },
      update: (req) => {
        if (req.path === '') return errorResponse('missing path')
        if (Object.keys(req.data).length === 0) return errorResponse('missing data fields')
        // passthrough.go stores json.Marshal(req.Data) and reads it back with jsonutil.DecodeJSON (UseNumber):
        // numbers come back as written (1.50, 1e3, -0).
        store.entries.set(req.path, req.exactData ?? structuredClone(req.data))
        return nil()
      },
      delete: (req) => {
        store.entries.delete(req.path)
        return nil()
      },
      list: (req) => listOf(listChildren(store.entries.keys(), req.path)),
    },
  }
  return {mountType: 'kv', routes: [route]}
}

/**
 * Who changed a key (vault-plugin-secrets-kv types.proto Attribution, backend.go getAttribution): added in v0.25.0,
 * bundled since Vault 1.21, and unchanged through 824fb96 (v0.26.3-pre, what Vault's go.mod pins in mid-2026), so the
 * emulated Vault (test/emulators/versions.ts) returns it. A Go struct with `omitempty` on every field, so empty ones are left out.
 */
export interface Attribution {
  actor?: string
  operation?: string
  entity_id?: string
  client_id?: string
}

/**
 * sdk/logical/token.go CreateClientID: the entity ID, or for a token without entity the base64 SHA-256 of its sorted
 * policies joined by \x7F, then \x00 and the namespace ID ("root" on Vault Community).
 */
function clientId(token: TokenEntry): string {
  if (token.entityId !== '') return token.entityId
  const input = `${[...token.policies].sort().join('\x7F')}\x00root`
  return createHash('sha256').update(input).digest('base64')
}

/** backend.go getAttribution: the request's display name, entity, client ID and operation. */
export function attributionOf(token: TokenEntry | undefined, operation: string): Attribution {
  return goStruct({
    actor: token?.displayName || undefined,
    operation,
    entity_id: token?.entityId || undefined,
    client_id: (token && clientId(token)) || undefined,
  })
}

/** upgrade.go: keys moved from a kv v1 mount are attributed to the upgrade itself. */
export const UPGRADE_ATTRIBUTION: Attribution = goStruct({actor: 'kv_upgrade', operation: 'upgrade'})

export interface KvVersion {
  data: Record<string, unknown> | null
  created: Stamp
  deletion: Stamp | null
  destroyed: boolean
  /** Nil (JSON null) only for versions written before v0.25.0; every version written here has one. */
  createdBy: Attribution | null
  deletedBy: Attribution | null
}

export interface KvKey {
  versions: Map<number, KvVersion>
  currentVersion: number
  oldestVersion: number
  created: Stamp | null
  updated: Stamp | null
  maxVersions: number
  casRequired: boolean
  deleteVersionAfter: number
  customMetadata: Record<string, string> | null
  /** Set by data writes, patches, deletes and undeletes; null while only metadata was written. */
  lastUpdatedBy: Attribution | null
}

export class KvV2Store {
  readonly config = {maxVersions: 0, casRequired: false, deleteVersionAfter: 0}
  readonly keys = new Map<string, KvKey>()
}

const DEFAULT_MAX_VERSIONS = 10
/** delete_version_after.go: the mount config's "disabled" value, -1s. */
const DELETE_VERSION_AFTER_DISABLED = -1

/** FieldData.GetOk: a field counts as given when the request has it, even as null (it then decodes to its zero value). */
const given = (req: HandlerRequest, name: string): boolean => name in req.fields.raw
const UPGRADING =
  'Upgrading from non-versioned to versioned data. This backend will be unavailable for a brief period and will resume service shortly.'

export interface KvV2Options {
  clock: Clock
  /** Until this time the mount answers like a kv-v2 mount that is still upgrading. */
  upgradingUntilMs: number
}

export function kvV2Backend(store: KvV2Store, {clock, upgradingUntilMs}: KvV2Options): Backend {
  const upgradeCheck =
    <T extends (req: HandlerRequest) => Reply>(handler: T) =>
    (req: HandlerRequest): Reply =>
      clock.nowMs() < upgradingUntilMs ? errorResponse(UPGRADING) : handler(req)

  const isDeleted = (v: KvVersion): boolean => v.deletion !== null && v.deletion.ms <= clock.nowMs()

  const versionMetadata = (v: KvVersion): Record<string, unknown> => ({
    created_time: v.created.text,
    deletion_time: v.deletion?.text ?? '',
    destroyed: v.destroyed,
  })

  /** path_metadata.go pathMetadataRead: each version also shows who created and who deleted it. */
  const versionAttribution = (v: KvVersion): Record<string, unknown> => ({...versionMetadata(v), created_by: v.createdBy, deleted_by: v.deletedBy})

  const dataMetadata = (key: KvKey, version: number): Record<string, unknown> => ({
    ...versionMetadata(key.versions.get(version)!),
    custom_metadata: key.customMetadata,
    version,
  })

  /** path_data.go validateCheckAndSetOption: `cas` is WeakDecoded into an int (json.Number, "0x1", true, null all count). */
  const casError = (req: HandlerRequest, key: KvKey): string | undefined => {
    const options = req.fields.get<Record<string, unknown>>('options')
    if ('cas' in options) {
      const exact = req.exactData?.['options']
      const raw = exact !== null && typeof exact === 'object' && 'cas' in exact ? (exact as Record<string, unknown>)['cas'] : options['cas']
      const cas = weakDecodeInt(raw)
      if (cas === undefined) return 'error parsing check-and-set parameter'
      if (cas !== key.currentVersion) return 'check-and-set parameter did not match the current version'
    } else if (store.config.casRequired || key.casRequired) {
      return 'check-and-set parameter required for this call'
    }
    return undefined
  }

  /**
   * delete_version_after.go deletionTime: the shorter of the mount's and the key's delete_version_after (either may be
   * unset), none when the mount's is disabled (-1s, path_config.go turns any negative value into that).
   */
  const deletionFor = (fromMs: number, key: KvKey): Stamp | null => {
    const mount = store.config.deleteVersionAfter
    const meta = key.deleteVersionAfter
    if (mount === DELETE_VERSION_AFTER_DISABLED || (mount === 0 && meta === 0)) return null
    const after = meta !== 0 && (mount === 0 || meta <= mount) ? meta : mount
    return clock.stampAt(fromMs + after * 1000)
  }

  /**
   * path_data.go: LastUpdatedBy is set first, and AddVersion copies it into the new version's CreatedBy. AddVersion
   * keeps max(key max_versions, mount max_versions) versions (10 when both are 0), and moves oldest_version as soon
   * as current − oldest reaches that number (so after the 10th write of a new key oldest_version is 1).
   */
  const addVersion = (key: KvKey, data: Record<string, unknown>, by: Attribution): number => {
    const created = clock.stamp()
    key.lastUpdatedBy = by
    key.currentVersion++
    key.versions.set(key.currentVersion, {data, created, deletion: deletionFor(created.ms, key), destroyed: false, createdBy: by, deletedBy: null})
    key.updated = created
    key.created ??= created
    const larger = Math.max(key.maxVersions, store.config.maxVersions)
    const max = larger > 0 ? larger : DEFAULT_MAX_VERSIONS
    if (key.currentVersion - key.oldestVersion >= max) {
      const versionToDelete = key.currentVersion - max
      for (let v = key.oldestVersion; v < versionToDelete + 1; v++) key.versions.delete(v)
      key.oldestVersion = versionToDelete + 1
    }
    return key.currentVersion
  }

  const newKey = (): KvKey => ({
    versions: new Map(),
    currentVersion: 0,
    oldestVersion: 0,
    created: null,
    updated: null,
    maxVersions: 0,
    casRequired: false,
    deleteVersionAfter: 0,
    customMetadata: null,
    lastUpdatedBy: null,
  })

  const readData = (req: HandlerRequest): Reply => {
    const key = store.keys.get(req.captures['path']!)
    if (key === undefined) return nil()
    const requested = req.fields.get<number>('version')
    const version = requested > 0 ? requested : key.currentVersion
    const v = key.versions.get(version)
    if (v === undefined) return nil()
    const response = ok({data: null, metadata: dataMetadata(key, version)})
    // Deleted or destroyed versions answer 404 with their metadata (RespondWithStatusCode).
    if (isDeleted(v) || v.destroyed) return withStatus(404, response)
    // path_data.go reads a version back with json.Unmarshal into interface{} (no UseNumber): every number is a float64
    // again, so 1.50 is answered as 1.5, 1e3 as 1000 and 12345678901234567890 as 12345678901234567000.
    return ok({data: toFloat64Numbers(v.data), metadata: dataMetadata(key, version)})
  }

  const writeData = (req: HandlerRequest): Reply => {
    const path = req.captures['path']!
    if (!req.fields.has('data')) return errorResponse('no data provided')
    const key = store.keys.get(path) ?? newKey()
    const problem = casError(req, key)
    if (problem !== undefined) return errorResponse(problem)
    store.keys.set(path, key)
    const version = addVersion(key, exactData(req) ?? structuredClone(req.fields.get<Record<string, unknown>>('data')), attributionOf(req.token, req.op))
    return ok(dataMetadata(key, version))
  }

  const patchData = (req: HandlerRequest): Reply => {
    if (!req.fields.has('data')) return errorResponse('no data provided')
    const key = store.keys.get(req.captures['path']!)
    // path_data.go pathDataPatch: RespondWithStatusCode(nil, req, 404), a 404 with an empty body.
    if (key === undefined) return withStatus(404)
    const problem = casError(req, key)
    if (problem !== undefined) return errorResponse(problem)
    const current = key.versions.get(key.currentVersion)
    if (current === undefined) return withStatus(404)
    if (isDeleted(current) || current.destroyed) return withStatus(404, ok(dataMetadata(key, key.currentVersion)))
    const merged = mergePatch(current.data ?? {}, exactData(req) ?? req.fields.get<Record<string, unknown>>('data'))
    return ok(dataMetadata(key, addVersion(key, merged, attributionOf(req.token, req.op))))
  }

  const deleteLatest = (req: HandlerRequest): Reply => {
    const key = store.keys.get(req.captures['path']!)
    const latest = key?.versions.get(key.currentVersion)
    if (key === undefined || latest === undefined || latest.destroyed || isDeleted(latest)) return nil()
    latest.deletion = clock.stamp()
    latest.deletedBy = attributionOf(req.token, req.op)
    key.lastUpdatedBy = latest.deletedBy
    return nil()
  }

  /**
   * path_delete.go and path_destroy.go: `attributed` names the operation recorded as the key's LastUpdatedBy, even when
   * no listed version changed (delete: the request's, undelete: "undelete"; destroy records none).
   */
  const forVersions = (change: (v: KvVersion, by: Attribution, key: KvKey) => void, attributed?: (req: HandlerRequest) => string) => (req: HandlerRequest): Reply => {
    const versions = req.fields.get<number[]>('versions')
    // path_delete.go capitalises this message, path_destroy.go does not.
    if (versions.length === 0) return errorResponse(attributed === undefined ? 'no version number provided' : 'No version number provided')
    const key = store.keys.get(req.captures['path']!)
    if (key === undefined) return nil()
    const by = attributionOf(req.token, attributed?.(req) ?? req.op)
    for (const n of versions) {
      const v = key.versions.get(n)
      if (v !== undefined) change(v, by, key)
    }
    if (attributed !== undefined) key.lastUpdatedBy = by
    return nil()
  }

  const readMetadata = (req: HandlerRequest): Reply => {
    const key = store.keys.get(req.captures['path']!)
    if (key === undefined) return nil()
    return ok({
      cas_required: key.casRequired,
      created_time: key.created?.text ?? '',
      current_version: key.currentVersion,
      custom_metadata: key.customMetadata,
      delete_version_after: formatGoDuration(key.deleteVersionAfter),
      max_versions: key.maxVersions,
      oldest_version: key.oldestVersion,
      updated_time: key.updated?.text ?? '',
      last_updated_by: key.lastUpdatedBy,
      versions: Object.fromEntries([...key.versions].map(([n, v]) => [String(n), versionAttribution(v)])),
    })
  }

  /** custom_metadata as sent (json.Number kept), parsed and validated; a string is Vault's error text. */
  const customMetadataOf = (req: HandlerRequest, filterNils: boolean): Record<string, string | null> | string => {
    const exact = req.exactData?.['custom_metadata']
    const raw = exact !== null && typeof exact === 'object' && !Array.isArray(exact) ? (exact as Record<string, unknown>) : req.fields.get<Record<string, unknown>>('custom_metadata')
    const parsed = parseCustomMetadata(raw, filterNils)
    if (typeof parsed === 'string') return parsed
    return customMetadataProblem(parsed) ?? parsed
  }

  /** path_metadata.go pathMetadataWrite and pathMetadataPatch both warn when the mount mandates cas. */
  const casWarning = (req: HandlerRequest): string[] =>
    given(req, 'cas_required') && store.config.casRequired && !req.fields.get<boolean>('cas_required')
      ? ['"cas_required" set to false, but is mandated by backend config. This value will be ignored.']
      : []

  /** A KeyMetadata's protobuf map comes back from storage as nil when empty: it reads as null. */
  const storedMap = (map: Record<string, string>): Record<string, string> | null => (Object.keys(map).length > 0 ? map : null)

  /**
   * path_metadata.go pathMetadataWrite: "missing path"; a write with none of the four settings changes nothing
   * (not even creating the key); created_time and updated_time are set only when the key is new.
   */
  const writeMetadata = (req: HandlerRequest): Reply => {
    const path = req.captures['path']!
    if (path === '') return errorResponse('missing path')
    const settings = ['max_versions', 'cas_required', 'delete_version_after', 'custom_metadata'] as const
    if (!settings.some((name) => given(req, name))) return nil()
    let custom: Record<string, string | null> | undefined
    if (given(req, 'custom_metadata')) {
      const checked = customMetadataOf(req, false)
      if (typeof checked === 'string') return errorResponse(checked)
      custom = checked
    }
    const warnings = casWarning(req)
    let key = store.keys.get(path)
    if (key === undefined) {
      key = newKey()
      key.created = clock.stamp()
      key.updated = key.created
      store.keys.set(path, key)
    }
    const f = req.fields
    if (given(req, 'max_versions')) key.maxVersions = f.get('max_versions')
    if (given(req, 'cas_required')) key.casRequired = f.get('cas_required')
    if (given(req, 'delete_version_after')) key.deleteVersionAfter = f.get('delete_version_after')
    if (custom !== undefined) key.customMetadata = storedMap(custom as Record<string, string>)
    return warnings.length > 0 ? ok(null, warnings) : nil()
  }

  /**
   * path_metadata.go pathMetadataPatch: a JSON merge patch of the key's metadata (framework.HandlePatchOperation):
   * custom_metadata keys are merged and a null removes one; a key without metadata is a 404 with an empty body.
   */
  const patchMetadata = (req: HandlerRequest): Reply => {
    const path = req.captures['path']!
    if (path === '') return errorResponse('missing path')
    let custom: Record<string, string | null> | undefined
    if (given(req, 'custom_metadata')) {
      const checked = customMetadataOf(req, true)
      if (typeof checked === 'string') return errorResponse(checked)
      custom = checked
    }
    const key = store.keys.get(path)
    if (key === undefined) return withStatus(404)
    const warnings = casWarning(req)
    const f = req.fields
    if (given(req, 'max_versions')) key.maxVersions = f.get('max_versions')
    if (given(req, 'cas_required')) key.casRequired = f.get('cas_required')
    if (given(req, 'delete_version_after')) key.deleteVersionAfter = f.get('delete_version_after')
    if (custom !== undefined) {
      const merged: Record<string, string> = {...key.customMetadata}
      for (const [k, v] of Object.entries(custom)) {
        if (v === null) delete merged[k]
        else merged[k] = v
      }
      key.customMetadata = storedMap(merged)
    }
    return warnings.length > 0 ? ok(null, warnings) : nil()
  }

  /** path_metadata.go pathMetadataList: exclude_deleted leaves out keys whose current version has a deletion_time. */
  const listMetadata = (req: HandlerRequest): Reply => {
    const prefix = req.captures['path']!
    let children = listChildren(store.keys.keys(), prefix)
    if (req.fields.get<boolean>('exclude_deleted')) {
      children = children.filter((child) => {
        if (child.endsWith('/')) return true
        const key = store.keys.get(prefix + child)
        return key?.versions.get(key.currentVersion)?.deletion == null
      })
    }
    return listOf(children)
  }

  const pathField = {path: 'string'} as const
  const routes: Route[] = [
    {
      pattern: 'config',
      fields: {max_versions: 'int', cas_required: 'bool', delete_version_after: 'duration'},
      operations: {
        read: () =>
          ok({
            cas_required: store.config.casRequired,
            delete_version_after: formatGoDuration(store.config.deleteVersionAfter),
            max_versions: store.config.maxVersions,
          }),
        update: (req) => {
          const f = req.fields
          if (f.has('max_versions')) store.config.maxVersions = f.get('max_versions')
          if (f.has('cas_required')) store.config.casRequired = f.get('cas_required')
          if (f.has('delete_version_after')) {
            const after = f.get<number>('delete_version_after')
            // path_config.go: a negative value disables delete_version_after (stored as -1s), 0 clears it.
            store.config.deleteVersionAfter = after < 0 ? DELETE_VERSION_AFTER_DISABLED : after
          }
          return nil()
        },
      },
    },
    {
      pattern: 'data/(?<path>.*?[^/])',
      fields: {...pathField, version: 'int', options: 'map', data: 'map'},
      existenceCheck: (req) => store.keys.has(req.captures['path']!),
      operations: {
        read: upgradeCheck(readData),
        create: upgradeCheck(writeData),
        update: upgradeCheck(writeData),
        patch: upgradeCheck(patchData),
        delete: upgradeCheck(deleteLatest),
      },
    },
    {
      pattern: 'metadata/(?<path>.*)',
      fields: {...pathField, exclude_deleted: 'bool', max_versions: 'int', cas_required: 'bool', delete_version_after: 'duration', custom_metadata: 'map'},
      existenceCheck: (req) => store.keys.has(req.captures['path']!),
      operations: {
        read: upgradeCheck(readMetadata),
        create: upgradeCheck(writeMetadata),
        update: upgradeCheck(writeMetadata),
        patch: upgradeCheck(patchMetadata),
        delete: upgradeCheck((req) => {
          store.keys.delete(req.captures['path']!)
          return nil()
        }),
        list: upgradeCheck(listMetadata),
      },
    },
    {
      pattern: 'destroy/(?<path>.*)',
      fields: {...pathField, versions: 'commaInts'},
      operations: {
        update: upgradeCheck(
          forVersions((v) => {
            v.destroyed = true
            v.data = null
          }),
        ),
      },
    },
    {
      pattern: 'delete/(?<path>.*)',
      fields: {...pathField, versions: 'commaInts'},
      operations: {
        update: upgradeCheck(
          forVersions(
            (v, by) => {
              if (v.destroyed || isDeleted(v)) return
              v.deletion = clock.stamp()
              v.deletedBy = by
            },
            (req) => req.op,
          ),
        ),
      },
    },
    {
      pattern: 'undelete/(?<path>.*)',
      fields: {...pathField, versions: 'commaInts'},
      operations: {
        update: upgradeCheck(
          forVersions(
            (v, _by, key) => {
              if (v.destroyed) return
              // path_delete.go pathUndeleteWrite: the version gets a new deletion_time from now when one applies.
              v.deletion = deletionFor(clock.nowMs(), key)
              v.deletedBy = null
            },
            () => 'undelete',
          ),
        ),
      },
    },
    invalidPathRoute(),
  ]
  return {mountType: 'kv', routes}
}

/** backend.go pathInvalid: v1-style paths on a v2 mount answer 404 with a hint. */
function invalidPathRoute(): Route {
  const verbs: Record<string, string> = {create: 'put', update: 'put', patch: 'patch', read: 'get', list: 'list', delete: 'delete'}
  const handler = (req: HandlerRequest): Reply => {
    if (['metadata', 'data', 'delete', 'undelete', 'destroy'].includes(req.path)) {
      return withStatus(404, ok(null, ['Non-listing operations on the root of a K/V v2 mount are not supported.']))
    }
    return withStatus(
      404,
      ok(null, [
        `Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv ${verbs[req.op]}' for this operation.`,
      ]),
    )
  }
  return {pattern: '.*', operations: {update: handler, patch: handler, read: handler, delete: handler, list: handler}}
}

/** RFC 7396 JSON merge patch. */
function mergePatch(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  // The stored version is read back as float64s (json.Unmarshal), the patch keeps json.Number.
  const result = toFloat64Numbers(target) as Record<string, unknown>
  const isObject = (value: unknown): value is Record<string, unknown> =>
    value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof GoJsonNumber)
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete result[k]
    else if (isObject(v) && isObject(result[k])) result[k] = mergePatch(result[k], v)
    else result[k] = v
  }
  return result
}

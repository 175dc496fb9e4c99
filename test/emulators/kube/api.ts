import type {UserInfo} from './auth.js'
import type {Cluster} from './cluster.js'
import type {KubeObject} from './types.js'

import {posix} from 'node:path'

import {parse as parseYaml} from 'yaml'

import {ISSUER} from './auth.js'
import {applyDefaults} from './defaults.js'
import {errors, notFoundPath} from './errors.js'
import {applyPatch, PATCH_TYPES, PatchApplyError, PatchError, type PatchType} from './patch/index.js'
import {apiVersionOf, type ResourceType} from './resources.js'
import {matchesFieldRequirements, matchesRequirements, parseFieldSelector, parseLabelSelector, selectorString} from './selectors.js'
import {decodeJson, duplicateFields, fromUnstructured, goValue, hasSchema, pruneUnknown} from './typed/decode.js'
import {pathString, recordUpdate, serverSideApply, type Conflict} from './ssa.js'
import {deleteOptions, validateListOptions, validateWriteOptions} from './options.js'
import {fieldError} from './validation.js'

export interface ResourceRequest {
  verb: string
  type: ResourceType
  namespace?: string
  name?: string
  subresource?: string
  query: URLSearchParams
  body: unknown
  contentType: string
  user: UserInfo
  /** the request body as sent, for what only the text shows (duplicate fields) */
  raw?: string
  /** the User-Agent header: the field manager when the request names none */
  userAgent?: string
}

export interface ApiResult {
  status: number
  body: unknown
  /** sent as `Warning: 299 - "…"` headers (kubectl prints `Warning: …`) */
  warnings?: string[]
}


/** The REST verbs on stored resources (registry/generic/registry/store.go semantics), plus the special subresources. */
export function handleResource(cluster: Cluster, req: ResourceRequest): ApiResult {
  const {type, verb, subresource} = req
  if (subresource === 'token') return tokenRequest(cluster, req)
  if (subresource === 'scale') return scale(cluster, req)
  if (type.resource === 'tokenreviews') return tokenReview(cluster, req)
  if (type.resource.endsWith('subjectaccessreviews')) return accessReview(cluster, req)
  if (type.resource === 'selfsubjectreviews') return selfSubjectReview(req)
  if (type.resource === 'selfsubjectrulesreviews') return selfSubjectRulesReview(cluster, req)
  if (subresource && subresource !== 'status') throw notFoundPath()
  if (isEventsV1(type)) return eventsV1(cluster, req)
  // the options are validated before the body is read (handlers/create.go, update.go, patch.go, delete.go, get.go)
  if (verb === 'list') validateListOptions(req.query, false)
  validateWriteOptions(verb, req.query, req.contentType, req.body)
  switch (verb) {
    case 'get':
      return {status: 200, body: mustGet(cluster, req)}
    case 'list':
      return {status: 200, body: list(cluster, type, req.namespace, req.query)}
    case 'create': {
      const warnings = decodeBody(req)
      return {status: 201, body: create(cluster, req), warnings}
    }
    case 'update': {
      const warnings = decodeBody(req)
      return {status: 200, body: update(cluster, req), warnings}
    }
    case 'patch': {
      if (req.contentType.split(';')[0].trim() === 'application/apply-patch+yaml') return apply(cluster, req)
      const warnings: string[] = []
      return {status: 200, body: patch(cluster, req, warnings), warnings}
    }
    case 'delete':
      return remove(cluster, req)
    case 'deletecollection': {
      const all = new URLSearchParams(req.query)
      all.delete('limit')
      all.delete('continue')
      const items = list(cluster, type, req.namespace, all).items
      for (const item of items) cluster.store.delete(type, item.metadata.namespace, item.metadata.name)
      return {status: 200, body: {kind: `${type.kind}List`, apiVersion: apiVersionOf(type), metadata: {resourceVersion: cluster.store.resourceVersion}, items}}
    }
    default:
      throw errors.methodNotSupported(type, verb)
  }
}

function mustGet(cluster: Cluster, req: ResourceRequest): KubeObject {
  const obj = cluster.store.get(req.type, req.namespace, req.name!)
  if (!obj) throw errors.notFound(req.type, req.name!)
  return obj
}

/**
 * A list as the registry answers it from etcd (apiserver pkg/storage/etcd3/store.go GetList): items in key order
 * (`<namespace>/<name>` byte-wise across namespaces), label and field selectors applied, and with `limit` a page of
 * that many items whose ListMeta carries `continue` (storage.EncodeContinue: base64url of {"v","rv","start"}, the
 * start key being the last item's key plus "\x00") and, when no selector is set, `remainingItemCount`. A continued
 * page reads from the token's start key and reports the token's resourceVersion. `resourceVersion=0` is served from
 * the watch cache, which ignores `limit` (storage/cacher shouldDelegateList).
 */
export function list(cluster: Cluster, type: ResourceType, namespace: string | undefined, query: URLSearchParams) {
  const labelSelector = query.get('labelSelector') ?? undefined
  const fieldSelector = query.get('fieldSelector') ?? undefined
  // both selectors are parsed while the query is decoded, before any object is looked at
  const labels = parseLabelSelector(labelSelector ?? '')
  const fields = parseFieldSelector(fieldSelector, type.kind, type.group)
  const keyOf = (o: KubeObject) => (type.namespaced && namespace === undefined ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name)
  const page = listPage(query)
  if (page.continueFrom !== undefined && query.get('resourceVersion') && query.get('resourceVersion') !== '0') {
    throw errors.badRequest('specifying resource version is not allowed when using continue')
  }
  const matching = cluster.store
    .list(type, namespace)
    .filter((o) => matchesRequirements(o.metadata.labels, labels) && matchesFieldRequirements(o, fields))
    .map(({apiVersion: _a, kind: _k, ...rest}) => rest as KubeObject)
    .sort((a, b) => byteCompare(keyOf(a), keyOf(b)))
    .filter((o) => page.continueFrom === undefined || byteCompare(keyOf(o), page.continueFrom) >= 0)
  const resourceVersion = page.resourceVersion ?? cluster.store.resourceVersion
  const limited = page.limit > 0 && query.get('resourceVersion') !== '0' && matching.length > page.limit
  const items = limited ? matching.slice(0, page.limit) : matching
  const metadata: {resourceVersion: string; continue?: string; remainingItemCount?: number} = {resourceVersion}
  if (limited) {
    metadata.continue = encodeContinue(`${keyOf(items.at(-1)!)}\x00`, Number(resourceVersion))
    if (!labelSelector && !fieldSelector) metadata.remainingItemCount = matching.length - items.length
  }
  return {kind: `${type.kind}List`, apiVersion: apiVersionOf(type), metadata, items}
}

const byteCompare = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b))

/** storage.EncodeContinue (apiserver pkg/storage/continue.go): json.Marshal escapes the NUL as \u0000, as JSON.stringify does. */
function encodeContinue(startKey: string, resourceVersion: number): string {
  return Buffer.from(JSON.stringify({v: 'meta.k8s.io/v1', rv: resourceVersion, start: startKey})).toString('base64url')
}

/** limit and continue of a list request; a bad token is the 400 GetList returns ("invalid continue token: …"). */
function listPage(query: URLSearchParams): {limit: number; continueFrom?: string; resourceVersion?: string} {
  const limit = Number(query.get('limit') ?? 0) || 0
  const token = query.get('continue')
  if (!token) return {limit}
  const invalid = (detail: string) => errors.badRequest(`invalid continue token: ${detail}`)
  // storage.DecodeContinue: base64.RawURLEncoding, then the token's fields
  const bad = token.search(/[^A-Za-z0-9_-]/)
  if (bad >= 0 || token.length % 4 === 1) throw invalid(`continue key is not valid: illegal base64 data at input byte ${bad >= 0 ? bad : token.length - 1}`)
  let decoded: {v?: unknown; rv?: unknown; start?: unknown}
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as typeof decoded
  } catch (error) {
    throw invalid(`continue key is not valid: ${(error as Error).message}`)
  }
  if (decoded.v !== 'meta.k8s.io/v1') throw invalid(`continue key is not valid: server does not recognize this encoded version ${String(decoded.v ?? '')}`)
  if (!decoded.rv) throw invalid('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)')
  if (typeof decoded.start !== 'string' || !decoded.start) throw invalid('continue key is not valid: encoded start key empty (version meta.k8s.io/v1)')
  const key = decoded.start.startsWith('/') ? decoded.start : `/${decoded.start}`
  if (posix.normalize(key).replace(/(.)\/$/, '$1') !== key) throw invalid(`continue key is not valid: ${decoded.start}`)
  // rv -1 (a token handed out after compaction) continues at the latest revision
  return {limit, continueFrom: key.slice(1), ...(Number(decoded.rv) > 0 ? {resourceVersion: String(decoded.rv)} : {})}
}

function bodyObject(req: ResourceRequest): KubeObject {
  const body = req.body
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw errors.badRequest('the server rejected our request due to an error in our request')
  const obj = structuredClone(body) as KubeObject
  obj.apiVersion ??= apiVersionOf(req.type)
  obj.kind ??= req.type.kind
  if (obj.kind !== req.type.kind) {
    throw errors.badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${apiVersionOf(req.type)})`)
  }
  obj.metadata ??= {name: ''}
  if (req.namespace && obj.metadata.namespace && obj.metadata.namespace !== req.namespace) {
    throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request')
  }
  return obj
}

/** metav1 fieldValidation: Strict fails on unknown/duplicate fields, Warn (the server default) warns, Ignore drops them. */
function fieldValidation(req: ResourceRequest): 'Strict' | 'Warn' | 'Ignore' {
  const v = req.query.get('fieldValidation')
  return v === 'Strict' || v === 'Ignore' ? v : 'Warn'
}

/**
 * Create and update decode the body into the typed object first (handlers/create.go, update.go): a type mismatch
 * or, under Strict, an unknown or duplicate field is a 400 from transformDecodeError (handlers/rest.go).
 */
function decodeBody(req: ResourceRequest): string[] {
  const kind = req.type.kind
  if (!hasSchema(kind) || !req.body || typeof req.body !== 'object' || Array.isArray(req.body)) return []
  const {typeError, strict} = decodeJson(kind, req.body, req.raw)
  const prefix = `${kind} in version "${req.type.version}" cannot be handled as a ${kind}: `
  if (typeError) throw errors.badRequest(prefix + typeError)
  if (!strict.length) return []
  const directive = fieldValidation(req)
  if (directive === 'Strict') throw errors.badRequest(`${prefix}strict decoding error: ${strict.join(', ')}`)
  pruneUnknown(kind, req.body)
  return directive === 'Warn' ? strict : []
}

/**
 * A patched object is decoded like a body (handlers/patch.go): JSON and merge patches through the JSON decoder,
 * strategic merge patches through the unstructured converter; failures and (under Strict) unknown fields are
 * 422 Invalid on the path "patch". Duplicate keys in the patch itself are strict errors too.
 */
function decodePatched(req: ResourceRequest, contentType: PatchType, patched: KubeObject, warnings: string[]): void {
  if (!hasSchema(req.type.kind)) return
  const patchDuplicates = contentType === 'application/json-patch+json' || !req.raw ? [] : duplicateFields(req.raw)
  let strict: string[]
  let quoted: string
  if (contentType === 'application/strategic-merge-patch+json') {
    quoted = goValue(req.body)
    const {error, unknown} = fromUnstructured(req.type.kind, patched)
    if (error) throw errors.invalidPatch(quoted, error)
    strict = [...patchDuplicates, ...unknown]
  } else {
    quoted = JSON.stringify(patched)
    const {typeError, strict: unknown} = decodeJson(req.type.kind, patched)
    if (typeError) throw errors.invalidPatch(quoted, typeError)
    strict = [...patchDuplicates, ...unknown]
  }
  if (!strict.length) return
  const directive = fieldValidation(req)
  if (directive === 'Strict') throw errors.invalidPatch(quoted, `strict decoding error: ${strict.join(', ')}`)
  if (directive === 'Warn') warnings.push(...strict)
  pruneUnknown(req.type.kind, patched)
}

function create(cluster: Cluster, req: ResourceRequest): KubeObject {
  const obj = bodyObject(req)
  track(req, undefined, obj)
  return cluster.create(obj, req.namespace, {dryRun: dryRun(req)})
}

/**
 * handlers/rest.go managerOrUserAgent: the fieldManager parameter, else the User-Agent up to its first "/". The
 * write is recorded as an Update of that manager (fieldmanager.UpdateNoErrors) on the defaulted object.
 */
function track(req: ResourceRequest, before: KubeObject | undefined, obj: KubeObject): void {
  if (req.subresource) return
  const manager = req.query.get('fieldManager') || (req.userAgent ?? '').split('/')[0]
  const after = structuredClone(obj)
  after.metadata = {...after.metadata, managedFields: undefined}
  applyDefaults(after)
  recordUpdate(before, after, manager, apiVersionOf(req.type))
  // ObjectMeta.managedFields is omitempty: a write whose managers own no field leaves none
  if ((after.metadata.managedFields as unknown[] | undefined)?.length) obj.metadata.managedFields = after.metadata.managedFields
  else delete obj.metadata.managedFields
}

/**
 * PATCH application/apply-patch+yaml (handlers/patch.go applyPatcher): fieldManager is required; the configuration
 * is merged by the field manager, conflicts with other managers are a 409 unless force=true; a missing object is
 * created (201).
 */
function apply(cluster: Cluster, req: ResourceRequest): ApiResult {
  const manager = req.query.get('fieldManager')
  if (!manager) {
    throw errors.invalid({kind: 'PatchOptions', group: 'meta.k8s.io', resource: 'patchoptions'} as ResourceType, '', [fieldError.required('fieldManager', 'is required for apply patch')])
  }
  let config: unknown = req.body
  if (typeof config === 'string') {
    try {
      config = parseYaml(config)
    } catch (error) {
      throw errors.badRequest(`error decoding YAML: ${(error as Error).message}`)
    }
  }
  if (!config || typeof config !== 'object' || Array.isArray(config)) throw errors.badRequest('error decoding patch: the body of an apply patch must be an object')
  const obj = config as KubeObject
  if (!obj.apiVersion || !obj.kind) throw errors.badRequest('Object \'Kind\' is missing in \'' + JSON.stringify(obj) + '\'')
  if (obj.kind !== req.type.kind || obj.apiVersion !== apiVersionOf(req.type)) {
    throw errors.badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${apiVersionOf(req.type)})`)
  }
  obj.metadata ??= {name: req.name!}
  if (obj.metadata.name && obj.metadata.name !== req.name) throw errors.badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${req.name})`)
  obj.metadata.name = req.name!
  const live = cluster.store.get(req.type, req.namespace, req.name!)
  const result = serverSideApply(live, obj, manager, apiVersionOf(req.type), ['true', '1'].includes(req.query.get('force') ?? ''))
  if ('conflicts' in result) throw conflictError(result.conflicts)
  const merged = result.object
  if (!live) return {status: 201, body: cluster.create(merged, req.namespace, {dryRun: dryRun(req)})}
  merged.metadata = {...merged.metadata, name: live.metadata.name, namespace: live.metadata.namespace, resourceVersion: live.metadata.resourceVersion}
  return {status: 200, body: cluster.update(req.type, merged, undefined, {dryRun: dryRun(req)})}
}

/** fieldmanager/internal/conflict.go getConflictMessage and printManager. */
function conflictError(conflicts: Conflict[]) {
  const manager = (c: Conflict) =>
    c.manager.operation === 'Update' ? `${JSON.stringify(c.manager.manager)} using ${c.manager.apiVersion}` : JSON.stringify(c.manager.manager)
  const causes = conflicts.map((c) => ({message: `conflict with ${manager(c)}`, field: pathString(c.path)}))
  if (conflicts.length === 1) return errors.applyConflict(`Apply failed with 1 conflict: conflict with ${manager(conflicts[0])}: ${pathString(conflicts[0].path)}`, causes)
  const byManager = new Map<string, string[]>()
  for (const c of conflicts) byManager.set(manager(c), [...(byManager.get(manager(c)) ?? []), pathString(c.path)])
  const lines = [...byManager.keys()].sort().flatMap((m) => [`conflicts with ${m}:`, ...byManager.get(m)!.map((p) => `- ${p}`)])
  return errors.applyConflict(`Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`, causes)
}

function update(cluster: Cluster, req: ResourceRequest): KubeObject {
  const obj = bodyObject(req)
  if (obj.metadata.name !== req.name) throw errors.badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${req.name})`)
  obj.metadata.namespace = req.namespace
  track(req, cluster.store.get(req.type, req.namespace, req.name!), obj)
  return cluster.update(req.type, obj, req.subresource, {dryRun: dryRun(req)})
}

function patch(cluster: Cluster, req: ResourceRequest, warnings: string[]): KubeObject {
  const contentType = req.contentType.split(';')[0].trim()
  if (!PATCH_TYPES.includes(contentType as PatchType)) throw errors.unsupportedMediaType()
  const current = mustGet(cluster, req)
  let patched: KubeObject
  try {
    patched = applyPatch(req.type.kind, current, contentType as PatchType, req.body) as KubeObject
  } catch (error) {
    if (error instanceof PatchApplyError) throw errors.patchNotApplicable()
    if (error instanceof PatchError) throw errors.badRequest(error.message)
    throw error
  }
  decodePatched(req, contentType as PatchType, patched, warnings)
  patched.metadata = {...patched.metadata, name: current.metadata.name, namespace: current.metadata.namespace}
  // An unchanged resourceVersion in the patch is a precondition; none means "latest".
  if (!patched.metadata.resourceVersion) patched.metadata.resourceVersion = current.metadata.resourceVersion
  track(req, current, patched)
  return cluster.update(req.type, patched, req.subresource, {dryRun: dryRun(req)})
}

function remove(cluster: Cluster, req: ResourceRequest): ApiResult {
  const obj = mustGet(cluster, req)
  const options = deleteOptions(req.query, req.body)
  checkPreconditions(req, obj, options.preconditions)
  const dry = options.dryRun.includes('All')
  if (req.type.kind === 'Pod') return removePod(cluster, req, obj, options.gracePeriodSeconds, dry)
  if (dry) return {status: 200, body: obj}
  cluster.store.delete(req.type, req.namespace, req.name!)
  return {
    status: 200,
    body: {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: {name: req.name, ...(req.type.group ? {group: req.type.group} : {}), kind: req.type.resource, uid: obj.metadata.uid},
    },
  }
}

/**
 * Delete preconditions (apiserver pkg/storage/etcd3/store.go checkPreconditions): a mismatch is a StorageError
 * InvalidObj that storeerr.InterpretDeleteError turns into a Conflict quoting the storage error.
 */
function checkPreconditions(req: ResourceRequest, obj: KubeObject, preconditions: {uid?: string; resourceVersion?: string} | undefined): void {
  let failed: string | undefined
  if (preconditions?.uid && preconditions.uid !== obj.metadata.uid) failed = `Precondition failed: UID in precondition: ${preconditions.uid}, UID in object meta: ${obj.metadata.uid}`
  else if (preconditions?.resourceVersion && preconditions.resourceVersion !== obj.metadata.resourceVersion) {
    failed = `Precondition failed: ResourceVersion in precondition: ${preconditions.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion}`
  }
  if (!failed) return
  // the etcd key: /registry/<resource>/[<namespace>/]<name> (services live under services/specs, nodes under minions)
  const resource = ({services: 'services/specs', nodes: 'minions'} as Record<string, string>)[req.type.group ? '' : req.type.resource] ?? req.type.resource
  const key = `/registry/${resource}/${req.type.namespaced ? `${req.namespace}/` : ''}${req.name}`
  throw errors.conflictBecause(req.type, req.name!, `StorageError: invalid object, Code: 4, Key: ${key}, ResourceVersion: 0, AdditionalErrorMsg: ${failed}`)
}

/** How long the emulated kubelet takes to stop a pod's containers after SIGTERM (they all honour it). */
const KUBELET_STOP_MS = 1000

/**
 * Graceful pod deletion: the pod strategy's CheckGracefulDelete (pkg/registry/core/pod/strategy.go: the spec's
 * terminationGracePeriodSeconds unless the request sets one; 0 for unscheduled or finished pods) and
 * rest.BeforeDelete (staging/src/k8s.io/apiserver/pkg/registry/rest/delete.go: deletionTimestamp = now + grace,
 * deletionGracePeriodSeconds; a second delete may only shorten it). The pod stays, Terminating, until the kubelet has
 * stopped its containers and deletes it with grace 0; the ReplicaSet controller no longer counts it meanwhile.
 */
function removePod(cluster: Cluster, req: ResourceRequest, pod: KubeObject, requested: number | undefined, dry: boolean): ApiResult {
  let grace = requested ?? pod.spec.terminationGracePeriodSeconds ?? 30
  if (!pod.spec.nodeName || ['Succeeded', 'Failed'].includes(pod.status?.phase)) grace = 0
  grace = Math.max(grace, 0)
  const current = pod.metadata.deletionGracePeriodSeconds as number | undefined
  if (current !== undefined && grace >= current && grace !== 0) return {status: 200, body: pod}
  const deleting: KubeObject = {...pod, metadata: {...pod.metadata, deletionTimestamp: timestampIn(grace), deletionGracePeriodSeconds: grace}}
  if (dry) return {status: 200, body: deleting}
  if (grace === 0) {
    cluster.store.delete(req.type, req.namespace, req.name!)
    return {status: 200, body: deleting}
  }
  const stored = cluster.store.update(req.type, deleting)
  const uid = pod.metadata.uid
  cluster.after(Math.min(grace * 1000, KUBELET_STOP_MS), () => {
    if (cluster.store.get('pods', req.namespace, req.name!)?.metadata.uid === uid) cluster.store.delete('pods', req.namespace, req.name!)
  })
  return {status: 200, body: stored}
}

const timestampIn = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z')

export const isEventsV1 = (type: ResourceType) => type.group === 'events.k8s.io' && type.resource === 'events'

/**
 * events.k8s.io/v1 is another view of the core events' storage (pkg/apis/events/v1/conversion.go
 * Convert_core_Event_To_v1_Event): involvedObject → regarding, message → note, source/firstTimestamp/lastTimestamp/
 * count → deprecated*. Only reads are emulated; writes through this group answer 405.
 */
export function toEventsV1(e: KubeObject): KubeObject {
  return {
    kind: 'Event',
    apiVersion: 'events.k8s.io/v1',
    metadata: e.metadata,
    eventTime: e.eventTime ?? null,
    ...(e.series ? {series: e.series} : {}),
    ...(e.reportingComponent ? {reportingController: e.reportingComponent} : {}),
    ...(e.reportingInstance ? {reportingInstance: e.reportingInstance} : {}),
    ...(e.action ? {action: e.action} : {}),
    reason: e.reason,
    regarding: e.involvedObject,
    ...(e.related ? {related: e.related} : {}),
    note: e.message,
    type: e.type,
    deprecatedSource: e.source ?? {},
    deprecatedFirstTimestamp: e.firstTimestamp ?? null,
    deprecatedLastTimestamp: e.lastTimestamp ?? null,
    ...(e.count ? {deprecatedCount: e.count} : {}),
  }
}

function eventsV1(cluster: Cluster, req: ResourceRequest): ApiResult {
  const core = {...req.type, group: '', version: 'v1'} as ResourceType
  if (req.verb === 'get') return {status: 200, body: toEventsV1(mustGet(cluster, {...req, type: core}))}
  if (req.verb !== 'list') throw errors.methodNotSupported(req.type, req.verb)
  const items = list(cluster, core, req.namespace, req.query).items.map((e) => {
    const {apiVersion: _a, kind: _k, ...rest} = toEventsV1(e)
    return rest as KubeObject
  })
  return {status: 200, body: {kind: 'EventList', apiVersion: 'events.k8s.io/v1', metadata: {resourceVersion: cluster.store.resourceVersion}, items}}
}

const dryRun = (req: ResourceRequest) => req.query.get('dryRun') === 'All'

function tokenRequest(cluster: Cluster, req: ResourceRequest): ApiResult {
  if (req.verb !== 'create') throw errors.methodNotSupported(req.type, req.verb)
  const sa = mustGet(cluster, req)
  const body = (req.body ?? {}) as {spec?: {audiences?: string[]; expirationSeconds?: number; boundObjectRef?: {kind: 'Pod' | 'Secret'; name: string; uid?: string} | null}}
  const spec = body.spec ?? {}
  const expirationSeconds = spec.expirationSeconds ?? 3600
  if (expirationSeconds < 600) {
    throw errors.invalid({...req.type, kind: 'TokenRequest', group: 'authentication.k8s.io'}, req.name!, [
      fieldError.invalid('spec.expirationSeconds', expirationSeconds, 'may not specify a duration less than 10 minutes'),
    ])
  }
  let boundObject: {kind: 'Pod' | 'Secret'; name: string; uid: string} | undefined
  if (spec.boundObjectRef) {
    const ref = spec.boundObjectRef
    const obj = cluster.store.get(ref.kind === 'Pod' ? 'pods' : 'secrets', req.namespace, ref.name)
    if (!obj) throw errors.notFound({...req.type, resource: ref.kind === 'Pod' ? 'pods' : 'secrets', group: ''}, ref.name)
    boundObject = {kind: ref.kind, name: ref.name, uid: obj.metadata.uid!}
  }
  const audiences = spec.audiences?.length ? spec.audiences : [ISSUER]
  const {token, expirationTimestamp} = cluster.tokens.issue(req.namespace!, sa, {audiences, expirationSeconds, boundObject})
  return {
    status: 201,
    body: {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: {name: sa.metadata.name, namespace: req.namespace, creationTimestamp: null},
      spec: {audiences, expirationSeconds, boundObjectRef: spec.boundObjectRef ?? null},
      status: {token, expirationTimestamp},
    },
  }
}

function tokenReview(cluster: Cluster, req: ResourceRequest): ApiResult {
  const spec = ((req.body ?? {}) as {spec?: {token?: string; audiences?: string[]}}).spec ?? {}
  if (!spec.token) {
    throw errors.invalid({...req.type}, '', [fieldError.required('spec.token')])
  }
  const result = cluster.tokens.authenticate(spec.token, spec.audiences?.length ? spec.audiences : [ISSUER])
  const status =
    'error' in result
      ? {user: {}, error: result.error}
      : {authenticated: true, user: result.user, audiences: result.audiences}
  return {status: 201, body: {kind: 'TokenReview', apiVersion: 'authentication.k8s.io/v1', metadata: {creationTimestamp: null}, spec, status}}
}

function accessReview(cluster: Cluster, req: ResourceRequest): ApiResult {
  const body = (req.body ?? {}) as {spec?: Record<string, unknown>}
  const spec = body.spec ?? {}
  const user: UserInfo =
    req.type.resource === 'selfsubjectaccessreviews' ? req.user : {username: String(spec.user ?? ''), groups: (spec.groups as string[] | undefined) ?? []}
  const res = spec.resourceAttributes as {namespace?: string; verb: string; group?: string; resource: string; subresource?: string; name?: string} | undefined
  const nonRes = spec.nonResourceAttributes as {path: string; verb: string} | undefined
  const attrs = res ? {...res} : {verb: nonRes?.verb ?? 'get', path: nonRes?.path ?? '/'}
  const denied = cluster.authz.authorize(user, undefined, attrs)
  // pkg/registry/authorization/subjectaccessreview/rest.go: allowed, and the authorizer's reason (omitempty)
  const reason = denied ? undefined : cluster.authz.allowReason(user, attrs)
  return {
    status: 201,
    body: {kind: req.type.kind, apiVersion: 'authorization.k8s.io/v1', metadata: {creationTimestamp: null}, spec, status: {allowed: !denied, ...(reason ? {reason} : {})}},
  }
}

function selfSubjectReview(req: ResourceRequest): ApiResult {
  return {status: 201, body: {kind: 'SelfSubjectReview', apiVersion: 'authentication.k8s.io/v1', metadata: {creationTimestamp: null}, status: {userInfo: req.user}}}
}

/** pkg/registry/authorization/selfsubjectrulesreview/rest.go Create: the requester's rules in one namespace. */
function selfSubjectRulesReview(cluster: Cluster, req: ResourceRequest): ApiResult {
  if (req.verb !== 'create') throw errors.methodNotSupported(req.type, req.verb)
  const namespace = ((req.body ?? {}) as {spec?: {namespace?: string}}).spec?.namespace
  if (!namespace) throw errors.badRequest('no namespace on request')
  const {resourceRules, nonResourceRules} = cluster.authz.rulesReview(req.user, namespace)
  return {
    status: 201,
    body: {
      kind: 'SelfSubjectRulesReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: {creationTimestamp: null},
      spec: {},
      status: {resourceRules, nonResourceRules, incomplete: false},
    },
  }
}

/** The scale subresource of deployments, replicasets and statefulsets (autoscaling/v1 Scale). */
function scale(cluster: Cluster, req: ResourceRequest): ApiResult {
  const obj = mustGet(cluster, req)
  const toScale = (o: KubeObject) => ({
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {name: o.metadata.name, namespace: o.metadata.namespace, uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion, creationTimestamp: o.metadata.creationTimestamp},
    spec: {replicas: o.spec.replicas},
    status: {replicas: o.status?.replicas ?? 0, selector: selectorString(o.spec.selector)},
  })
  if (req.verb === 'get') return {status: 200, body: toScale(obj)}
  let replicas: unknown
  if (req.verb === 'update') replicas = (req.body as {spec?: {replicas?: number}})?.spec?.replicas
  else if (req.verb === 'patch') {
    const contentType = req.contentType.split(';')[0].trim()
    if (!PATCH_TYPES.includes(contentType as PatchType)) throw errors.unsupportedMediaType()
    replicas = (applyPatch('Scale', toScale(obj), contentType as PatchType, req.body) as {spec?: {replicas?: number}}).spec?.replicas
  } else throw errors.methodNotSupported(req.type, req.verb)
  if (typeof replicas !== 'number') throw errors.badRequest('spec.replicas is required')
  return {status: 200, body: toScale(cluster.update(req.type, {...obj, spec: {...obj.spec, replicas}}))}
}

import type {Duplex} from 'node:stream'

import {createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import {createServer as createHttpsServer} from 'node:https'

import type {UserInfo} from './auth.js'
import type {Cluster} from './cluster.js'
import type {KubeObject} from './types.js'

import {handleResource, isEventsV1, list, toEventsV1, type ResourceRequest} from './api.js'
import {ANONYMOUS, ISSUER} from './auth.js'
import {discovery, openapiV3, VERSION} from './discovery.js'
import {BODY_MEDIA_TYPES, errors, notFoundPath, StatusError} from './errors.js'
import {decodeProtobufObject} from './protobuf.js'
import {findByPath, type ResourceType} from './resources.js'
import {servePodLog} from './runtime/logs.js'
import {matchesFieldRequirements, matchesRequirements, parseFieldSelector, parseLabelSelector} from './selectors.js'
import {toTable} from './table.js'
import {bookmarkObject, nextBookmarkDelay} from './watch-bookmark.js'
import {validateListOptions} from './options.js'

export interface RequestRecord {
  method: string
  path: string
  query: string
  status: number
  contentType?: string
  body?: unknown
}

export interface FaultRule {
  method?: string
  pathPrefix?: string
  status: number
  count?: number
}

/** What an upgrade handler (exec, port-forward) gets once the request has been authenticated and authorized. */
export interface UpgradeContext {
  req: IncomingMessage
  socket: Duplex
  head: Buffer
  url: URL
  namespace: string
  pod: string
  user: UserInfo
  /** answers the upgrade request with an HTTP Status error */
  reject(error: StatusError): void
  record(status: number): void
}

export type UpgradeHandler = (ctx: UpgradeContext) => void

interface ParsedPath {
  type: ResourceType
  namespace?: string
  name?: string
  subresource?: string
}

/** Splits /api/v1/... and /apis/g/v/... paths as the apiserver's RequestInfoFactory does. */
function parsePath(pathname: string): ParsedPath | 'discovery' | undefined {
  const parts = pathname.split('/').filter(Boolean)
  let group = ''
  let rest: string[]
  let version: string
  if (parts[0] === 'api' && parts.length >= 2) {
    version = parts[1]
    rest = parts.slice(2)
  } else if (parts[0] === 'apis' && parts.length >= 3) {
    group = parts[1]
    version = parts[2]
    rest = parts.slice(3)
  } else return parts[0] === 'api' || parts[0] === 'apis' ? 'discovery' : undefined
  if (!rest.length) return 'discovery'
  let namespace: string | undefined
  if (rest[0] === 'namespaces' && rest.length >= 3 && !['status', 'finalize'].includes(rest[2])) {
    namespace = rest[1]
    rest = rest.slice(2)
  }
  const type = findByPath(group, version, rest[0])
  if (!type || rest.length > 3) return undefined
  if (namespace !== undefined && !type.namespaced) return undefined
  if (namespace === undefined && type.namespaced && rest.length > 1) return undefined
  return {type, namespace, name: rest[1], subresource: rest[2]}
}

function verbOf(method: string, parsed: ParsedPath, query: URLSearchParams): string {
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (parsed.name) return 'get'
      return query.get('watch') === 'true' || query.get('watch') === '1' ? 'watch' : 'list'
    case 'POST':
      return 'create'
    case 'PUT':
      return 'update'
    case 'PATCH':
      return 'patch'
    case 'DELETE':
      return parsed.name ? 'delete' : 'deletecollection'
    default:
      return method.toLowerCase()
  }
}

/** The HTTP(S) front of the API server: logging, fault injection, authentication, authorization, routing. */
export class ApiServer {
  readonly requests: RequestRecord[] = []
  /** Added to every REST answer (npm run emulators --kube-latency). */
  latencyMs = 0
  private readonly faults: Array<FaultRule & {remaining: number}> = []
  private readonly server: Server
  private readonly watches = new Set<ServerResponse>()
  private readonly upgrades: Record<string, UpgradeHandler> = {}

  constructor(
    private readonly cluster: Cluster,
    tls?: {cert: string; key: string},
  ) {
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res)
    this.server = tls ? createHttpsServer({cert: tls.cert, key: tls.key}, handler) : createHttpServer(handler)
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.handleUpgrade(req, socket, head))
  }

  onUpgrade(subresource: string, handler: UpgradeHandler): void {
    this.upgrades[subresource] = handler
  }

  failNext(rule: FaultRule): void {
    this.faults.push({...rule, remaining: rule.count ?? 1})
  }

  listen(): Promise<number> {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', () => resolve((this.server.address() as {port: number}).port)))
  }

  async close(): Promise<void> {
    for (const res of this.watches) res.end()
    this.server.closeAllConnections?.()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  private record(entry: RequestRecord): void {
    this.requests.push(entry)
  }

  private takeFault(method: string, path: string): StatusError | undefined {
    const fault = this.faults.find((f) => f.remaining > 0 && (!f.method || f.method === method) && (!f.pathPrefix || path.startsWith(f.pathPrefix)))
    if (!fault) return undefined
    fault.remaining--
    return errors.forCode(fault.status)
  }

  private authenticate(req: IncomingMessage): {user: UserInfo; token?: string} | undefined {
    const header = req.headers.authorization
    if (!header) return {user: ANONYMOUS}
    const m = header.match(/^Bearer\s+(.+)$/i)
    if (!m) return undefined
    const result = this.cluster.tokens.authenticate(m[1].trim(), [ISSUER])
    if ('error' in result) return undefined
    return {user: this.impersonate(req, result.user), token: m[1].trim()}
  }

  /** Impersonate-User / Impersonate-Group (kubectl --as/--as-group), allowed to users who may impersonate. */
  private impersonate(req: IncomingMessage, user: UserInfo): UserInfo {
    const as = req.headers['impersonate-user']
    if (typeof as !== 'string') return user
    const denied = this.cluster.authz.authorize(user, undefined, {verb: 'impersonate', group: '', resource: as.startsWith('system:serviceaccount:') ? 'serviceaccounts' : 'users', name: as})
    if (denied) throw errors.forbidden({group: '', version: 'v1', resource: 'users', singular: 'user', kind: 'User', namespaced: false, verbs: []}, as, denied)
    const sa = as.match(/^system:serviceaccount:([^:]+):/)
    const extraGroups = [req.headers['impersonate-group'] ?? []].flat()
    const groups = [...extraGroups, ...(sa ? ['system:serviceaccounts', `system:serviceaccounts:${sa[1]}`] : []), 'system:authenticated']
    return {username: as, groups}
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs))
    const url = new URL(req.url ?? '/', 'http://localhost')
    const raw = await readBody(req)
    const contentType = req.headers['content-type']
    let body: unknown
    if (contentType?.startsWith('application/vnd.kubernetes.protobuf')) body = decodeProtobufObject(raw) ?? raw
    else if (raw.length) {
      try {
        body = JSON.parse(raw.toString())
      } catch {
        body = raw.toString()
      }
    }
    const entry: RequestRecord = {method: req.method ?? 'GET', path: url.pathname, query: url.search.slice(1), status: 0, ...(contentType ? {contentType} : {}), ...(body !== undefined ? {body} : {})}
    const send = (status: number, payload: unknown, type = 'application/json', warnings: string[] = []) => {
      entry.status = status
      this.record(entry)
      const text = typeof payload === 'string' && type !== 'application/json' ? payload : JSON.stringify(payload)
      // k8s.io/apiserver responsewriters.ErrorNegotiated: a Status with details.retryAfterSeconds (429, 5xx) sets Retry-After.
      const retryAfter = (payload as {details?: {retryAfterSeconds?: number}} | undefined)?.details?.retryAfterSeconds
      const retryHeader = (status === 429 || status >= 500) && retryAfter ? {'Retry-After': String(retryAfter)} : {}
      // warning.AddWarning → `Warning: 299 - "<text>"` (apiserver pkg/endpoints/filters/warning.go)
      const warningHeaders = warnings.length ? {Warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`)} : {}
      res.writeHead(status, {'Content-Type': type, 'Cache-Control': 'no-cache, private', ...retryHeader, ...warningHeaders})
      res.end(req.method === 'HEAD' ? undefined : text)
    }
    const fail = (error: unknown) => {
      if (error instanceof StatusError) return send(error.code, error.status)
      console.error('kube emulator: request failed', error)
      return send(500, errors.internal(String(error)).status)
    }
    try {
      const fault = this.takeFault(entry.method, url.pathname)
      if (fault) return fail(fault)
      const auth = this.authenticate(req)
      if (!auth) return fail(errors.unauthorized())
      const parsed = parsePath(url.pathname)
      if (parsed === undefined || parsed === 'discovery') return this.nonResource(url.pathname, auth, send, fail)
      const verb = verbOf(entry.method, parsed, url.searchParams)
      this.authorize(auth, parsed, verb)
      // go-restful has no route for POST on an object or PUT/PATCH on a collection: the generic server's
      // serviceErrorHandler answers NewGenericServerResponse(405) (apiserver pkg/server/handler.go)
      if ((entry.method === 'POST' && parsed.name && !parsed.subresource) || ((entry.method === 'PUT' || entry.method === 'PATCH') && !parsed.name)) {
        throw errors.methodNotAllowedRoute()
      }
      if (parsed.subresource === 'log') {
        const pod = this.cluster.store.get('pods', parsed.namespace, parsed.name!)
        if (!pod) throw errors.notFound(parsed.type, parsed.name!)
        return servePodLog(this.cluster, pod, url.searchParams, res, (status) => {
          entry.status = status
          this.record(entry)
        })
      }
      if (parsed.subresource === 'exec' || parsed.subresource === 'portforward' || parsed.subresource === 'attach') {
        throw errors.badRequest('Upgrade request required')
      }
      if (verb === 'watch') return this.watch(parsed, url.searchParams, req, res, entry)
      // create and update read the body through the negotiated serializer (handlers/rest.go NegotiateInputSerializer)
      if ((verb === 'create' || verb === 'update') && raw.length && contentType && !BODY_MEDIA_TYPES.includes(contentType.split(';')[0].trim())) {
        throw errors.unsupportedMediaType(BODY_MEDIA_TYPES)
      }
      if (Buffer.isBuffer(body)) throw errors.unsupportedMediaType(BODY_MEDIA_TYPES)
      const request: ResourceRequest = {
        verb,
        type: parsed.type,
        namespace: parsed.namespace,
        name: parsed.name,
        subresource: parsed.subresource,
        query: url.searchParams,
        body,
        contentType: contentType ?? '',
        user: auth.user,
        userAgent: String(req.headers['user-agent'] ?? ''),
        ...(raw.length && !Buffer.isBuffer(body) && !contentType?.startsWith('application/vnd.kubernetes.protobuf') ? {raw: raw.toString()} : {}),
      }
      const result = handleResource(this.cluster, request)
      const accept = req.headers.accept ?? ''
      if ((verb === 'get' || verb === 'list') && !parsed.subresource && accept.includes('as=Table')) {
        checkTableOptions(url.searchParams)
        // the table's resourceVersion is the list's, or the single object's (printers tablegenerator.go GenerateTable)
        const tableType = isEventsV1(parsed.type) ? findByPath('', 'v1', 'events')! : parsed.type
        const listed = verb === 'list' ? list(this.cluster, tableType, parsed.namespace, url.searchParams) : undefined
        const objects = listed ? listed.items : [result.body as KubeObject]
        const rv = listed ? listed.metadata.resourceVersion : ((result.body as KubeObject).metadata.resourceVersion ?? '')
        const {resourceVersion: _rv, ...page} = listed?.metadata ?? {}
        return send(result.status, toTable(parsed.type.kind, objects, rv, url.searchParams.get('includeObject'), false, page))
      }
      return send(result.status, result.body, 'application/json', result.warnings)
    } catch (error) {
      return fail(error)
    }
  }

  private authorize(auth: {user: UserInfo; token?: string}, parsed: ParsedPath, verb: string): void {
    const attrVerb = ['exec', 'portforward', 'attach'].includes(parsed.subresource ?? '') ? 'create' : verb === 'watch' ? 'watch' : verb
    const denied = this.cluster.authz.authorize(auth.user, auth.token, {
      verb: attrVerb,
      group: parsed.type.group,
      resource: parsed.type.resource,
      subresource: parsed.subresource,
      namespace: parsed.namespace,
      name: parsed.name,
    })
    if (denied) throw errors.forbidden(parsed.type, parsed.name, denied)
  }

  private nonResource(path: string, auth: {user: UserInfo; token?: string}, send: (s: number, p: unknown) => void, fail: (e: unknown) => void): void {
    const denied = this.cluster.authz.authorize(auth.user, auth.token, {verb: 'get', path})
    if (denied) return fail(errors.forbiddenPath(denied))
    if (path === '/version' || path === '/version/') return send(200, VERSION)
    if (['/healthz', '/livez', '/readyz'].includes(path)) return send(200, 'ok')
    if (path === '/.well-known/openid-configuration') {
      return send(200, {issuer: ISSUER, jwks_uri: 'https://192.168.49.2:8443/openid/v1/jwks', response_types_supported: ['id_token'], subject_types_supported: ['public'], id_token_signing_alg_values_supported: ['RS256']})
    }
    const doc = path.startsWith('/openapi/v3') ? openapiV3(path) : discovery(path)
    if (doc === undefined) return fail(notFoundPath())
    return send(200, doc)
  }

  /**
   * A watch (apiserver storage/cacher): replay from resourceVersion, or the current state as ADDED events, then live
   * events as JSON lines. Each event is filtered as cacheWatcher.convertToWatchEvent does: an object that starts
   * matching the selectors arrives as ADDED, one that stops matching as DELETED. A resourceVersion older than the
   * history is an ERROR event carrying 410 Expired; allowWatchBookmarks adds BOOKMARK events (every minute and 2 s
   * before timeoutSeconds runs out); sendInitialEvents=true (WatchList, beta in 1.32) ends the initial events with an
   * annotated BOOKMARK.
   */
  private watch(parsed: ParsedPath, query: URLSearchParams, req: IncomingMessage, res: ServerResponse, entry: RequestRecord): void {
    const {namespace} = parsed
    validateListOptions(query, true)
    const asTable = (req.headers.accept ?? '').includes('as=Table')
    if (asTable) checkTableOptions(query)
    // events.k8s.io/v1 watches the core events' storage, converted
    const type = isEventsV1(parsed.type) ? findByPath('', 'v1', 'events')! : parsed.type
    const view = (o: KubeObject) => (isEventsV1(parsed.type) ? toEventsV1(o) : o)
    const rv = query.get('resourceVersion') ?? ''
    const sendInitialEvents = query.get('sendInitialEvents')
    const bookmarks = ['true', '1'].includes(query.get('allowWatchBookmarks') ?? '')
    // sendInitialEvents=false with no (or "0") resourceVersion starts at the current revision without a replay
    const fromNow = sendInitialEvents === 'false' && (rv === '' || rv === '0')
    const initialState = !fromNow && (sendInitialEvents === 'true' || rv === '' || rv === '0')
    const replay = initialState || fromNow ? undefined : this.cluster.store.since(rv)
    const labels = parseLabelSelector(query.get('labelSelector') ?? '')
    const fields = parseFieldSelector(query.get('fieldSelector') ?? undefined, type.kind, type.group)
    const matches = (o: KubeObject) =>
      (!namespace || o.metadata.namespace === namespace) && matchesRequirements(o.metadata.labels, labels) && matchesFieldRequirements(o, fields)
    entry.status = 200
    this.record(entry)
    res.writeHead(200, {'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private'})
    res.flushHeaders()
    // A watch asked for as=Table sends each object as a one-row Table; only the first carries the column definitions
    // (apiserver endpoints/handlers/response.go watchEmbeddedEncoder: tableOptions.NoHeaders after the first event).
    let headersSent = false
    const transform = (object: KubeObject) => {
      if (!asTable) return object
      const table = toTable(type.kind, [object], object.metadata.resourceVersion ?? '', query.get('includeObject'), headersSent)
      headersSent = true
      return table
    }
    const write = (event: string, object: unknown) =>
      res.write(JSON.stringify({type: event, object: event === 'ERROR' || event === 'BOOKMARK' ? object : transform(view(object as KubeObject))}) + '\n')
    if (!initialState && !fromNow && !replay) {
      // watch_cache.go getAllEventsSinceLocked: "too old resource version: <rv> (<oldest-1>)", sent inside the watch
      const message = `too old resource version: ${rv} (${this.cluster.store.oldestReplayable})`
      write('ERROR', {kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'Expired', code: 410})
      res.end()
      return
    }
    // which objects this watcher last saw passing its filter (convertToWatchEvent's oldObjPasses)
    const keyOf = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`
    const passing = new Set<string>()
    const seen = new Set<string>()
    const deliver = (e: {type: string; object: KubeObject}) => {
      const key = keyOf(e.object)
      const cur = e.type !== 'DELETED' && matches(e.object)
      // a key first met in a replay: its state at the starting resourceVersion is unknown, assume it passed as it does now
      const old = e.type === 'ADDED' ? false : seen.has(key) ? passing.has(key) : e.type === 'DELETED' ? matches(e.object) : cur
      seen.add(key)
      if (cur) passing.add(key)
      else passing.delete(key)
      if (cur || old) write(cur && !old ? 'ADDED' : cur ? 'MODIFIED' : 'DELETED', e.object)
    }
    const current = this.cluster.store.list(type, namespace)
    if (replay) {
      const replayed = new Set(replay.filter((e) => e.resource === type).map((e) => keyOf(e.object)))
      for (const o of current) {
        if (replayed.has(keyOf(o))) continue
        seen.add(keyOf(o))
        if (matches(o)) passing.add(keyOf(o))
      }
      for (const e of replay) if (e.resource === type) deliver(e)
    } else {
      for (const o of current) {
        if (initialState) deliver({type: 'ADDED', object: o})
        else {
          seen.add(keyOf(o))
          if (matches(o)) passing.add(keyOf(o))
        }
      }
      if (sendInitialEvents === 'true' && bookmarks) write('BOOKMARK', bookmarkObject(type, this.cluster.store.resourceVersion, true))
    }
    const unsubscribe = this.cluster.store.subscribe((e) => {
      if (e.resource === type) deliver(e)
    })
    this.watches.add(res)
    const timeout = Number(query.get('timeoutSeconds') ?? 0)
    const deadline = timeout > 0 ? Date.now() + timeout * 1000 : undefined
    const timer = deadline !== undefined ? setTimeout(() => res.end(), timeout * 1000) : undefined
    timer?.unref()
    let bookmarkTimer: NodeJS.Timeout | undefined
    const scheduleBookmark = () => {
      const delay = bookmarks ? nextBookmarkDelay(Date.now(), deadline) : undefined
      if (delay === undefined) return
      bookmarkTimer = setTimeout(() => {
        write('BOOKMARK', bookmarkObject(type, this.cluster.store.resourceVersion))
        scheduleBookmark()
      }, delay)
      bookmarkTimer.unref()
    }
    scheduleBookmark()
    const cleanup = () => {
      unsubscribe()
      clearTimeout(timer)
      clearTimeout(bookmarkTimer)
      this.watches.delete(res)
    }
    res.on('close', cleanup)
    req.on('close', cleanup)
  }

  private handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const entry: RequestRecord = {method: req.method ?? 'GET', path: url.pathname, query: url.search.slice(1), status: 0}
    const reject = (error: StatusError) => {
      entry.status = error.code
      this.record(entry)
      const body = JSON.stringify(error.status)
      socket.end(
        `HTTP/1.1 ${error.code} ${httpReason(error.code)}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      )
    }
    try {
      const fault = this.takeFault(entry.method, url.pathname)
      if (fault) return reject(fault)
      const auth = this.authenticate(req)
      if (!auth) return reject(errors.unauthorized())
      const parsed = parsePath(url.pathname)
      const handler = parsed && parsed !== 'discovery' && parsed.type.resource === 'pods' && parsed.name ? this.upgrades[parsed.subresource ?? ''] : undefined
      if (!handler || parsed === undefined || parsed === 'discovery') return reject(notFoundPath())
      this.authorize(auth, parsed, 'create')
      if (!this.cluster.store.has('pods', parsed.namespace, parsed.name!)) throw errors.notFound(parsed.type, parsed.name!)
      handler({
        req,
        socket,
        head,
        url,
        namespace: parsed.namespace!,
        pod: parsed.name!,
        user: auth.user,
        reject,
        record: (status) => {
          entry.status = status
          this.record(entry)
        },
      })
    } catch (error) {
      if (error instanceof StatusError) return reject(error)
      console.error('kube emulator: upgrade failed', error)
      reject(errors.internal(String(error)))
    }
  }
}

/** handlers/response.go optionsForTransform: ValidateTableOptions' error as a 400. */
function checkTableOptions(query: URLSearchParams): void {
  const include = query.get('includeObject') ?? ''
  if (!['', 'Metadata', 'None', 'Object'].includes(include)) {
    throw errors.badRequest(`Unable to convert to Table as requested: includeObject: Invalid value: ${JSON.stringify(include)}: must be 'Metadata', 'Object', 'None', or empty`)
  }
}

function httpReason(code: number): string {
  return ({400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error', 503: 'Service Unavailable'} as Record<number, string>)[code] ?? 'Error'
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}


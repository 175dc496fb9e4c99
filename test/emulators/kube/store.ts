import {randomUUID} from 'node:crypto'

import type {KubeObject} from './types.js'

import {apiVersionOf, resolveType, type ResourceType} from './resources.js'

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED'
export interface StoreEvent {
  type: WatchEventType
  resource: ResourceType
  object: KubeObject
}

const HISTORY_LIMIT = 5000

/** Kinds whose spec changes bump metadata.generation (the others never carry a generation). */
const GENERATION_GROUPS = new Set(['apps', 'batch', 'admissionregistration.k8s.io'])

/** Where a name comes from when tests address an object: a type reference plus optional namespace. */
export type TypeRef = string | ResourceType

function typeOf(ref: TypeRef): ResourceType {
  return typeof ref === 'string' ? resolveType(ref) : ref
}

function keyOf(type: ResourceType, namespace: string | undefined, name: string): string {
  return `${type.group}/${type.resource}/${scopeOf(type, namespace)}/${name}`
}

const typeKeyOf = (type: ResourceType) => `${type.group}/${type.resource}`
const scopeOf = (type: ResourceType, namespace: string | undefined) => (type.namespaced ? (namespace ?? '') : '')

function specOf(obj: KubeObject): string {
  const {metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest} = obj
  return JSON.stringify(rest)
}

const RANDOM_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789'
/** The 5-character suffix the API server appends to generateName (utilrand.String). */
export function randomSuffix(length = 5): string {
  let out = ''
  for (let i = 0; i < length; i++) out += RANDOM_ALPHABET[Math.floor(Math.random() * RANDOM_ALPHABET.length)]
  return out
}

/**
 * The object store behind the API server: plain JSON objects with uid, resourceVersion, generation and
 * creationTimestamp maintained as etcd + the registry would. Every read returns a copy.
 */
export class ObjectStore {
  private readonly objects = new Map<string, KubeObject>()
  /**
   * The same objects by type, then namespace ('' for cluster-scoped ones), then name: a list reads its own type (and
   * namespace) instead of scanning every stored pod, event and ReplicaSet, as etcd reads one key prefix
   * (/registry/<resource>/<namespace>/, staging/src/k8s.io/apiserver/pkg/storage/etcd3/store.go GetList).
   */
  private readonly byType = new Map<string, Map<string, Map<string, KubeObject>>>()
  private readonly listeners = new Set<(event: StoreEvent) => void>()
  private readonly history: Array<{revision: number; event: StoreEvent}> = []
  private revision = 1000

  get resourceVersion(): string {
    return String(this.revision)
  }

  get(ref: TypeRef, namespace: string | undefined, name: string): KubeObject | undefined {
    const found = this.objects.get(keyOf(typeOf(ref), namespace, name))
    return found && structuredClone(found)
  }

  /**
   * The stored object itself, not a copy, for read-only use where a copy per call costs (the exec handler reads the
   * pod twice per stream: 100 streams per verify of 50 apps). Callers must not change it.
   */
  peek(ref: TypeRef, namespace: string | undefined, name: string): Readonly<KubeObject> | undefined {
    return this.objects.get(keyOf(typeOf(ref), namespace, name))
  }

  /** Whether the object exists, without copying it. */
  has(ref: TypeRef, namespace: string | undefined, name: string): boolean {
    return this.objects.has(keyOf(typeOf(ref), namespace, name))
  }

  list(ref: TypeRef, namespace?: string): KubeObject[] {
    const type = typeOf(ref)
    const scopes = this.byType.get(typeKeyOf(type))
    if (!scopes) return []
    const found = type.namespaced && namespace ? [...(scopes.get(namespace)?.values() ?? [])] : [...scopes.values()].flatMap((names) => [...names.values()])
    return found
      .map((obj) => structuredClone(obj))
      .sort((a, b) => `${a.metadata.namespace ?? ''}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace ?? ''}/${b.metadata.name}`))
  }

  /** Stores a new object: fills generateName, uid, resourceVersion, generation, creationTimestamp. Throws if it exists. */
  create(ref: TypeRef | undefined, input: KubeObject): KubeObject {
    const type = typeOf(ref ?? `${input.apiVersion}/${input.kind}`)
    const obj = structuredClone(input)
    obj.apiVersion = apiVersionOf(type)
    obj.kind = type.kind
    obj.metadata ??= {name: ''}
    if (!obj.metadata.name && obj.metadata.generateName) {
      do obj.metadata.name = obj.metadata.generateName + randomSuffix()
      while (this.objects.has(keyOf(type, obj.metadata.namespace, obj.metadata.name)))
    }
    if (!type.namespaced) delete obj.metadata.namespace
    const key = keyOf(type, obj.metadata.namespace, obj.metadata.name)
    if (this.objects.has(key)) throw new Error(`exists: ${key}`)
    // a uid given here was assigned by admission (a Job's generated selector names it)
    obj.metadata.uid ??= randomUUID()
    obj.metadata.creationTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
    if (GENERATION_GROUPS.has(type.group)) obj.metadata.generation = 1
    else delete obj.metadata.generation
    this.save(type, key, obj, 'ADDED')
    return structuredClone(obj)
  }

  /** What create would store, without storing it: a dry run gets uid, creationTimestamp and a generated name, no resourceVersion. */
  preview(ref: TypeRef | undefined, input: KubeObject): KubeObject {
    const type = typeOf(ref ?? `${input.apiVersion}/${input.kind}`)
    const obj = structuredClone(input)
    obj.apiVersion = apiVersionOf(type)
    obj.kind = type.kind
    if (!obj.metadata.name && obj.metadata.generateName) obj.metadata.name = obj.metadata.generateName + randomSuffix()
    if (!type.namespaced) delete obj.metadata.namespace
    obj.metadata.uid ??= randomUUID()
    obj.metadata.creationTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
    if (GENERATION_GROUPS.has(type.group)) obj.metadata.generation = 1
    return obj
  }

  /** Replaces an existing object, keeping server-owned metadata and bumping generation when the spec changed. */
  update(ref: TypeRef | undefined, input: KubeObject, opts: {bumpGeneration?: boolean} = {}): KubeObject {
    const type = typeOf(ref ?? `${input.apiVersion}/${input.kind}`)
    const key = keyOf(type, input.metadata.namespace, input.metadata.name)
    const old = this.objects.get(key)
    if (!old) throw new Error(`missing: ${key}`)
    const obj = structuredClone(input)
    obj.apiVersion = apiVersionOf(type)
    obj.kind = type.kind
    obj.metadata.uid = old.metadata.uid
    obj.metadata.creationTimestamp = old.metadata.creationTimestamp
    if (!type.namespaced) delete obj.metadata.namespace
    if (GENERATION_GROUPS.has(type.group)) {
      obj.metadata.generation = (old.metadata.generation ?? 1) + (specOf(old) === specOf(obj) && !opts.bumpGeneration ? 0 : 1)
    }
    if (JSON.stringify({...old, metadata: {...old.metadata, resourceVersion: ''}}) === JSON.stringify({...obj, metadata: {...obj.metadata, resourceVersion: ''}})) {
      return structuredClone(old) // a no-op write does not bump resourceVersion, as in the real registry
    }
    this.save(type, key, obj, 'MODIFIED')
    return structuredClone(obj)
  }

  /** Creates or replaces. */
  put(ref: TypeRef | undefined, input: KubeObject): KubeObject {
    const type = typeOf(ref ?? `${input.apiVersion}/${input.kind}`)
    return this.objects.has(keyOf(type, input.metadata.namespace, input.metadata.name)) ? this.update(type, input) : this.create(type, input)
  }

  delete(ref: TypeRef, namespace: string | undefined, name: string): KubeObject | undefined {
    const type = typeOf(ref)
    const key = keyOf(type, namespace, name)
    const old = this.objects.get(key)
    if (!old) return undefined
    this.objects.delete(key)
    const scopes = this.byType.get(typeKeyOf(type))
    const names = scopes?.get(scopeOf(type, namespace))
    names?.delete(name)
    if (names?.size === 0) scopes!.delete(scopeOf(type, namespace))
    this.revision++
    const gone = {...structuredClone(old), metadata: {...structuredClone(old.metadata), resourceVersion: String(this.revision)}}
    this.emit({type: 'DELETED', resource: type, object: gone})
    return structuredClone(gone)
  }

  /**
   * The events after a resourceVersion, as the watch cache replays them; undefined when that version has been
   * compacted away (the API server answers 410 Gone).
   */
  since(resourceVersion: string): StoreEvent[] | undefined {
    const rv = Number(resourceVersion)
    if (this.history.length && rv < this.history[0].revision - 1) return undefined
    return this.history.filter((h) => h.revision > rv).map((h) => ({...h.event, object: structuredClone(h.event.object)}))
  }

  /** The resourceVersion before the oldest event still replayable: the "(N)" of the watch cache's 410. */
  get oldestReplayable(): string {
    return String(this.history.length ? this.history[0].revision - 1 : this.revision)
  }

  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private save(type: ResourceType, key: string, obj: KubeObject, event: WatchEventType): void {
    this.revision++
    obj.metadata.resourceVersion = String(this.revision)
    this.objects.set(key, obj)
    const scopes = this.byType.get(typeKeyOf(type)) ?? this.byType.set(typeKeyOf(type), new Map()).get(typeKeyOf(type))!
    const scope = scopeOf(type, obj.metadata.namespace)
    const names = scopes.get(scope) ?? scopes.set(scope, new Map()).get(scope)!
    names.set(obj.metadata.name, obj)
    this.emit({type: event, resource: type, object: structuredClone(obj)})
  }

  private emit(event: StoreEvent): void {
    this.history.push({revision: this.revision, event: {...event, object: structuredClone(event.object)}})
    if (this.history.length > HISTORY_LIMIT) this.history.shift()
    for (const listener of this.listeners) listener(event)
  }
}

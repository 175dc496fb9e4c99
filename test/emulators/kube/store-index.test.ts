import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startKubeEmulator, type KubeEmulator} from './index.js'
import {ObjectStore} from './store.js'
import {hasKubectl, kubectlFor} from './test-support.js'

const configMap = (namespace: string, name: string, data: Record<string, string> = {}) => ({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name, namespace}, data})
const names = (objects: Array<{metadata: {namespace?: string; name: string}}>) => objects.map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`)

describe('the object store lists by type and namespace', () => {
  it('lists exactly one namespace, or all, after writes in other namespaces and of other types', () => {
    const store = new ObjectStore()
    store.create(undefined, configMap('a', 'one'))
    store.create(undefined, configMap('b', 'two'))
    store.create(undefined, {apiVersion: 'v1', kind: 'Secret', metadata: {name: 'one', namespace: 'a'}})
    store.create(undefined, configMap('b', 'three'))
    store.delete('configmaps', 'a', 'one')
    store.update(undefined, configMap('b', 'two', {k: 'v'}))
    store.create(undefined, configMap('a', 'four'))

    expect(names(store.list('configmaps', 'a'))).toEqual(['a/four'])
    expect(names(store.list('configmaps', 'b'))).toEqual(['b/three', 'b/two'])
    expect(names(store.list('configmaps'))).toEqual(['a/four', 'b/three', 'b/two'])
    expect(names(store.list('secrets', 'a'))).toEqual(['a/one'])
    expect(store.list('configmaps', 'b').find((o) => o.metadata.name === 'two')?.data).toEqual({k: 'v'})
    expect(store.list('configmaps', 'c')).toEqual([])
  })

  it('lists a namespace again after its last object was deleted and a new one created', () => {
    const store = new ObjectStore()
    store.create(undefined, configMap('a', 'one'))
    store.delete('configmaps', 'a', 'one')
    expect(store.list('configmaps', 'a')).toEqual([])
    expect(store.list('configmaps')).toEqual([])
    expect(store.has('configmaps', 'a', 'one')).toBe(false)
    store.create(undefined, configMap('a', 'one'))
    expect(names(store.list('configmaps', 'a'))).toEqual(['a/one'])
    expect(store.has('configmaps', 'a', 'one')).toBe(true)
  })

  it('ignores a namespace for cluster-scoped types, as paths without /namespaces/ do', () => {
    const store = new ObjectStore()
    store.create(undefined, {apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'b'}})
    store.create(undefined, {apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'a', namespace: 'ignored'}})
    expect(names(store.list('namespaces'))).toEqual(['/a', '/b'])
    expect(names(store.list('namespaces', 'ignored'))).toEqual(['/a', '/b'])
    store.delete('namespaces', 'anything', 'a')
    expect(names(store.list('namespaces'))).toEqual(['/b'])
  })

  it('keeps resourceVersion semantics: every write bumps it, a no-op update does not, a list returns copies', () => {
    const store = new ObjectStore()
    const created = store.create(undefined, configMap('a', 'one'))
    store.create(undefined, configMap('b', 'other'))
    const updated = store.update(undefined, {...configMap('a', 'one', {k: 'v'})})
    expect(Number(updated.metadata.resourceVersion)).toBeGreaterThan(Number(created.metadata.resourceVersion))
    const again = store.update(undefined, {...configMap('a', 'one', {k: 'v'}), metadata: {...updated.metadata}})
    expect(again.metadata.resourceVersion).toBe(updated.metadata.resourceVersion)
    const [listed] = store.list('configmaps', 'a')
    expect(listed.metadata.resourceVersion).toBe(updated.metadata.resourceVersion)
    listed.data = {changed: 'locally'}
    expect(store.list('configmaps', 'a')[0].data).toEqual({k: 'v'})
    const gone = store.delete('configmaps', 'a', 'one')!
    expect(gone.metadata.resourceVersion).toBe(store.resourceVersion)
    expect(store.since(created.metadata.resourceVersion!)!.map((e) => `${e.type} ${e.object.metadata.namespace}/${e.object.metadata.name}`)).toEqual([
      'ADDED b/other',
      'MODIFIED a/one',
      'DELETED a/one',
    ])
  })
})

describe('peek, the exec handler\'s read without a copy', () => {
  it('sees the stored object; a write replaces it instead of changing what an earlier peek returned', () => {
    const store = new ObjectStore()
    store.create(undefined, configMap('a', 'one', {k: 'v1'}))
    const before = store.peek('configmaps', 'a', 'one')!
    expect(before).toEqual(store.get('configmaps', 'a', 'one'))
    store.update(undefined, configMap('a', 'one', {k: 'v2'}))
    expect(before.data).toEqual({k: 'v1'})
    expect(store.peek('configmaps', 'a', 'one')!.data).toEqual({k: 'v2'})
    store.delete('configmaps', 'a', 'one')
    expect(store.peek('configmaps', 'a', 'one')).toBeUndefined()
    expect(before.data).toEqual({k: 'v1'})
  })
})

describe.skipIf(!hasKubectl)('kubectl lists after writes in other namespaces', () => {
  let kube: KubeEmulator
  let kubectl: ReturnType<typeof kubectlFor>

  beforeAll(async () => {
    kube = await startKubeEmulator({preset: 'empty'})
    kubectl = kubectlFor(kube)
  })
  afterAll(async () => {
    await kube?.stop()
  })

  it('kubectl get -n and -A see exactly the objects of their scope', async () => {
    for (const ns of ['red', 'blue']) expect((await kubectl(['create', 'namespace', ns])).code).toBe(0)
    expect((await kubectl(['create', 'configmap', 'x', '-n', 'red'])).code).toBe(0)
    expect((await kubectl(['create', 'configmap', 'y', '-n', 'blue'])).code).toBe(0)
    expect((await kubectl(['create', 'configmap', 'z', '-n', 'blue'])).code).toBe(0)
    expect((await kubectl(['delete', 'configmap', 'x', '-n', 'red'])).code).toBe(0)
    expect((await kubectl(['label', 'configmap', 'y', '-n', 'blue', 'seen=yes'])).code).toBe(0)

    // kube-root-ca.crt: published into every namespace by the root CA configmap publisher
    expect((await kubectl(['get', 'configmaps', '-n', 'red', '-o', 'name'])).stdout).toBe('configmap/kube-root-ca.crt\n')
    expect((await kubectl(['get', 'configmaps', '-n', 'blue', '-o', 'name'])).stdout).toBe('configmap/kube-root-ca.crt\nconfigmap/y\nconfigmap/z\n')
    expect((await kubectl(['get', 'configmaps', '-n', 'blue', '-l', 'seen=yes', '-o', 'name'])).stdout).toBe('configmap/y\n')
    const all = await kubectl(['get', 'configmaps', '-A', '-o', 'jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name} {end}'])
    expect(all.stdout.split(' ').filter((n) => n.startsWith('red/') || n.startsWith('blue/'))).toEqual(['blue/kube-root-ca.crt', 'blue/y', 'blue/z', 'red/kube-root-ca.crt'])
  })
})

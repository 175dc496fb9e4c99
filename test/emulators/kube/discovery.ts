import {componentSchemas} from './openapi.js'
import {RESOURCE_TYPES, apiVersionOf, type ResourceType} from './resources.js'

/** The discovery documents (legacy, non-aggregated form) and /version of a v1.32 API server. */

export const VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0',
  gitCommit: '70d3cc986aa8221cd1dfb1121852688902d3bf53',
  gitTreeState: 'clean',
  buildDate: '2024-12-11T17:59:15Z',
  goVersion: 'go1.23.3',
  compiler: 'gc',
  platform: 'linux/amd64',
}

const SERVER_ADDRESS = [{clientCIDR: '0.0.0.0/0', serverAddress: '192.168.49.2:8443'}]

function groups(): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const t of RESOURCE_TYPES) {
    if (!t.group) continue
    const versions = out.get(t.group) ?? []
    if (!versions.includes(t.version)) versions.push(t.version)
    out.set(t.group, versions)
  }
  return out
}

function apiGroup(name: string, versions: string[]) {
  const list = versions.map((v) => ({groupVersion: `${name}/${v}`, version: v}))
  return {name, versions: list, preferredVersion: list[0]}
}

function resourceList(types: ResourceType[], groupVersion: string) {
  const resources: unknown[] = []
  for (const t of types) {
    resources.push({
      name: t.resource,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: t.verbs,
      ...(t.shortNames ? {shortNames: t.shortNames} : {}),
      ...(t.categories ? {categories: t.categories} : {}),
    })
    for (const sub of t.subresources ?? []) {
      resources.push({
        name: `${t.resource}/${sub.name}`,
        singularName: '',
        namespaced: t.namespaced,
        ...(sub.group ? {group: sub.group, version: sub.version} : {}),
        kind: sub.kind,
        verbs: sub.verbs,
      })
    }
  }
  return {kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources}
}

/** Answers a discovery path, or undefined if the path is not a discovery document. */
export function discovery(path: string): unknown {
  const p = path.replace(/\/+$/, '')
  if (p === '/api') return {kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: SERVER_ADDRESS}
  if (p === '/api/v1') return resourceList(RESOURCE_TYPES.filter((t) => !t.group), 'v1')
  if (p === '/apis') {
    return {kind: 'APIGroupList', apiVersion: 'v1', groups: [...groups()].map(([name, versions]) => apiGroup(name, versions))}
  }
  const m = p.match(/^\/apis\/([^/]+)(?:\/([^/]+))?$/)
  if (!m) return undefined
  const versions = groups().get(m[1])
  if (!versions) return undefined
  if (!m[2]) return {kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(m[1], versions)}
  if (!versions.includes(m[2])) return undefined
  return resourceList(
    RESOURCE_TYPES.filter((t) => apiVersionOf(t) === `${m[1]}/${m[2]}`),
    `${m[1]}/${m[2]}`,
  )
}

/**
 * OpenAPI v3 as far as kubectl reads it: the root index, and per group-version the PATCH operations with their
 * `fieldValidation` parameter (kubectl checks for it before relying on server-side field validation).
 */
export function openapiV3(path: string): unknown {
  const gvs = [...new Set(RESOURCE_TYPES.map(apiVersionOf))]
  const prefix = (gv: string) => (gv.includes('/') ? `apis/${gv}` : `api/${gv}`)
  if (path === '/openapi/v3' || path === '/openapi/v3/') {
    return {paths: Object.fromEntries(gvs.map((gv) => [prefix(gv), {serverRelativeURL: `/openapi/v3/${prefix(gv)}?hash=${Buffer.from(gv).toString('hex').toUpperCase()}`}]))}
  }
  const gv = gvs.find((g) => path === `/openapi/v3/${prefix(g)}`)
  if (!gv) return undefined
  const paths: Record<string, unknown> = {}
  for (const t of RESOURCE_TYPES.filter((r) => apiVersionOf(r) === gv && r.verbs.includes('patch'))) {
    const item = `/${prefix(gv)}/${t.namespaced ? 'namespaces/{namespace}/' : ''}${t.resource}/{name}`
    paths[item] = {
      patch: {
        parameters: ['dryRun', 'fieldManager', 'fieldValidation', 'force'].map((name) => ({name, in: 'query', schema: {type: name === 'force' ? 'boolean' : 'string', uniqueItems: true}})),
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': {group: t.group, version: t.version, kind: t.kind},
      },
    }
  }
  const schemas = componentSchemas(RESOURCE_TYPES.filter((r) => apiVersionOf(r) === gv))
  return {openapi: '3.0.0', info: {title: 'Kubernetes', version: VERSION.gitVersion}, paths, components: {schemas}}
}

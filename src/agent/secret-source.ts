import {readFile} from 'node:fs/promises'

import {inputError, VsiError} from '../errors.js'
import type {VaultClient} from '../vault/client.js'
import type {KvLocation} from '../vault/kv-path.js'
import {kvApiPath, kvLocationOf} from '../vault/kv-path.js'
import {trimSlashes} from '../vault/mounts.js'
import {registerValue} from '../vault/secret-input.js'
import {isDeletedKvV2, parseVaultJson} from '../go-template/index.js'

export type SecretState = 'ok' | 'missing' | 'deleted' | 'destroyed' | 'not-kv' | 'error'

/** What Vault Agent gets for one `secret "path"` call. */
export interface SecretLookup {
  /** The path as the template or annotation wrote it. */
  path: string
  /** What the agent actually reads: consul-template inserts `data/` on KV v2 mounts (internal/data/database/config). */
  apiPath: string
  kvVersion?: 1 | 2
  state: SecretState
  /** Vault's response body (`{data, lease_id, …}`) when state is ok. */
  response?: Record<string, unknown>
  /** Why there is no response, in the agent's words where it has some (`no secret exists at …`). */
  problem?: string
}

/** What Vault Agent gets for one `secrets "path"` call: the keys under a path (names only, no values). */
export interface ListLookup {
  path: string
  /** What the agent lists: consul-template lists `metadata/` on KV v2 mounts (dependency/vault_list.go). */
  apiPath: string
  keys: string[]
  problem?: string
}

/** Where `secret "path"` and `secrets "path"` are answered from: the live Vault, or fixture files. */
export interface SecretSource {
  kind: 'vault' | 'fixture'
  /** Its values must not be shown (read from Vault without --show-secrets). */
  masked: boolean
  lookup(path: string): Promise<SecretLookup>
  list(path: string): Promise<ListLookup>
}

/** consul-template's shimKvV2ListPath: a KV v2 listing is of `MOUNT/metadata/…` unless the path already says so. */
function kvV2ListPath(path: string, mount: string): string {
  if (path.startsWith(`${mount}/metadata`)) return path
  return [mount, 'metadata', path === mount ? '' : trimSlashes(path.slice(mount.length))].filter((part) => part !== '').join('/')
}

/** The sorted string keys of a LIST answer (`{data: {keys: [...]}}`); none when it has no keys. */
function listedKeys(body: Record<string, unknown> | undefined): string[] {
  const data = body?.data as {keys?: unknown} | undefined
  return Array.isArray(data?.keys) ? data.keys.filter((key): key is string => typeof key === 'string').sort() : []
}

/** A KV v2 version's metadata as Vault answers it (numbers decoded as json.Number). */
interface KvVersionMetadata {
  version?: unknown
  deletion_time?: unknown
  destroyed?: unknown
}

/** Registers every string in a secret's data, so that no output can print it. */
function registerLeaves(value: unknown): void {
  if (typeof value === 'string') registerValue(value)
  else if (Array.isArray(value)) value.forEach(registerLeaves)
  else if (value !== null && typeof value === 'object') Object.values(value).forEach(registerLeaves)
}

/**
 * Reads secrets as Vault Agent would, with the caller's token: only from KV engines (reading a dynamic engine such
 * as database/creds would create credentials). Values are registered as secrets unless `reveal`.
 */
export function vaultSecretSource(vault: VaultClient, reveal: boolean): SecretSource {
  const cache = new Map<string, Promise<SecretLookup>>()
  const lookup = async (path: string): Promise<SecretLookup> => {
    const clean = trimSlashes(path)
    let location: KvLocation
    try {
      location = await kvLocationOf(vault, clean)
    } catch (error) {
      if (!(error instanceof VsiError)) throw error
      return {path, apiPath: clean, state: error.code.startsWith('kv-mount') ? 'not-kv' : 'error', problem: error.message}
    }
    const apiPath = kvApiPath(clean, location.mount, location.version, 'data', true)
    const base = {path, apiPath, kvVersion: location.version}
    let answer: {status: 200 | 404; text: string}
    let response: Record<string, unknown> | undefined
    try {
      answer = await vault.readText(apiPath)
      // Decoded as Vault's Go client decodes (UseNumber): a secret's 1.50 stays 1.50 (a KV v1 engine answers numbers
      // as written; KV v2 answers them as float64s, 1.5, and that is what the agent renders too).
      const body = answer.text.trim() === '' ? undefined : parseVaultJson(answer.text)
      response = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined
    } catch (error) {
      if (error instanceof VsiError) return {...base, state: 'error', problem: error.message}
      if (error instanceof SyntaxError) return {...base, state: 'error', problem: `Vault's answer for ${apiPath} is not JSON: ${error.message}`}
      throw error
    }
    const data = response?.data as Record<string, unknown> | null | undefined
    const values = location.version === 2 ? data?.data : data
    if (answer.status === 200 && response && values) {
      if (!reveal) registerLeaves(values)
      return {...base, state: 'ok', response}
    }
    const missing: SecretLookup = {...base, state: 'missing', problem: `no secret exists at ${apiPath}`}
    // KV v2 answers a deleted or destroyed version 404 with its metadata; Vault's client (api/logical.go
    // ParseRawResponseAndCloseBody) still returns that as a secret, since its Data is not empty.
    const metadata = location.version === 2 && answer.status === 404 ? (data?.metadata as KvVersionMetadata | undefined) : undefined
    if (!metadata || !response) return missing
    const version = String(metadata.version ?? '?')
    // consul-template (dependency/vault_read.go deletedKVv2) refuses only a version whose deletion_time has passed.
    if (isDeletedKvV2(response, new Date())) return {...missing, state: 'deleted', problem: `${missing.problem}: version ${version} was deleted at ${String(metadata.deletion_time)}`}
    if (metadata.destroyed === true) {
      // A destroyed version has no deletion_time: the agent renders it, with Data.data nil.
      return {...base, state: 'destroyed', response, problem: `version ${version} was destroyed: Vault Agent renders it with no data`}
    }
    return missing
  }
  const lists = new Map<string, Promise<ListLookup>>()
  const list = async (path: string): Promise<ListLookup> => {
    const clean = trimSlashes(path)
    let apiPath = clean
    try {
      const location = await kvLocationOf(vault, clean)
      if (location.version === 2) apiPath = kvV2ListPath(clean, location.mount)
    } catch (error) {
      // Not a KV mount: consul-template lists the path as it is.
      if (!(error instanceof VsiError)) throw error
    }
    try {
      return {path, apiPath, keys: (await vault.list(apiPath)).sort()}
    } catch (error) {
      if (error instanceof VsiError) return {path, apiPath, keys: [], problem: error.message}
      throw error
    }
  }
  return {
    kind: 'vault',
    masked: !reveal,
    list: (path) => {
      const key = trimSlashes(path)
      if (!lists.has(key)) lists.set(key, list(path))
      return lists.get(key)!
    },
    lookup: (path) => {
      const key = trimSlashes(path)
      if (!cache.has(key)) cache.set(key, lookup(path))
      return cache.get(key)!
    },
  }
}

/** A fixture: a Vault response (what `vault kv get -format=json` prints: a top-level `data` object) or the bare key/values. */
export interface SecretFixture {
  /** Undefined: the fixture answers every path. */
  path?: string
  file: string
  body: Record<string, unknown>
}

export async function readFixture(spec: string): Promise<SecretFixture> {
  const at = spec.indexOf('=')
  const path = at > 0 ? trimSlashes(spec.slice(0, at)) : undefined
  const file = at > 0 ? spec.slice(at + 1) : spec
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw inputError(`--data ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
  }
  let body: unknown
  try {
    JSON.parse(text)
    // Numbers keep their written form (1.50, 1e3), as Vault's client decodes them (json.Number).
    body = parseVaultJson(text)
  } catch (error) {
    throw inputError(`--data ${file} is not JSON: ${(error as Error).message}`, 'Give the secret as a JSON object: {"username": "…", "password": "…"}, or the output of `vault kv get -format=json`.')
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw inputError(`--data ${file}: expected a JSON object`)
  return {path, file, body: body as Record<string, unknown>}
}

/** KV v2 paths carry `data/` after the mount as annotations and templates write them; the mount itself is unknown offline. */
export function guessKvVersion(path: string): 1 | 2 {
  return trimSlashes(path).split('/')[1] === 'data' ? 2 : 1
}

function isVaultResponse(body: Record<string, unknown>): boolean {
  return body.data !== null && typeof body.data === 'object' && !Array.isArray(body.data)
}

/** What a KV v2 read returns around the key/values (metadata as for a first version written now). */
function kvV2Response(values: Record<string, unknown>): Record<string, unknown> {
  const metadata = {created_time: new Date().toISOString(), custom_metadata: null, deletion_time: '', destroyed: false, version: 1}
  return {request_id: '', lease_id: '', lease_duration: 0, renewable: false, data: {data: values, metadata}, warnings: null}
}

/** Answers `secret "path"` from fixtures: the one given for the path, else the one given for every path. */
export function fixtureSecretSource(fixtures: SecretFixture[], kvVersion?: 1 | 2): SecretSource {
  return {
    kind: 'fixture',
    masked: false,
    // A fixture for a listing is what Vault answers a LIST (`vault list -format=json` prints only the keys).
    list: async (path) => {
      const clean = trimSlashes(path)
      const fixture = fixtures.find((f) => f.path === clean) ?? fixtures.find((f) => f.path === undefined)
      return {path, apiPath: clean, keys: listedKeys(fixture?.body), ...(fixture ? {} : {problem: `no --data fixture for ${clean}`})}
    },
    lookup: async (path) => {
      const clean = trimSlashes(path)
      const fixture = fixtures.find((f) => f.path === clean) ?? fixtures.find((f) => f.path === undefined)
      if (!fixture) return {path, apiPath: clean, state: 'missing', problem: `no --data fixture for ${clean}`}
      if (isVaultResponse(fixture.body)) {
        const data = fixture.body.data as Record<string, unknown>
        const version = kvVersion ?? (data.data !== null && typeof data.data === 'object' && 'metadata' in data ? 2 : 1)
        return {path, apiPath: clean, kvVersion: version, state: 'ok', response: fixture.body}
      }
      const version = kvVersion ?? guessKvVersion(clean)
      const response = version === 2 ? kvV2Response(fixture.body) : {request_id: '', lease_id: '', lease_duration: 0, renewable: false, data: fixture.body, warnings: null}
      return {path, apiPath: clean, kvVersion: version, state: 'ok', response}
    },
  }
}

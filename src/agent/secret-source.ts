import {readFile} from 'node:fs/promises'

import {inputError, VsiError} from '../errors.js'
import type {VaultClient} from '../vault/client.js'
import type {KvLocation} from '../vault/kv-path.js'
import {kvApiPath, kvLocationOf} from '../vault/kv-path.js'
import {trimSlashes} from '../vault/mounts.js'
import {registerValue} from '../vault/secret-input.js'
import {parseVaultJson} from '../go-template/index.js'

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

/** Where `secret "path"` is answered from: the live Vault, or fixture files. */
export interface SecretSource {
  kind: 'vault' | 'fixture'
  /** Its values must not be shown (read from Vault without --show-secrets). */
  masked: boolean
  lookup(path: string): Promise<SecretLookup>
}

/** The KV v2 path that holds a secret's versions (`internal/metadata/database/config`). */
function metadataPath(location: KvLocation): string {
  const key = location.key === 'data' ? '' : location.key.replace(/^data\//, '')
  return [location.mount, 'metadata', key].filter((part) => part !== '').join('/')
}

interface KvMetadata {
  current_version?: number
  versions?: Record<string, {deletion_time?: string; destroyed?: boolean}>
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
    let response: Record<string, unknown> | undefined
    try {
      response = await vault.read(apiPath)
    } catch (error) {
      if (error instanceof VsiError) return {...base, state: 'error', problem: error.message}
      throw error
    }
    const data = response?.data as Record<string, unknown> | undefined
    const values = location.version === 2 ? data?.data : data
    if (response && values) {
      if (!reveal) registerLeaves(values)
      return {...base, state: 'ok', response}
    }
    const missing: SecretLookup = {...base, state: 'missing', problem: `no secret exists at ${apiPath}`}
    if (location.version === 1) return missing
    const metadata = (await vault.read<KvMetadata>(metadataPath(location)).catch(() => undefined))?.data
    const version = metadata?.current_version
    const current = metadata?.versions?.[String(version)]
    if (current?.deletion_time) return {...missing, state: 'deleted', problem: `${missing.problem}: version ${version} was deleted at ${current.deletion_time}`}
    if (current?.destroyed) {
      // Vault answers 404 with {data: null, metadata}; the agent's client takes that as a secret, and
      // consul-template (dependency/vault_read.go deletedKVv2) only refuses versions with a deletion_time.
      const destroyed = {created_time: '', custom_metadata: null, deletion_time: '', destroyed: true, version}
      const response = {request_id: '', lease_id: '', lease_duration: 0, renewable: false, data: {data: null, metadata: destroyed}, warnings: null}
      return {...base, state: 'destroyed', response, problem: `version ${version} was destroyed: Vault Agent renders it with no data`}
    }
    return missing
  }
  return {
    kind: 'vault',
    masked: !reveal,
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

// Endpoints Vault serves outside the logical router, without a token and even while sealed:
// sys/health (http/sys_health.go), sys/seal-status, sys/init, sys/leader.
import {goEncode, goStruct} from './go-json.js'
import type {WireResponse} from './http-wire.js'
import {VAULT_BUILD_DATE, VAULT_VERSION} from '../versions.js'
import {errorBody} from './render.js'

export interface ServerIdentity {
  sealed: boolean
  clusterName: string
  clusterId: string
  nowMs: number
}

const JSON_HEADERS = {'Cache-Control': 'no-store', 'Content-Type': 'application/json'}

function parseCode(query: URLSearchParams, name: string, fallback: number): number | undefined {
  const value = query.get(name)
  if (value === null) return fallback
  return /^-?\d+$/.test(value) ? Number(value) : undefined
}

export function health(server: ServerIdentity, method: string, query: URLSearchParams): WireResponse {
  if (method !== 'GET' && method !== 'HEAD') return errorBody(405, [])
  for (const flag of ['standbyok', 'perfstandbyok']) {
    const value = query.get(flag)
    if (value !== null && !['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return errorBody(400, [])
  }
  const active = parseCode(query, 'activecode', 200)
  const sealed = parseCode(query, 'sealedcode', 503)
  const others = ['standbycode', 'drsecondarycode', 'performancestandbycode', 'uninitcode'].map((n) => parseCode(query, n, 0))
  if (active === undefined || sealed === undefined || others.includes(undefined)) return errorBody(400, [])
  const status = server.sealed ? sealed : active
  const body = goStruct({
    initialized: true,
    sealed: server.sealed,
    standby: server.sealed,
    performance_standby: false,
    replication_performance_mode: 'disabled',
    replication_dr_mode: 'disabled',
    server_time_utc: Math.floor(server.nowMs / 1000),
    version: VAULT_VERSION,
    enterprise: false,
    cluster_name: server.sealed ? undefined : server.clusterName,
    cluster_id: server.sealed ? undefined : server.clusterId,
    echo_duration_ms: 0,
    clock_skew_ms: 0,
    replication_primary_canary_age_ms: 0,
  })
  return {status, headers: JSON_HEADERS, body: method === 'HEAD' ? '' : goEncode(body)}
}

export function sealStatus(server: ServerIdentity, method: string): WireResponse {
  if (method !== 'GET') return errorBody(405, [])
  const body = goStruct({
    type: 'shamir',
    initialized: true,
    sealed: server.sealed,
    t: 1,
    n: 1,
    progress: 0,
    nonce: '',
    version: VAULT_VERSION,
    build_date: VAULT_BUILD_DATE,
    migration: false,
    cluster_name: server.sealed ? undefined : server.clusterName,
    cluster_id: server.sealed ? undefined : server.clusterId,
    recovery_seal: false,
    storage_type: 'inmem',
  })
  return {status: 200, headers: JSON_HEADERS, body: goEncode(body)}
}

export function initStatus(method: string): WireResponse {
  if (method !== 'GET') return errorBody(405, [])
  return {status: 200, headers: JSON_HEADERS, body: goEncode({initialized: true})}
}

export function leader(server: ServerIdentity, method: string): WireResponse {
  if (method !== 'GET') return errorBody(405, [])
  if (server.sealed) return errorBody(503, ['Vault is sealed'])
  const body = goStruct({
    ha_enabled: false,
    is_self: false,
    active_time: '0001-01-01T00:00:00Z',
    leader_address: '',
    leader_cluster_address: '',
    performance_standby: false,
    performance_standby_last_remote_wal: 0,
  })
  return {status: 200, headers: JSON_HEADERS, body: goEncode(body)}
}

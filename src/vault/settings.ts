import {readdir, readFile} from 'node:fs/promises'
import {homedir} from 'node:os'
import path from 'node:path'

import {ExitCode, VsiError} from '../errors.js'
import {registerSecret} from '../output/redact.js'
import {DEFAULT_TIMEOUT_MS} from './client.js'
import {DurationError, parseDurationSecond} from '../duration.js'

/** Where the token came from, so vsi can say so without ever printing it. */
export type TokenSource = '--vault-token' | 'VAULT_TOKEN' | '~/.vault-token' | 'VAULT_DEV_ROOT_TOKEN_ID'

export interface VaultSettings {
  /** Undefined when neither --vault-addr nor VAULT_ADDR is set: the caller may look for Vault in the cluster. */
  addr?: string
  token?: string
  tokenSource?: TokenSource
  namespace?: string
  /** PEM bundle from VAULT_CACERT / VAULT_CAPATH. */
  ca?: string
  skipVerify: boolean
  /** VAULT_CLIENT_CERT / VAULT_CLIENT_KEY: a client certificate for listeners that require one. */
  clientCert?: string
  clientKey?: string
  /** VAULT_TLS_SERVER_NAME: the name to send (SNI) and to check the server certificate against. */
  tlsServerName?: string
  /** VAULT_CLIENT_TIMEOUT in milliseconds (default 60 s, as the vault CLI). */
  timeoutMs: number
}

export interface VaultFlagValues {
  'vault-addr'?: string
  'vault-token'?: string
  'vault-namespace'?: string
  'vault-ca-cert'?: string
  'vault-ca-path'?: string
  'vault-client-cert'?: string
  'vault-client-key'?: string
  'vault-tls-server-name'?: string
  'vault-tls-skip-verify'?: boolean
  'vault-client-timeout'?: string
}

type Env = Record<string, string | undefined>

/** Reads the configuration the way the vault CLI does: flags first, then VAULT_* variables, then ~/.vault-token. */
export async function loadVaultSettings(flags: VaultFlagValues, env: Env = process.env): Promise<VaultSettings> {
  const rawAddr = nonEmpty(flags['vault-addr']) ?? nonEmpty(env.VAULT_ADDR)
  const addr = rawAddr === undefined ? undefined : parseVaultAddr(rawAddr, flags['vault-addr'] ? '--vault-addr' : 'VAULT_ADDR')
  const {token, tokenSource} = await findToken(flags, env)
  registerSecret(token)
  return {
    addr,
    token,
    tokenSource,
    namespace: nonEmpty(flags['vault-namespace']) ?? nonEmpty(env.VAULT_NAMESPACE),
    ca: await loadCa(flags, env),
    skipVerify: flags['vault-tls-skip-verify'] === true || parseSkipVerify(env.VAULT_SKIP_VERIFY),
    ...(await loadClientCertificate(flags, env)),
    tlsServerName: nonEmpty(flags['vault-tls-server-name']) ?? nonEmpty(env.VAULT_TLS_SERVER_NAME),
    timeoutMs: parseTimeout(flags, env),
  }
}

/** VAULT_CLIENT_TIMEOUT as the vault CLI reads it (parseutil.ParseDurationSecond: "60", "60s", "2m"). */
function parseTimeout(flags: VaultFlagValues, env: Env): number {
  const fromFlag = nonEmpty(flags['vault-client-timeout'])
  const raw = fromFlag ?? nonEmpty(env.VAULT_CLIENT_TIMEOUT)
  if (raw === undefined) return DEFAULT_TIMEOUT_MS
  const source = fromFlag === undefined ? 'VAULT_CLIENT_TIMEOUT' : '--vault-client-timeout'
  let seconds: number
  try {
    seconds = parseDurationSecond(raw.trim())
  } catch (error) {
    if (!(error instanceof DurationError)) throw error
    seconds = Number.NaN
  }
  if (!(seconds > 0)) {
    throw new VsiError(`${source} ${JSON.stringify(raw)} is not a positive duration`, {code: 'invalid-input', exitCode: ExitCode.usage, hint: 'Use seconds or a Go duration, e.g. 30 or 30s or 2m.'})
  }
  return seconds * 1000
}

async function loadClientCertificate(flags: VaultFlagValues, env: Env): Promise<{clientCert?: string; clientKey?: string}> {
  const certFlag = nonEmpty(flags['vault-client-cert'])
  const keyFlag = nonEmpty(flags['vault-client-key'])
  const certFile = certFlag ?? nonEmpty(env.VAULT_CLIENT_CERT)
  const keyFile = keyFlag ?? nonEmpty(env.VAULT_CLIENT_KEY)
  const certSource = certFlag ? '--vault-client-cert' : 'VAULT_CLIENT_CERT'
  const keySource = keyFlag ? '--vault-client-key' : 'VAULT_CLIENT_KEY'
  if ((certFile === undefined) !== (keyFile === undefined)) {
    const [given, missing] = certFile === undefined ? [keySource, certSource] : [certSource, keySource]
    throw new VsiError(`${given} is set but ${missing} is not`, {code: 'invalid-input', exitCode: ExitCode.usage, hint: 'A client certificate needs both the certificate and its private key.'})
  }
  if (certFile === undefined || keyFile === undefined) return {}
  const read = async (file: string, source: string, marker: RegExp): Promise<string> => {
    let pem: string
    try {
      pem = await readFile(file, 'utf8')
    } catch (error) {
      throw caError(source, file, error)
    }
    if (!marker.test(pem)) throw caError(source, file, new Error('not a PEM file of the expected kind'))
    return pem
  }
  const clientKey = await read(keyFile, keySource, /-----BEGIN [A-Z ]*PRIVATE KEY-----/)
  registerSecret(clientKey)
  return {clientCert: await read(certFile, certSource, /-----BEGIN CERTIFICATE-----/), clientKey}
}

/** Accepts what the vault CLI accepts for an address: an http(s) URL with a host; returns it without trailing '/'. */
export function parseVaultAddr(raw: string, source: string): string {
  let url: URL | undefined
  try {
    url = new URL(raw.trim())
  } catch {
    url = undefined
  }
  if (!url || !['http:', 'https:'].includes(url.protocol) || url.hostname === '') {
    throw new VsiError(`${source} ${JSON.stringify(raw)} is not a valid Vault address`, {
      code: 'vault-addr-invalid',
      exitCode: ExitCode.usage,
      hint: 'Use a URL with scheme and host, e.g. http://127.0.0.1:8200 or https://vault.example.com:8200.',
    })
  }
  return url.href.replace(/\/+$/, '')
}

async function findToken(flags: VaultFlagValues, env: Env): Promise<{token?: string; tokenSource?: TokenSource}> {
  const fromFlag = nonEmpty(flags['vault-token'])
  if (fromFlag) return {token: fromFlag, tokenSource: '--vault-token'}
  const fromEnv = nonEmpty(env.VAULT_TOKEN)
  if (fromEnv) return {token: fromEnv, tokenSource: 'VAULT_TOKEN'}
  const home = nonEmpty(env.HOME) ?? homedir()
  try {
    const fromFile = nonEmpty((await readFile(path.join(home, '.vault-token'), 'utf8')).trim())
    if (fromFile) return {token: fromFile, tokenSource: '~/.vault-token'}
  } catch {
    // No token file: the caller decides whether a token is needed.
  }
  return {}
}

/** strconv.ParseBool, as the vault CLI parses VAULT_SKIP_VERIFY (node-vault would treat "false" as true). */
function parseSkipVerify(raw: string | undefined): boolean {
  if (raw === undefined || raw === '') return false
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(raw)) return true
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(raw)) return false
  throw new VsiError(`VAULT_SKIP_VERIFY ${JSON.stringify(raw)} is not a boolean`, {
    code: 'invalid-input',
    exitCode: ExitCode.usage,
    hint: 'Use VAULT_SKIP_VERIFY=true or false.',
  })
}

async function loadCa(flags: VaultFlagValues, env: Env): Promise<string | undefined> {
  const caFlag = nonEmpty(flags['vault-ca-cert'])
  const caCert = caFlag ?? nonEmpty(env.VAULT_CACERT)
  if (caCert) return readCaFile(caCert, caFlag ? '--vault-ca-cert' : 'VAULT_CACERT')
  const pathFlag = nonEmpty(flags['vault-ca-path'])
  const caPath = pathFlag ?? nonEmpty(env.VAULT_CAPATH)
  if (!caPath) return undefined
  let names: string[]
  try {
    names = (await readdir(caPath)).sort()
  } catch (error) {
    throw caError(pathFlag ? '--vault-ca-path' : 'VAULT_CAPATH', caPath, error)
  }
  const pems = await Promise.all(names.map((name) => readFile(path.join(caPath, name), 'utf8').catch(() => '')))
  const bundle = pems.filter((pem) => pem.includes('-----BEGIN CERTIFICATE-----')).join('\n')
  if (bundle === '') throw caError(pathFlag ? '--vault-ca-path' : 'VAULT_CAPATH', caPath, new Error('no PEM certificates in the directory'))
  return bundle
}

async function readCaFile(file: string, source: string): Promise<string> {
  let pem: string
  try {
    pem = await readFile(file, 'utf8')
  } catch (error) {
    throw caError(source, file, error)
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw caError(source, file, new Error('not a PEM certificate'))
  return pem
}

function caError(source: string, file: string, cause: unknown): VsiError {
  const reason = cause instanceof Error ? cause.message : String(cause)
  return new VsiError(`${source} ${file}: ${reason}`, {code: 'invalid-input', exitCode: ExitCode.usage, cause})
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value
}

import {readdir, readFile} from 'node:fs/promises'
import {homedir} from 'node:os'
import path from 'node:path'

import {ExitCode, VsiError} from '../errors.js'
import {registerSecret} from '../output/redact.js'

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
}

export interface VaultFlagValues {
  'vault-addr'?: string
  'vault-token'?: string
  'vault-namespace'?: string
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
    ca: await loadCa(env),
    skipVerify: parseSkipVerify(env.VAULT_SKIP_VERIFY),
  }
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

async function loadCa(env: Env): Promise<string | undefined> {
  const caCert = nonEmpty(env.VAULT_CACERT)
  if (caCert) return readCaFile(caCert, 'VAULT_CACERT')
  const caPath = nonEmpty(env.VAULT_CAPATH)
  if (!caPath) return undefined
  let names: string[]
  try {
    names = (await readdir(caPath)).sort()
  } catch (error) {
    throw caError('VAULT_CAPATH', caPath, error)
  }
  const pems = await Promise.all(names.map((name) => readFile(path.join(caPath, name), 'utf8').catch(() => '')))
  const bundle = pems.filter((pem) => pem.includes('-----BEGIN CERTIFICATE-----')).join('\n')
  if (bundle === '') throw caError('VAULT_CAPATH', caPath, new Error('no PEM certificates in the directory'))
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

/** `vsi setup`'s command line made into a SetupRequest: paths, TTL, secret data and the answers to prompts. */
import {ttlFlagSeconds} from '../duration.js'
import {usageError} from '../errors.js'
import {trimSlashes} from '../vault/mounts.js'
import {checkAppName, checkPathSegments} from '../vault/names.js'
import {inlineValueWarning, readPipedValue, readSecretAssignments, trailingNewlineWarning} from '../vault/secret-input.js'
import {dataArgsBySecret} from './data-args.js'
import type {SetupRequest} from './one-app.js'
import {askApp, askSecretPath} from './prompts.js'

export interface SetupRequestFlags {
  'kv-path': string
  'auth-path': string
  ttl: string
  secret?: string[]
  app?: string
  audience?: string
  'kubernetes-host'?: string
}

/** The command line as typed, to tell which key=value arguments follow which --secret. */
export interface CommandLine {
  argv: string[]
  /** The command's flag definitions (oclif's): an `option` flag takes the next argument as its value. */
  flags: Record<string, {type: string; char?: string}>
}

/** Everything decided before contacting anything: paths, TTL, secret data, and the answers to prompts. */
export async function setupRequest(
  flags: SetupRequestFlags,
  dataArgs: string[],
  options: {commandLine: CommandLine; interactive: boolean; warn: (message: string) => void},
): Promise<SetupRequest> {
  const kvPath = trimSlashes(flags['kv-path'])
  const authPath = trimSlashes(flags['auth-path'])
  if (kvPath === '') throw usageError('--kv-path is empty')
  if (authPath === '') throw usageError('--auth-path is empty')
  checkPathSegments(kvPath, '--kv-path')
  checkPathSegments(authPath, '--auth-path')
  for (const secret of flags.secret ?? []) checkPathSegments(secret, '--secret')
  if (flags.app !== undefined) checkAppName(flags.app, '--app')
  const kubernetesHost = flags['kubernetes-host'] === undefined ? undefined : parseKubernetesHost(flags['kubernetes-host'])
  const ttlSeconds = ttlFlagSeconds(flags.ttl)
  if (dataArgs.length > 0 && !flags.secret) throw usageError('key=value arguments need --secret PATH')
  const paths = (flags.secret ?? []).map((path) => trimSlashes(path))
  const repeated = paths.find((path, index) => paths.indexOf(path) !== index)
  if (repeated) throw usageError(`--secret ${repeated} is given twice`, 'Give each secret once, with all its key=value arguments after it.')
  const groups = dataArgsBySecret(options.commandLine.argv, dataArgs, paths.length, (flag) => flagTakesValue(options.commandLine.flags, flag))
  // One stdin for every secret: only one key may read it.
  let stdinRead = false
  const readStdinOnce = () => {
    if (stdinRead) throw usageError('only one key can read stdin ("-"), across all --secret')
    stdinRead = true
    return readPipedValue()
  }
  const values: Array<Record<string, string> | undefined> = []
  for (const group of groups) {
    const input = group.length > 0 ? await readSecretAssignments(group, readStdinOnce) : undefined
    if (input && input.inlineKeys.length > 0) options.warn(inlineValueWarning(input.inlineKeys))
    if (input && input.newlineKeys.length > 0) options.warn(trailingNewlineWarning(input.newlineKeys))
    values.push(input?.data)
  }

  let app = flags.app
  if (options.interactive && paths.length === 0) {
    // The tutorial's parts the flags left out: the secret, then (unless given) the app that reads it.
    const asked = await askSecretPath(kvPath)
    if (asked !== undefined) {
      checkPathSegments(asked, 'the secret path')
      paths.push(trimSlashes(asked))
      if (app === undefined) app = await askApp()
    }
    if (app !== undefined) checkAppName(app, 'the app name')
  }
  if (app !== undefined && paths.length === 0) throw usageError('--app needs --secret: the path its policy may read', 'e.g. --secret internal/database/config')
  const outside = paths.find((path) => !path.startsWith(`${kvPath}/`))
  if (outside !== undefined) throw usageError(`--secret ${outside} is not under --kv-path ${kvPath}/`, `Use a path such as ${kvPath}/database/config, or set --kv-path.`)
  return {
    kvPath,
    authPath,
    secrets: paths.map((path, index) => ({path, data: values[index]})),
    app: app === undefined ? undefined : {name: app, ttlSeconds, audience: flags.audience},
    kubernetesHost,
  }
}

/** Whether a flag token (`--ttl`, `-n`, `--no-verify`) takes the next argument as its value. */
function flagTakesValue(all: CommandLine['flags'], token: string): boolean {
  const name = token.startsWith('--') ? token.slice(2) : undefined
  const flag = name === undefined ? Object.values(all).find((f) => `-${f.char}` === token) : all[name]
  return flag?.type === 'option'
}

function parseKubernetesHost(raw: string): string {
  let url: URL | undefined
  try {
    url = new URL(raw)
  } catch {
    url = undefined
  }
  if (!url || !['https:', 'http:'].includes(url.protocol) || url.hostname === '') {
    throw usageError(`--kubernetes-host ${JSON.stringify(raw)} is not a URL`, 'Give the API server address as Vault reaches it, e.g. https://kubernetes.default.svc:443 or https://192.168.49.2:8443.')
  }
  return raw.replace(/\/+$/, '')
}

import {readFile} from 'node:fs/promises'
import path from 'node:path'

import {parseAssignment} from '../assignment.js'
import {inputError, usageError} from '../errors.js'
import type {KvVersion} from '../vault/mounts.js'
import {annotationFromFlag} from './annotation-flag.js'
import type {PatchRequest, SecretRequest} from './build.js'
import type {TemplateFormat} from '../annotations/formats.js'
import {TEMPLATE_FORMATS} from '../annotations/formats.js'

/** The `vsi patch` flags that describe the annotations (output flags aside). */
export interface PatchFlagValues {
  role?: string
  secret?: string[]
  'kv-version': string
  template?: string[]
  format?: string[]
  keys?: string[]
  status?: string
  'pre-populate-only'?: boolean
  'init-first'?: boolean
  'auth-path'?: string
  'agent-image'?: string
  annotation?: string[]
}

const show = (flag: string, raw: string): string => `--${flag} ${JSON.stringify(raw)}`

/** `NAME=@file` reads the template from a file (relative to `cwd`); `NAME=text` is the template itself. */
async function templateText(raw: string, value: string, cwd: string): Promise<string> {
  if (!value.startsWith('@')) return value
  const file = value.slice(1)
  if (file === '') throw usageError(`${show('template', raw)}: the file name after "@" is empty`)
  try {
    return await readFile(path.resolve(cwd, file), 'utf8')
  } catch (error) {
    throw inputError(`${show('template', raw)}: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
  }
}

function parseKeys(raw: string): {name?: string; keys: string[]} {
  const at = raw.indexOf('=')
  const name = at < 0 ? undefined : raw.slice(0, at).trim()
  if (name === '') throw usageError(`${show('keys', raw)}: the name before "=" is empty`)
  const keys = raw.slice(at + 1).split(',').map((item) => item.trim())
  if (keys.some((item) => item === '')) throw usageError(`${show('keys', raw)}: expected [NAME=]KEY,KEY…, without empty keys`)
  return {...(name === undefined ? {} : {name}), keys}
}

/** `--keys NAME=…` goes to that secret's --format; one `--keys …` without a name goes to every other --format. */
function assignKeys(rawKeys: string[], formatted: SecretRequest[]): void {
  const parsed = rawKeys.map((raw) => ({raw, ...parseKeys(raw)}))
  const unnamed = parsed.filter((item) => item.name === undefined)
  if (unnamed.length > 1) throw usageError(`${show('keys', unnamed[1].raw)}: keys without a NAME= are given twice`)
  for (const {raw, name, keys} of parsed.filter((item) => item.name !== undefined)) {
    const target = formatted.find((secret) => secret.name === name)
    if (!target) throw usageError(`${show('keys', raw)}: no --format ${name}=… to use them`)
    if (target.keys !== undefined) throw usageError(`${show('keys', raw)}: "${name}" already has keys`)
    target.keys = keys
  }
  for (const {raw, keys} of unnamed) {
    if (formatted.length === 0) throw usageError(`${show('keys', raw)}: no --format to use the keys`)
    for (const target of formatted) target.keys ??= keys
  }
}

/** Turns the command line into a request for buildPatch, reading template files; errors name the flag at fault. */
export async function patchRequestFromFlags(flags: PatchFlagValues, cwd = process.cwd()): Promise<PatchRequest> {
  const kvVersion = Number(flags['kv-version']) as KvVersion
  const secrets = new Map<string, SecretRequest>()
  for (const raw of flags.secret ?? []) {
    const {key: name, value} = parseAssignment(raw, 'secret', 'NAME=PATH (e.g. database-config.txt=internal/database/config)')
    const secretPath = value.trim()
    if (secretPath.replaceAll('/', '') === '') throw usageError(`${show('secret', raw)}: the path after "=" is empty`)
    if (secrets.has(name)) throw usageError(`${show('secret', raw)}: the secret "${name}" is given twice`)
    secrets.set(name, {name, path: secretPath, kvVersion})
  }
  const secretFor = (name: string): SecretRequest => {
    const existing = secrets.get(name) ?? {name, kvVersion}
    secrets.set(name, existing)
    return existing
  }
  for (const raw of flags.template ?? []) {
    const {key: name, value} = parseAssignment(raw, 'template', 'NAME=TEMPLATE or NAME=@FILE')
    const secret = secretFor(name)
    if (secret.template !== undefined) throw usageError(`${show('template', raw)}: "${name}" already has a template`)
    secret.template = await templateText(raw, value, cwd)
  }
  for (const raw of flags.format ?? []) {
    const {key: name, value} = parseAssignment(raw, 'format', `NAME=${TEMPLATE_FORMATS.join('|')}`)
    if (!(TEMPLATE_FORMATS as readonly string[]).includes(value)) throw usageError(`${show('format', raw)}: the format must be one of ${TEMPLATE_FORMATS.join(', ')}`)
    const secret = secrets.get(name)
    if (!secret?.path) throw usageError(`${show('format', raw)}: no --secret ${name}=PATH to read the keys from`)
    if (secret.template !== undefined) throw usageError(`${show('format', raw)}: "${name}" already has a --template`)
    secret.format = value as TemplateFormat
  }
  assignKeys(flags.keys ?? [], [...secrets.values()].filter((secret) => secret.format !== undefined))
  if (flags.role !== undefined && flags.role.trim() === '') throw usageError('--role is empty')
  return {
    ...(flags.role === undefined ? {} : {role: flags.role}),
    secrets: [...secrets.values()],
    ...(flags.status === 'update' ? {status: 'update' as const} : {}),
    ...(flags['auth-path'] === undefined ? {} : {authPath: flags['auth-path']}),
    ...(flags['agent-image'] === undefined ? {} : {agentImage: flags['agent-image']}),
    ...(flags['pre-populate-only'] ? {prePopulateOnly: true} : {}),
    ...(flags['init-first'] ? {initFirst: true} : {}),
    annotations: (flags.annotation ?? []).map((raw) => annotationFromFlag(raw, [...secrets.keys()])),
  }
}

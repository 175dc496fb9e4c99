import {Args, Flags} from '@oclif/core'

import {VsiCommand} from '../../cli/base-command.js'
import {withVaultSession} from '../../cli/connections.js'
import {clusterFlags, vaultFlags} from '../../cli/flags.js'
import {stderrNotice} from '../../cli/notice.js'
import {VsiError} from '../../errors.js'
import {kvLocationOf} from '../../vault/kv-path.js'
import {readKvSecret} from '../../vault/kv.js'
import {checkPathSegments} from '../../vault/names.js'

export const MASK = '********'

export interface SecretGetResult {
  path: string
  mount: string
  kvVersion: 1 | 2
  version?: number
  /** Values are MASK unless --show-secrets or --field. */
  data: Record<string, string>
  masked: boolean
}

export default class SecretGet extends VsiCommand<SecretGetResult | {path: string; field: string; value: string}> {
  static override summary = 'Read a secret from a KV engine (v1 or v2); values are masked unless asked for.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> internal/database/config',
    '<%= config.bin %> <%= command.id %> internal/database/config --field password',
  ]

  static override args = {
    path: Args.string({description: 'KV path, e.g. internal/database/config.', required: true}),
  }

  static override flags = {
    field: Flags.string({description: 'Print only this key\'s value, unmasked (for scripts).'}),
    'show-secrets': Flags.boolean({description: 'Show the values instead of masking them.'}),
    ...vaultFlags,
    ...clusterFlags,
  }

  async run(): Promise<SecretGetResult | {path: string; field: string; value: string}> {
    const {args, flags} = await this.parse(SecretGet)
    const reveal = flags['show-secrets'] || flags.field !== undefined
    checkPathSegments(args.path, 'the secret path')
    return withVaultSession(flags, stderrNotice(this.jsonEnabled()), async ({vault}) => {
      const location = await kvLocationOf(vault, args.path)
      const secret = await readKvSecret(vault, location, reveal)
      if (!secret) throw new VsiError(`no secret at ${location.path}`, {code: 'secret-not-found', hint: `Write one with: vsi secret put ${location.path} key=@file`})
      if (flags.field !== undefined) {
        const value = secret.data[flags.field]
        if (value === undefined) {
          throw new VsiError(`${location.path} has no key "${flags.field}"`, {code: 'field-not-found', hint: `Its keys: ${Object.keys(secret.data).sort().join(', ')}`})
        }
        // Written past this.log on purpose: the value was asked for, and this.log masks every known secret.
        if (!this.jsonEnabled()) process.stdout.write(process.stdout.isTTY ? `${value}\n` : value)
        return {path: location.path, field: flags.field, value}
      }
      const keys = Object.keys(secret.data).sort()
      const data = Object.fromEntries(keys.map((key) => [key, reveal ? secret.data[key] : MASK]))
      if (!this.jsonEnabled()) {
        const width = Math.max(...keys.map((key) => key.length), 3)
        const lines = [`${location.path} (kv v${location.version}${secret.version === undefined ? '' : `, version ${secret.version}`})`]
        for (const key of keys) lines.push(`${key.padEnd(width)}  ${data[key]}`)
        process.stdout.write(`${lines.join('\n')}\n`)
      }
      return {path: location.path, mount: location.mount, kvVersion: location.version, ...(secret.version === undefined ? {} : {version: secret.version}), data, masked: !reveal}
    })
  }
}

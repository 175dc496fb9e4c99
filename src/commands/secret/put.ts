import {Args, Flags} from '@oclif/core'

import {VsiCommand} from '../../cli/base-command.js'
import {withVaultSession} from '../../cli/connections.js'
import {clusterFlags, vaultFlags} from '../../cli/flags.js'
import {stderrNotice} from '../../cli/notice.js'
import {usageError, VsiError} from '../../errors.js'
import {kvLocationApiPath, kvLocationOf} from '../../vault/kv-path.js'
import {writeKvSecret} from '../../vault/kv.js'
import {checkPathSegments} from '../../vault/names.js'
import {inlineValueWarning, readSecretAssignments, trailingNewlineWarning} from '../../vault/secret-input.js'

export interface SecretPutResult {
  path: string
  mount: string
  kvVersion: 1 | 2
  /** The HTTP API path written (internal/data/database/config on kv v2). */
  apiPath: string
  /** The new version (kv v2). */
  version?: number
  keys: string[]
}

export default class SecretPut extends VsiCommand<SecretPutResult> {
  static override summary = 'Write a secret to a KV engine (v1 or v2, detected from the mount), as `vault kv put` does.'

  static override description = `All keys are replaced: a key not given is not in the new version. Values given on the command line are visible in shell history and the process list; key=@file and key=- (stdin) are not.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> internal/database/config username=db-readonly-username password=@password.txt',
    'printf %s "$DB_PASSWORD" | <%= config.bin %> <%= command.id %> internal/database/config username=db-readonly-username password=-',
    '<%= config.bin %> <%= command.id %> internal/database/config --cas 0 username=app password=@password.txt',
  ]

  static override strict = false

  static override args = {
    path: Args.string({description: 'KV path, e.g. internal/database/config.', required: true}),
    data: Args.string({description: 'key=value, key=@file or key=- (stdin); repeatable.'}),
  }

  static override flags = {
    cas: Flags.integer({description: 'Check-and-set (kv v2): write only if the current version is this (0: only if the secret does not exist).', min: 0}),
    ...vaultFlags,
    ...clusterFlags,
  }

  async run(): Promise<SecretPutResult> {
    const {args, argv, flags} = await this.parse(SecretPut)
    const dataArgs = (argv as string[]).slice(1)
    checkPathSegments(args.path, 'the secret path')
    if (dataArgs.length === 0) throw usageError('no data: give key=value, key=@file or key=- arguments after the path')
    const input = await readSecretAssignments(dataArgs)
    if (input.inlineKeys.length > 0) this.warn(inlineValueWarning(input.inlineKeys))
    if (input.newlineKeys.length > 0) this.warn(trailingNewlineWarning(input.newlineKeys))

    return withVaultSession(flags, stderrNotice(this.jsonEnabled()), async ({vault}) => {
      const location = await kvLocationOf(vault, args.path)
      if (flags.cas !== undefined && location.version === 1) throw usageError(`--cas needs kv v2, and ${location.mount}/ is kv v1`)
      const {version} = await writeKvSecret(vault, location, input.data, flags.cas).catch((error: unknown) => {
        throw casMismatch(error, location.path)
      })
      const keys = Object.keys(input.data).sort()
      this.log(`Wrote ${location.path} (kv v${location.version}${version === undefined ? '' : `, version ${version}`}): keys ${keys.join(', ')}`)
      return {path: location.path, mount: location.mount, kvVersion: location.version, apiPath: kvLocationApiPath(location), ...(version === undefined ? {} : {version}), keys}
    })
  }
}

function casMismatch(error: unknown, path: string): unknown {
  if (!(error instanceof VsiError) || !/check-and-set parameter did not match/.test(error.message)) return error
  return new VsiError(`${path} was not written: its current version is not the one given with --cas`, {
    code: 'cas-mismatch',
    hint: `See the current version with: vsi secret get ${path}`,
    cause: error,
  })
}

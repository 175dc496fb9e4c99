import {usageError} from '../errors.js'
import type {BatchTarget} from './batch.js'
import type {OutputFormat} from '../gitops/emit.js'

export interface BatchTargetFlags {
  filename?: string[]
  'in-place'?: boolean
  'out-dir'?: string
  'output-file'?: string
  /** -o, already checked: the format of the one stream (stdout or --output-file). */
  format?: OutputFormat
}

/** Where -f writes (stdout unless told), checked here for one-line messages; undefined without -f. */
export function batchTarget(flags: BatchTargetFlags): BatchTarget | undefined {
  const chosen = [flags['in-place'] ? '--in-place' : undefined, flags['out-dir'] === undefined ? undefined : '--out-dir', flags['output-file'] === undefined ? undefined : '--output-file']
  const given = chosen.filter((flag) => flag !== undefined)
  if (!flags.filename) {
    if (flags['in-place'] || flags['out-dir'] !== undefined) throw usageError(`${given[0]} needs -f: the manifests to patch`)
    return undefined
  }
  if (given.length > 1) throw usageError(`${given.join(' and ')} cannot be used together: give one place to write`)
  if (flags['in-place']) return flags.format ? formatWithFiles('--in-place') : {inPlace: true}
  if (flags['out-dir'] !== undefined) return flags.format ? formatWithFiles('--out-dir') : {outDir: flags['out-dir']}
  return {output: flags['output-file'] ?? '-', format: flags.format ?? 'yaml'}
}

function formatWithFiles(flag: string): never {
  throw usageError(`-o/--output prints the manifests to stdout, and ${flag} rewrites files in their own format: give one`)
}

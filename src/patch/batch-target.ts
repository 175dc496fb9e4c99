import {usageError} from '../errors.js'
import type {BatchTarget} from './batch.js'

export interface BatchTargetFlags {
  filename?: string[]
  'in-place'?: boolean
  'out-dir'?: string
  output?: string
}

/** Where -f writes (stdout unless told), checked here for one-line messages; undefined without -f. */
export function batchTarget(flags: BatchTargetFlags): BatchTarget | undefined {
  const chosen = [flags['in-place'] ? '--in-place' : undefined, flags['out-dir'] === undefined ? undefined : '--out-dir', flags.output === undefined ? undefined : '-o/--output']
  const given = chosen.filter((flag) => flag !== undefined)
  if (!flags.filename) {
    if (flags['in-place'] || flags['out-dir'] !== undefined) throw usageError(`${given[0]} needs -f: the manifests to patch`)
    return undefined
  }
  if (given.length > 1) throw usageError(`${given.join(' and ')} cannot be used together: give one place to write`)
  if (flags['in-place']) return {inPlace: true}
  return flags['out-dir'] === undefined ? {output: flags.output ?? '-'} : {outDir: flags['out-dir']}
}

/**
 * `-o/--output` is an output format, as in kubectl (`-o yaml`, `-o json`), never a file name; a file is written with
 * `--output-file FILE|-` (alias `--out`). One spelling for every command that has either.
 */
import {Flags} from '@oclif/core'

import {usageError} from '../errors.js'

export const outputFormatFlag = <F extends string>(formats: readonly F[], description: string) =>
  Flags.string({char: 'o', description: `${description} One of: ${formats.join(', ')}. To write a file, use --output-file.`, helpValue: formats.join('|')})

export const outputFileFlag = (description: string) => Flags.string({aliases: ['out'], description, helpValue: 'FILE|-'})

/** kubectl's -R: a directory's subdirectories are read too. */
export const recursiveFlag = Flags.boolean({char: 'R', description: 'Read the directories given, and their subdirectories, recursively (as kubectl -R).'})

/** A value that looks like a path rather than a format: what `-o FILE` users typed before -o meant a format. */
const looksLikeFile = (value: string): boolean => value === '-' || /[./\\]/.test(value)

/**
 * The format -o names, or undefined when -o was not given. Anything else is refused as kubectl refuses it ("unable to
 * match a printer suitable for the output format …, allowed formats are: …"), pointing a file name at --output-file.
 */
export function checkOutputFormat<F extends string>(value: string | undefined, formats: readonly F[]): F | undefined {
  if (value === undefined) return undefined
  if ((formats as readonly string[]).includes(value)) return value as F
  const hint = looksLikeFile(value)
    ? `-o/--output is an output format, as in kubectl; to write ${value === '-' ? 'to stdout' : 'a file'} use --output-file ${value}.`
    : `Use -o ${formats.join(' or -o ')}.`
  throw usageError(`unable to match a printer suitable for the output format "${value}", allowed formats are: ${formats.join(',')}`, hint)
}

/** The -o value of a command line, read before parsing (for `jsonEnabled`, which oclif asks before and after parse). */
export function outputFormatIn(argv: readonly string[]): string | undefined {
  const end = argv.indexOf('--')
  const args = end < 0 ? argv : argv.slice(0, end)
  let value: string | undefined
  for (const [index, arg] of args.entries()) {
    if (arg === '-o' || arg === '--output') value = args[index + 1]
    else if (arg.startsWith('--output=')) value = arg.slice('--output='.length)
    else if (/^-o./.test(arg)) value = arg.slice(2).replace(/^=/, '')
  }
  return value
}

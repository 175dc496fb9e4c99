import {mkdir} from 'node:fs/promises'
import path from 'node:path'

import {mapWithConcurrency} from '../async.js'
import {inputError, VsiError} from '../errors.js'
import {removeStaleTemporaries, writeFileAtomic} from './files.js'

/** A file to write: its path (`-` for stdout) and content. */
export interface FileWrite {
  path: string
  text: string
  /** Written back as Latin-1 bytes when the file was read that way. */
  encoding?: 'latin1'
}

/** Files written at once: enough to overlap the disk's latency (each write syncs before its rename). */
const CONCURRENT_WRITES = 32

async function writeOne(write: FileWrite, content: string | Buffer, createDirs: boolean): Promise<void> {
  if (write.path === '-') {
    process.stdout.write(content)
    return
  }
  try {
    if (createDirs) await mkdir(path.dirname(write.path), {recursive: true})
    await writeFileAtomic(write.path, content)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new VsiError(`cannot write ${write.path}: ${code === 'ENOENT' ? 'no such directory' : (code ?? (error as Error).message)}`, {code: 'write-failed', cause: error})
  }
}

/** A Latin-1 file cannot hold what Latin-1 cannot spell (e.g. a template with €): refuse rather than damage it. */
function latin1Bytes(write: FileWrite): Buffer {
  const outside = [...write.text].find((char) => char.codePointAt(0)! > 0xff)
  if (outside !== undefined) throw inputError(`${write.path} is not UTF-8 (read as Latin-1), and the patch adds ${JSON.stringify(outside)}, which Latin-1 cannot hold; nothing was written`, 'Convert the file to UTF-8 (iconv -f latin1 -t utf-8), or keep the added text within Latin-1.')
  return Buffer.from(write.text, 'latin1')
}

/** Writes each file atomically, several at a time; `-` is stdout. With `createDirs` (--out-dir), missing directories are made. */
export async function writeOutputs(writes: FileWrite[], createDirs = false): Promise<void> {
  // Every content is encoded before the first write, so a file that cannot be written back refuses them all.
  const directories = new Set(writes.filter((write) => write.path !== '-').map((write) => path.dirname(path.resolve(write.path))))
  await Promise.all([...directories].map(removeStaleTemporaries))
  const encoded = writes.map((write) => ({write, content: write.encoding ? latin1Bytes(write) : write.text}))
  await mapWithConcurrency(encoded, CONCURRENT_WRITES, ({write, content}) => writeOne(write, content, createDirs))
}

/** Quotes a path for a shell command line when it needs it. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`
}

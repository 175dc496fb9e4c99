import {mkdir} from 'node:fs/promises'
import path from 'node:path'

import {mapWithConcurrency} from '../async.js'
import {VsiError} from '../errors.js'
import {writeFileAtomic} from '../output/files.js'
import type {FileWrite} from './batch.js'

/** Files written at once: enough to overlap the disk's latency (each write syncs before its rename). */
const CONCURRENT_WRITES = 32

async function writeOne(write: FileWrite, createDirs: boolean): Promise<void> {
  if (write.path === '-') {
    process.stdout.write(write.text)
    return
  }
  try {
    if (createDirs) await mkdir(path.dirname(write.path), {recursive: true})
    await writeFileAtomic(write.path, write.text)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new VsiError(`cannot write ${write.path}: ${code === 'ENOENT' ? 'no such directory' : (code ?? (error as Error).message)}`, {code: 'write-failed', cause: error})
  }
}

/** Writes each file atomically, several at a time; `-` is stdout. With `createDirs` (--out-dir), missing directories are made. */
export async function writeOutputs(writes: FileWrite[], createDirs = false): Promise<void> {
  await mapWithConcurrency(writes, CONCURRENT_WRITES, (write) => writeOne(write, createDirs))
}

/** Quotes a path for a shell command line when it needs it. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`
}

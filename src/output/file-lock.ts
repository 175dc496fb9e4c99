import {randomBytes} from 'node:crypto'
import {readFile, realpath, stat, unlink, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {VsiError} from '../errors.js'
import {processAlive} from './files.js'

/** How long a run waits for another run's lock before giving up (a patch of many files takes a second or two). */
const DEFAULT_WAIT_MS = 60_000
/** A lock file still empty this long after its creation belongs to a run killed between creating and writing it. */
const EMPTY_LOCK_STALE_MS = 10_000

export interface FileLocks {
  release(): Promise<void>
}

/** `.NAME.vsi-lock` next to the file (its real path: a symlink's target is what gets replaced). */
export function lockPathOf(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.vsi-lock`)
}

/**
 * Locks files for a read-modify-write, so that runs on the same files take turns and none loses another's write. A
 * lock is a file created with O_EXCL holding `PID TOKEN`; a lock whose process is gone (a killed run) is removed and
 * taken. Locks are taken in one order (sorted real paths), so two runs never wait on each other.
 */
export async function lockFiles(files: string[], options: {waitMs?: number} = {}): Promise<FileLocks> {
  const targets = [...new Set(await Promise.all(files.map((file) => realpath(file).catch(() => path.resolve(file)))))].sort()
  const token = `${process.pid} ${randomBytes(8).toString('hex')}`
  const deadline = Date.now() + (options.waitMs ?? DEFAULT_WAIT_MS)
  const held: string[] = []
  const release = async () => {
    // Only our own: a lock removed as stale and retaken by another run is not ours to remove.
    await Promise.all(held.splice(0).map(async (lock) => ((await readFile(lock, 'utf8').catch(() => '')) === token ? unlink(lock).catch(() => undefined) : undefined)))
  }
  try {
    for (const target of targets) {
      const lock = lockPathOf(target)
      await acquire(lock, target, token, deadline)
      held.push(lock)
    }
  } catch (error) {
    await release()
    throw error
  }
  return {release}
}

async function acquire(lock: string, target: string, token: string, deadline: number): Promise<void> {
  for (let delay = 25; ; delay = Math.min(delay * 2, 400)) {
    try {
      await writeFile(lock, token, {flag: 'wx'})
      return
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new VsiError(`cannot lock ${target}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {code: 'write-failed', cause: error})
      }
    }
    const owner = await readFile(lock, 'utf8').catch(() => undefined)
    if (owner === undefined) continue // released meanwhile
    const pid = Number(owner.split(' ')[0])
    const stale = owner === '' ? await olderThan(lock, EMPTY_LOCK_STALE_MS) : !processAlive(pid)
    // Removed only if still the stale one: another run may have just done the same and taken it.
    if (stale && (await readFile(lock, 'utf8').catch(() => undefined)) === owner) {
      await unlink(lock).catch(() => undefined)
      continue
    }
    if (Date.now() + delay > deadline) {
      throw new VsiError(`${target} is being changed by another vsi run (pid ${owner === '' ? 'unknown' : pid}); nothing was written`, {
        code: 'file-locked',
        hint: `Run again once it has finished. If no such run exists, remove ${lock}.`,
      })
    }
    await new Promise((resolve) => setTimeout(resolve, delay))
  }
}

async function olderThan(file: string, ms: number): Promise<boolean> {
  const stats = await stat(file).catch(() => undefined)
  return stats !== undefined && Date.now() - stats.mtimeMs > ms
}

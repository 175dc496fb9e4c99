import {chmod, readdir, realpath, rename, stat, unlink, writeFile} from 'node:fs/promises'
import path from 'node:path'

/**
 * Writes a file so that readers see either the old content or the new, never a partial file: the content goes to a
 * temporary file in the same directory (same filesystem, so the rename is atomic) and is then renamed over the target.
 * An existing file keeps its permissions, and a symlink keeps pointing where it did (its target is replaced).
 */
export async function writeFileAtomic(file: string, content: string | Buffer): Promise<void> {
  const target = await realpath(file).catch(() => file)
  const mode = await stat(target).then(
    (stats) => stats.mode & 0o7777,
    () => undefined,
  )
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomHex8()}.tmp`)
  // A name TEMPORARY matches below: a run killed between writeFile and rename leaves it, and the next run removes it.
  try {
    await writeFile(temporary, content, {flag: 'wx', flush: true})
    // Set after creation: a mode given to writeFile would be reduced by the umask.
    if (mode !== undefined) await chmod(temporary, mode)
    await rename(temporary, target)
  } catch (error) {
    await unlink(temporary).catch(() => undefined)
    throw error
  }
}

/**
 * Eight hex digits that keep two writes of one process apart. Not node:crypto: loading it costs every `vsi patch` a few
 * milliseconds of start-up, and nothing here needs unpredictable bytes, since the file is created with O_EXCL ('wx'):
 * a name that exists already fails the write rather than follow or overwrite anything.
 */
function randomHex8(): string {
  return Math.floor(Math.random() * 0x1_0000_0000)
    .toString(16)
    .padStart(8, '0')
}

/** `.NAME.PID.HEX.tmp`, as writeFileAtomic names its temporary files. */
const TEMPORARY = /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/

/**
 * Removes the temporary files that runs killed before their rename left in `dir`: those whose process is gone.
 * A live process's file is its write in progress, and is left alone.
 */
export async function removeStaleTemporaries(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[])
  await Promise.all(
    names.map(async (name) => {
      const pid = TEMPORARY.exec(name)?.[1]
      if (pid !== undefined && !processAlive(Number(pid))) await unlink(path.join(dir, name)).catch(() => undefined)
    }),
  )
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

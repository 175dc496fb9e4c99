import {randomBytes} from 'node:crypto'
import {chmod, realpath, rename, stat, unlink, writeFile} from 'node:fs/promises'
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
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
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

import {lockFiles, type FileLocks} from '../output/file-lock.js'
import {manifestFiles} from './inputs.js'

/**
 * `-f … --in-place` reads, patches and rewrites the files: two runs at once on the same files would each write back
 * what it read, and the later rename would drop the other's annotations. The files are locked from before the read
 * until after the write, so the runs take turns and the second patches what the first wrote, as if run one after
 * the other.
 */
export async function lockForInPlace(given: string[], recursive: boolean): Promise<FileLocks> {
  return lockFiles((await manifestFiles(given, recursive)).filter((file) => file !== '-'))
}

import {statSync} from 'node:fs'
import path from 'node:path'
import {BaseSequencer, type TestSpecification} from 'vitest/node'

/**
 * Slow files first, so that the last file to finish is a short one and no worker idles at the end of the run.
 * With a previous run's durations (node_modules/.vite/vitest/…/results.json) vitest's own order does this; on a clean
 * clone (CI) there are none, and vitest would order by file size alone, which puts big table-driven unit files ahead
 * of the CLI files (one `vsi` process per test, seconds each). Here, files without a recorded duration are ordered
 * CLI first, then by size.
 */
export default class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const cache = this.ctx.cache
    const key = (spec: TestSpecification) => `${spec.project.name}:${path.relative(this.ctx.config.root, spec.moduleId)}`
    if (files.every((spec) => cache.getFileTestResults(key(spec)))) return super.sort(files)
    const weight = (spec: TestSpecification) => {
      const recorded = cache.getFileTestResults(key(spec))
      if (recorded) return recorded.duration
      const cli = spec.moduleId.split(path.sep).join('/').includes('/test/cli/')
      return (cli ? 10_000 : 500) + statSync(spec.moduleId).size / 1000
    }
    return [...files].sort((a, b) => weight(b) - weight(a))
  }
}

import {availableParallelism} from 'node:os'
import {fileURLToPath} from 'node:url'
import {defineConfig} from 'vitest/config'

import SlowFirstSequencer from './sequencer.js'

// docs/testing.md says where the suite's time goes and why these settings.
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    pool: 'forks',
    // vitest's default is one worker less than the cores: a single worker on a 2-core machine, where the CLI tests
    // spend most of their time waiting for the `vsi` process they started. A worker per core keeps both busy.
    maxWorkers: Math.max(2, availableParallelism()),
    minWorkers: 1,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    sequence: {sequencer: SlowFirstSequencer},
    projects: [
      {
        extends: true,
        // In-process tests: a worker runs file after file without a fresh process (and a fresh import of vitest,
        // the emulators and src/) for each. Every file starts its own emulators and closes them.
        test: {name: 'unit', include: ['test/unit/**/*.test.ts', 'test/emulators/**/*.test.ts'], isolate: false},
      },
      {
        extends: true,
        // A fresh process per file (vitest's default): these files spawn `vsi`, helm and kubectl, and a few share
        // HOME or process-wide settings; not sharing workers between them was not measured safe yet (docs/testing.md).
        test: {name: 'cli', include: ['test/cli/**/*.test.ts', 'test/live/**/*.test.ts'], isolate: true},
      },
    ],
  },
})

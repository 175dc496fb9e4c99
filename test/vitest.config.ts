import {availableParallelism} from 'node:os'
import {fileURLToPath} from 'node:url'
import {defineConfig} from 'vitest/config'

import SlowFirstSequencer from './sequencer.js'

// docs/testing.md says where the suite's time goes and why these settings.
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    sequence: {sequencer: SlowFirstSequencer},
    // vitest has one pool per kind for all projects, and isolation is a setting of the pool, not of a project: the
    // in-process files run in the threads pool, the CLI files in the forks pool, and both pools run at once.
    poolOptions: {
      // Unit and emulator files: one worker runs file after file without a fresh worker (and a fresh import of
      // vitest, the emulators and src/) for each; every file starts its own emulators and closes them. ≈ 75 CPU s
      // in all, so one worker is enough next to the CLI files.
      threads: {isolate: false, maxThreads: 1, minThreads: 1},
      // CLI files: one worker per core (vitest's default is one less: a single worker on 2 cores, which sat idle while
      // each `vsi` it spawned ran), each running file after file without a fresh process (and a fresh import of
      // vitest and the emulators) per file. What a CLI file tests runs in the `vsi` processes it spawns, each with an
      // environment of its own (test/helpers/cli.ts); vitest resets vi.setConfig after every file.
      forks: {isolate: false, maxForks: Math.max(2, availableParallelism()), minForks: 1},
    },
    projects: [
      {extends: true, test: {name: 'unit', include: ['test/unit/**/*.test.ts', 'test/emulators/**/*.test.ts'], pool: 'threads'}},
      {extends: true, test: {name: 'cli', include: ['test/cli/**/*.test.ts', 'test/live/**/*.test.ts'], pool: 'forks', setupFiles: ['test/setup/fresh-home.ts']}},
    ],
  },
})

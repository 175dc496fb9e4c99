// `npm run build` writes dist/ with this script: one esbuild bundle per command (dist/commands/…), one for the
// command_not_found hook and one for the spec schema, instead of tsc's one file per source module. Node resolves,
// reads and links every ES module separately, which is most of what a command's own code costs at start-up: `vsi
// patch` loaded ~40 of vsi's modules and chalk's four, and now loads one file.
//
// A command's bundle holds every module it imports; what it imports lazily becomes chunks of that same bundle
// (dist/chunks/), so module state (debug mode, the redaction registry, the interrupt signal) exists once in the
// process, as each command runs in a process of its own. A command that runs another in its process
// (`this.config.runCommand`) must share that state with it: such commands are bundled together (BUILT_TOGETHER),
// and the build fails if one is missing there. The hook and the schema import only stateless modules.
//
// Packages stay in node_modules (loaded by Node as usual), except chalk, which is small and on every command's path;
// client-node has its own minified bundle (`npm run build:vendor`).
import {build} from 'esbuild'
import {readdirSync, readFileSync, rmSync} from 'node:fs'
import path from 'node:path'

const root = path.resolve(import.meta.dirname, '..')
const pjson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'))
const BUNDLED_PACKAGES = new Set(['chalk'])
/** Commands that run another command in their own process, with the commands they run. */
const BUILT_TOGETHER = [['src/commands/setup.ts', 'src/commands/install.ts']]

const commands = readdirSync(path.join(root, 'src/commands'), {recursive: true})
  .filter((file) => file.endsWith('.ts'))
  .map((file) => path.join('src/commands', file))
  .sort()
for (const command of commands) {
  if (readFileSync(path.join(root, command), 'utf8').includes('config.runCommand') && !BUILT_TOGETHER.some((group) => group[0] === command)) {
    throw new Error(`${command} runs another command in its process: list it with the commands it runs in BUILT_TOGETHER (bin/bundle.js)`)
  }
}
const together = new Set(BUILT_TOGETHER.flat())
const bundles = [...BUILT_TOGETHER, ...[...commands, 'src/cli/not-found.ts', 'src/setup/spec/schema.ts'].filter((entry) => !together.has(entry)).map((entry) => [entry])]

// No file of an earlier build (or of tsc's one-file-per-module output) may stay behind to be loaded.
rmSync(path.join(root, 'dist'), {recursive: true, force: true})

const results = await Promise.all(
  bundles.map((entryPoints) =>
    build({
      absWorkingDir: root,
      entryPoints,
      outdir: 'dist',
      outbase: 'src',
      // Names carry a hash of the content: two bundles' chunks never share a name unless they are the same file.
      chunkNames: 'chunks/[name]-[hash]',
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      external: Object.keys(pjson.dependencies).filter((name) => !BUNDLED_PACKAGES.has(name)),
      metafile: true,
      logLevel: 'warning',
    }),
  ),
)

// src/kube/config.ts finds the client-node bundle at ../vendor/ from its own file: that holds for a file one folder
// below dist/ (dist/chunks/, dist/commands/), not deeper.
for (const {metafile} of results) {
  for (const [file, output] of Object.entries(metafile.outputs)) {
    if (Object.keys(output.inputs).includes('src/kube/config.ts') && path.dirname(path.dirname(file)) !== 'dist') {
      throw new Error(`${file} holds src/kube/config.ts, which finds ../vendor/client-node.js from its own folder: it must be one folder below dist/`)
    }
  }
}

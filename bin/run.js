#!/usr/bin/env node
import module from 'node:module'

// Node 22.1+ caches compiled code between runs; older versions simply skip it.
module.enableCompileCache?.()

// Only vsi speaks on stderr. Two of Node's own warnings are not the user's business: DEP0169, which Node 24 raises for
// node-fetch's url.parse() inside the client-node bundle (bundled code is outside node_modules, where Node would stay
// quiet), and the notice that NO_COLOR yields to FORCE_COLOR, which vsi honours on purpose. Every other warning prints.
const quiet = (warning) => warning.code === 'DEP0169' || /^The 'NO_COLOR' env is ignored/.test(warning.message)
for (const print of process.listeners('warning')) {
  process.removeListener('warning', print)
  process.on('warning', (warning) => quiet(warning) || print(warning))
}

const {execute} = await import('@oclif/core')
await execute({dir: import.meta.url})

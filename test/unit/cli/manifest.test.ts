import {Plugin} from '@oclif/core'
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'

import {projectRoot} from '../../helpers/cli.js'

/**
 * oclif reads commands and flags from oclif.manifest.json instead of importing every command: a manifest that lags
 * behind the code silently hides new commands and flags. `npm run build` regenerates it; this fails when it was not.
 */
describe('oclif.manifest.json', () => {
  it('matches the built commands exactly', async () => {
    const committed = JSON.parse(readFileSync(path.join(projectRoot, 'oclif.manifest.json'), 'utf8'))
    const plugin = new Plugin({root: projectRoot, type: 'core', ignoreManifest: true, errorOnManifestCreate: true})
    await plugin.load()
    const fresh = JSON.parse(JSON.stringify(plugin.manifest))
    expect(Object.keys(committed.commands).sort()).toEqual(Object.keys(fresh.commands).sort())
    for (const id of Object.keys(fresh.commands)) {
      expect(committed.commands[id], `command ${id}`).toEqual(fresh.commands[id])
    }
    expect(committed.version).toBe(JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')).version)
  })
})

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {hasScript, runInTerminal} from '../helpers/terminal.js'
import {startVaultWorld, type VaultWorld} from '../helpers/vault-world.js'

const TYPED_PASSWORD = 'typed-in-a-terminal'

describe.skipIf(!hasScript)('vsi setup in a terminal', () => {
  let world: VaultWorld
  beforeAll(async () => {
    world = await startVaultWorld()
  })
  afterAll(() => world.stop())

  it("asks for what is missing with the tutorial's defaults, and never echoes the password", async () => {
    const {output, code} = await runInTerminal(['setup'], world.env(), [
      ['Secret to create or keep', '\r'],
      ['App that may read it', '\r'],
      ['internal/database/config: username', '\r'],
      ['internal/database/config: password', `${TYPED_PASSWORD}\r`],
    ])
    expect(code, output).toBe(0)
    expect(output).toMatch(/verified +login as default\/internal-app and read internal\/database\/config/)
    expect(output).not.toContain(TYPED_PASSWORD)
    const kv = world.vault.state.kv('internal')
    expect(kv?.version === 2 && kv.keys['database/config'].versions[1].data).toEqual({username: 'db-readonly-username', password: TYPED_PASSWORD})
  })
  it('asks again when Enter is pressed at an empty password prompt: no default password is ever stored', async () => {
    const {output, code} = await runInTerminal(['setup'], world.env(), [
      ['Secret to create or keep', 'internal/other/config\r'],
      ['App that may read it', '\r'],
      ['internal/other/config: username', '\r'],
      ['internal/other/config: password', '\r'],
      ['an empty one is not stored', `${TYPED_PASSWORD}\r`],
    ])
    expect(code, output).toBe(0)
    const kv = world.vault.state.kv('internal')
    expect(kv?.version === 2 && kv.keys['other/config'].versions[1].data).toEqual({username: 'db-readonly-username', password: TYPED_PASSWORD})
  })

  it('exits 130 without an error message when Ctrl-C is pressed at a prompt', async () => {
    const since = world.mark()
    const {output, code} = await runInTerminal(['setup'], world.env(), [['Secret to create or keep', '\x03']])
    expect(code).toBe(130)
    expect(output).not.toMatch(/Error|at .*\.js:\d+/)
    expect(since.vault().filter((request) => request.method !== 'GET')).toEqual([])
  })
})

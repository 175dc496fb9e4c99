import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'

// An emulator checks vsi; sharing vsi's parsers or ACL would let one bug pass on both sides.
describe('the Vault emulator', () => {
  it('imports nothing from src/', () => {
    const root = fileURLToPath(new URL('.', import.meta.url))
    const sources = (readdirSync(root, {recursive: true}) as string[]).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    expect(sources.length).toBeGreaterThan(10)
    const offenders = sources.filter((file) => /from '(\.\.\/)+src\//.test(readFileSync(join(root, file), 'utf8')))
    expect(offenders).toEqual([])
  })
})

/**
 * `vsi patch` and `vsi --help` must start fast: they must not load the Kubernetes client, the Vault client or the
 * prompt library, and plain `vsi patch` loads vsi's code as one bundle (bin/bundle.js), not a file per module. A preload records every module a real run loads (ES modules by a resolve hook, CommonJS from
 * require.cache).
 */
import {execa} from 'execa'
import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {pathToFileURL} from 'node:url'
import {describe, expect, it} from 'vitest'

import {isolatedHome, projectRoot, seedDir} from '../helpers/cli.js'

const RECORDER = path.join(projectRoot, 'test/fixtures/patch/record-modules.mjs')
const HEAVY = ['@kubernetes/client-node', 'node-vault', '@inquirer/prompts']
const dir = mkdtempSync(path.join(tmpdir(), 'vsi-patch-modules-'))
let runs = 0

/** The modules `node <args>` loads, as recorded by the preload. */
async function modulesLoadedBy(args: string[]): Promise<string[]> {
  const record = path.join(dir, `modules-${runs++}.txt`)
  const result = await execa(process.execPath, ['--import', RECORDER, ...args], {cwd: dir, env: {HOME: isolatedHome, VSI_RECORD_MODULES: record}, reject: false})
  expect(result.exitCode, result.stderr).toBe(0)
  return readFileSync(record, 'utf8').split('\n').filter((line) => line !== '')
}

const heavyIn = (modules: string[]) => HEAVY.filter((name) => modules.some((module) => module.includes(`/node_modules/${name}/`)))
const runJs = path.join(projectRoot, 'bin/run.js')
const TUTORIAL = ['patch', '--role', 'internal-app', '--secret', 'database-config.txt=internal/database/config']

describe('what vsi patch loads', () => {
  it('the recorder sees a heavy module when one is imported (so the checks below can fail)', async () => {
    const modules = await modulesLoadedBy(['--input-type=module', '-e', `await import(${JSON.stringify(path.join(projectRoot, 'node_modules/node-vault/src/index.js'))})`])
    expect(heavyIn(modules)).toEqual(['node-vault'])
  })

  it('vsi patch, vsi patch -f and vsi --help load none of the Kubernetes client, node-vault and @inquirer/prompts (plain vsi patch not even yaml)', async () => {
    const [plain, batch, help] = await Promise.all([
      modulesLoadedBy([runJs, ...TUTORIAL, '-o', 'yaml']),
      modulesLoadedBy([runJs, ...TUTORIAL, '-f', path.join(seedDir, 'deployment-orgchart.yaml')]),
      modulesLoadedBy([runJs, '--help']),
    ])
    expect(plain.some((module) => module.endsWith('/dist/commands/patch.js'))).toBe(true)
    expect(batch.some((module) => module.includes('/node_modules/yaml/'))).toBe(true)
    expect(plain.some((module) => module.includes('/node_modules/yaml/'))).toBe(false)
    expect(heavyIn(plain)).toEqual([])
    expect(heavyIn(batch)).toEqual([])
    expect(heavyIn(help)).toEqual([])
  })

  it("plain vsi patch loads vsi's code as its command's bundle (no file per source module) and not node:crypto", async () => {
    const plain = await modulesLoadedBy([runJs, ...TUTORIAL])
    const own = plain.filter((module) => module.startsWith(pathToFileURL(path.join(projectRoot, 'dist')).href))
    expect(own).toContain(pathToFileURL(path.join(projectRoot, 'dist/commands/patch.js')).href)
    expect(own.filter((module) => !/\/dist\/(commands\/patch|chunks\/[^/]+)\.js$/.test(module))).toEqual([])
    expect(new Set(own).size).toBeLessThanOrEqual(15)
    expect(plain).not.toContain('node:crypto')
  })
})

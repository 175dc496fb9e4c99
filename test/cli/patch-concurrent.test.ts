import {spawnSync} from 'node:child_process'
import {copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {parse} from 'yaml'
import {describe, expect, it} from 'vitest'

import {runVsi, seedDir} from '../helpers/cli.js'

/**
 * Two `vsi patch -f … --in-place` runs on the same files at once lose nothing: the files are locked from the read to
 * the write, so the second run patches what the first wrote, exactly as if they had run one after the other.
 */
const P = 'vault.hashicorp.com/'
const FILES = 40
const patch = (secret: string, cwd: string) => runVsi(['patch', '--role', 'internal-app', '--secret', secret, '-f', 'k8s', '--in-place'], {cwd})

function manifests(count: number): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'vsi-concurrent-'))
  mkdirSync(path.join(dir, 'k8s'))
  for (let i = 0; i < count; i++) copyFileSync(path.join(seedDir, 'deployment-orgchart.yaml'), path.join(dir, `k8s/deployment-${String(i).padStart(2, '0')}.yaml`))
  return dir
}

const annotationsOf = (file: string) => parse(readFileSync(file, 'utf8')).spec.template.metadata.annotations as Record<string, string>

describe('vsi patch --in-place, two runs at once', () => {
  it('every file ends with both runs\' secrets, as a serial run would leave it, and no lock file remains', async () => {
    const dir = manifests(FILES)
    const [first, second] = await Promise.all([patch('first.txt=internal/first', dir), patch('second.txt=internal/second', dir)])
    expect(first.exitCode, first.stderr).toBe(0)
    expect(second.exitCode, second.stderr).toBe(0)
    const files = readdirSync(path.join(dir, 'k8s')).sort()
    expect(files.filter((file) => file.endsWith('.vsi-lock'))).toEqual([])
    expect(files).toHaveLength(FILES)
    for (const file of files) {
      expect(annotationsOf(path.join(dir, 'k8s', file)), file).toMatchObject({
        [`${P}agent-inject-secret-first.txt`]: 'internal/data/first',
        [`${P}agent-inject-secret-second.txt`]: 'internal/data/second',
      })
    }
  })

  it("a killed run's lock (its process is gone) is taken over, and removed after the write", async () => {
    const dir = manifests(1)
    const lock = path.join(dir, 'k8s/.deployment-00.yaml.vsi-lock')
    const dead = spawnSync(process.execPath, ['-e', '']).pid
    writeFileSync(lock, `${dead} 0123456789abcdef`)
    const run = await patch('first.txt=internal/first', dir)
    expect(run.exitCode, run.stderr).toBe(0)
    expect(annotationsOf(path.join(dir, 'k8s/deployment-00.yaml'))).toMatchObject({[`${P}agent-inject-secret-first.txt`]: 'internal/data/first'})
    expect(existsSync(lock)).toBe(false)
  })
})

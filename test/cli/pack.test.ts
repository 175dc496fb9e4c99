/**
 * The install the README shows: `npm pack`, then `npm install -g` of the tarball, into a temporary prefix. The one
 * slow test of the suite (npm installs ~180 packages).
 *
 * Why not `--offline`: installing a tarball resolves its dependency ranges, which needs each package's registry
 * document (packument); `npm ci` caches only the tarballs its lockfile names, so a fresh machine's npm cache cannot
 * answer, and a node_modules folder is not something npm can install from. `--prefer-offline` takes what the cache
 * has and asks the npm registry (which `npm ci` needs anyway) for the rest.
 */
import {execa} from 'execa'
import {mkdtempSync, readdirSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {describe, expect, it} from 'vitest'

import {isolatedHome, projectRoot, seedDir} from '../helpers/cli.js'

const npmEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key))) as Record<string, string>

describe('npm pack, then npm install -g of the tarball', () => {
  it('installs a vsi that runs: version, and patch writes the tutorial patch', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vsi-pack-'))
    const packed = await execa('npm', ['pack', '--json', '--pack-destination', dir], {cwd: projectRoot, env: npmEnv})
    const [{filename, files}] = JSON.parse(packed.stdout) as Array<{filename: string; files: Array<{path: string}>}>
    const paths = files.map((file) => file.path)
    expect(paths).toEqual(expect.arrayContaining(['bin/run.js', 'dist/commands/patch.js', 'dist/vendor/client-node.js', 'oclif.manifest.json', 'package.json', 'README.md']))
    expect(paths.filter((p) => /^(src|test|node_modules)\//.test(p) || p === 'bin/dev.js')).toEqual([])

    const prefix = path.join(dir, 'prefix')
    const installed = await execa('npm', ['install', '--global', '--prefix', prefix, path.join(dir, filename), '--prefer-offline', '--no-audit', '--no-fund'], {cwd: dir, env: npmEnv, reject: false, timeout: 300_000})
    expect(installed.exitCode, installed.stderr).toBe(0)

    const vsi = path.join(prefix, 'bin/vsi')
    const env = {...npmEnv, HOME: isolatedHome}
    const version = await execa(vsi, ['version'], {cwd: dir, env, reject: false})
    const {version: packageVersion} = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as {version: string}
    expect(version.stdout).toBe(`vsi/${packageVersion} ${process.platform}-${process.arch} node-${process.version}`)

    const work = mkdtempSync(path.join(tmpdir(), 'vsi-pack-work-'))
    const patch = await execa(vsi, ['patch', '--role', 'internal-app', '--secret', 'database-config.txt=internal/database/config'], {cwd: work, env, reject: false})
    expect(patch.exitCode, patch.stderr).toBe(0)
    expect(readdirSync(work)).toEqual(['patch-inject-secrets.yaml'])
    expect(readFileSync(path.join(work, 'patch-inject-secrets.yaml'), 'utf8')).toBe(readFileSync(path.join(seedDir, 'patch-inject-secrets.yaml'), 'utf8'))
  }, 360_000)
})

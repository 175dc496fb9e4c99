import {readFileSync} from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {runVsi, seedDir} from '../helpers/cli.js'
import {startHelmWorld, type HelmWorld} from '../helpers/helm-world.js'

/** The quick start's own objects (the app, its service account, its pods) stay: they are the user's, not the release's. */
const releaseState = (objects: string[]) => objects.filter((o) => !/\/(orgchart|internal-app)/.test(o))

describe('from an empty cluster: vsi install, the quick start, vsi uninstall', {timeout: 400_000}, () => {
  let world: HelmWorld
  beforeAll(async () => {
    world = await startHelmWorld({vault: true})
  })
  afterAll(() => world.stop())

  it('leaves the cluster as it started', async () => {
    const vsi = (args: string[], input?: string) => runVsi(args, {env: world.env(), input, timeoutMs: 140_000})
    world.kube.store.create(parse(readFileSync(path.join(seedDir, 'deployment-orgchart.yaml'), 'utf8')))
    await world.kube.settle()
    const before = world.snapshot()

    const installed = await vsi(['install'])
    expect(installed.exitCode, installed.stderr).toBe(0)
    const setup = await vsi(['setup', '--secret', 'internal/database/config', 'username=db-readonly-username', 'password=-', '--app', 'internal-app'], 'db-secret-password')
    expect(setup.exitCode, setup.stderr).toBe(0)
    const patched = await vsi(['patch', '--role', 'internal-app', '--secret', 'database-config.txt=internal/database/config', '--apply', 'deployment/orgchart'])
    expect(patched.exitCode, patched.stderr).toBe(0)
    const verified = await vsi(['verify', 'deployment/orgchart', '--expect-keys', 'database-config.txt=username,password'])
    expect(verified.exitCode, verified.stdout).toBe(0)

    const removed = await vsi(['uninstall', '--yes'])
    expect(removed.exitCode, removed.stderr).toBe(0)
    await world.kube.settle()
    expect(releaseState(world.snapshot())).toEqual(releaseState(before))
  })
})

/**
 * Issue 14's "done when": from a cluster with no Vault (what `npm run emulators -- --empty` starts), `vsi install`,
 * then the README's quick start as written, then `vsi uninstall` leave the cluster as it started. The quick start's
 * blocks are the README's own (its first one runs `vsi install`); the emulators run in-process here so the test can
 * list every object before and after.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runVsi, projectRoot} from '../helpers/cli.js'
import {startHelmWorld, type HelmWorld} from '../helpers/helm-world.js'
import {readmeQuickStart, runStep, vsiOnPath} from '../helpers/readme.js'

/** The quick start's own objects (the app, its service account, its pods) stay: they are the user's, not the release's. */
const releaseState = (objects: string[]) => objects.filter((o) => !/\/(orgchart|internal-app)/.test(o))

describe('from an empty cluster: the README quick start (vsi install first), then vsi uninstall', {timeout: 400_000}, () => {
  let world: HelmWorld
  beforeAll(async () => {
    world = await startHelmWorld({vault: true})
  })
  afterAll(() => world.stop())

  it('leaves the cluster as it started', async () => {
    const steps = readmeQuickStart()
    expect(steps[0].script).toMatch(/^vsi install\n/)
    await world.kube.settle()
    const before = world.snapshot()
    expect(before.filter((o) => /vault/.test(o))).toEqual([])

    // The helm double first, then vsi, then the machine's tools (bash, kubectl).
    const env = {...world.env(), PATH: `${world.env().PATH}:${vsiOnPath()}:${process.env.PATH}`, VAULT_ADDR: world.vault!.url, VAULT_TOKEN: world.vault!.rootToken}
    for (const step of steps) {
      const run = await runStep(step, {cwd: projectRoot, env})
      expect({script: step.script, exitCode: run.exitCode}, run.stdout).toEqual({script: step.script, exitCode: 0})
    }
    expect(world.snapshot()).toContain('StatefulSet default/vault')

    const removed = await runVsi(['uninstall', '--yes'], {env: world.env(), timeoutMs: 140_000})
    expect(removed.exitCode, removed.stderr).toBe(0)
    await world.kube.settle()
    expect(releaseState(world.snapshot())).toEqual(releaseState(before))
  })
})

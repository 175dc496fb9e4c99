import {execa} from 'execa'
import {homedir} from 'node:os'
import path from 'node:path'
import {describe, expect, it} from 'vitest'

import {runVsi} from '../helpers/cli.js'

/**
 * vsi install / uninstall with the real helm on a real cluster. Opt in with VSI_LIVE_INSTALL=1 (it installs and then
 * uninstalls the `vault` release in the namespace given by VSI_LIVE_NAMESPACE, default `vsi-live-install`, so an
 * existing tutorial install in `default` keeps its pods — but the chart's cluster-scoped vault-server-binding clashes
 * with it, so run it on a cluster without another `vault` release); skipped when helm is not on the PATH.
 */
const helmInstalled = await execa('helm', ['version', '--short'], {reject: false}).then((r) => r.exitCode === 0)
const live = process.env.VSI_LIVE_INSTALL === '1' && helmInstalled
const namespace = process.env.VSI_LIVE_NAMESPACE ?? 'vsi-live-install'
const env = {HOME: homedir(), PATH: process.env.PATH ?? '', KUBECONFIG: process.env.KUBECONFIG ?? path.join(homedir(), '.kube/config')}
const vsi = (args: string[]) => runVsi([...args, '--namespace', namespace], {env, timeoutMs: 600_000})

describe.runIf(live)('vsi install with the real helm', {timeout: 900_000}, () => {
  it('installs, re-runs without change, and uninstalls', async () => {
    const installed = await vsi(['install', '--timeout', '8m', '--json'])
    expect(installed.exitCode, installed.stderr).toBe(0)
    expect(installed.json.result.chart).toMatch(/^vault-\d+\.\d+\.\d+$/)
    expect(installed.json.result.ready.done).toBe(true)

    const rerun = await vsi(['install', '--json'])
    expect(rerun.exitCode, rerun.stderr).toBe(0)
    expect(rerun.json.result.changed).toBe(false)
    expect(rerun.json.result.revision).toBe(installed.json.result.revision)

    const removed = await vsi(['uninstall', '--yes', '--json'])
    expect(removed.exitCode, removed.stderr).toBe(0)
    expect(removed.json.result.deleted).toContain('release/vault')
    const left = await execa('kubectl', ['get', 'pods', '-n', namespace, '-l', 'app.kubernetes.io/instance=vault', '-o', 'name'], {env: {...process.env, ...env}})
    expect(left.stdout).toBe('')
  })
})

import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {loadKubeConfig} from '../../../src/kube/config.js'

const dir = mkdtempSync(path.join(tmpdir(), 'vsi-kubeconfig-'))

function kubeconfig(file: string, options: {server: string; context: string; namespace?: string; current?: string; cluster?: string}): string {
  const cluster = options.cluster ?? options.context
  const full = path.join(dir, file)
  writeFileSync(
    full,
    `apiVersion: v1
kind: Config
clusters: [{name: ${cluster}, cluster: {server: "${options.server}", certificate-authority: ca.pem}}]
users: [{name: ${options.context}-user, user: {token: t}}]
contexts: [{name: ${options.context}, context: {cluster: ${cluster}, user: ${options.context}-user${options.namespace ? `, namespace: ${options.namespace}` : ''}}}]
${options.current === undefined ? '' : `current-context: "${options.current}"`}
`,
  )
  return full
}

describe('loadKubeConfig follows kubectl, not client-node', () => {
  const saved = {KUBECONFIG: process.env.KUBECONFIG, HOME: process.env.HOME}
  beforeEach(() => {
    process.env.HOME = dir
  })
  afterEach(() => {
    process.env.KUBECONFIG = saved.KUBECONFIG
    if (saved.KUBECONFIG === undefined) delete process.env.KUBECONFIG
    process.env.HOME = saved.HOME
  })

  it('merges a KUBECONFIG list: missing files skipped, first definition and first current-context win', async () => {
    const a = kubeconfig('a.yaml', {server: 'https://a.example:6443', context: 'a', current: '', cluster: 'shared'})
    const b = kubeconfig('b.yaml', {server: 'https://b.example:6443', context: 'b', namespace: 'apps', current: 'b', cluster: 'shared'})
    const c = kubeconfig('c.yaml', {server: 'https://c.example:6443', context: 'c', current: 'c'})
    process.env.KUBECONFIG = [path.join(dir, 'missing.yaml'), a, b, c].join(path.delimiter)
    const loaded = await loadKubeConfig()
    expect(loaded.context).toBe('b')
    expect(loaded.namespace).toBe('apps')
    // Both a and b define cluster "shared": a's definition wins, as in kubectl.
    expect(loaded.server).toBe('https://a.example:6443')
    // Relative paths are resolved against the file that names them.
    expect(loaded.kc.getCluster('shared')?.caFile).toBe(path.join(dir, 'ca.pem'))
  })

  it('applies --context and --namespace, and defaults the namespace to "default"', async () => {
    process.env.KUBECONFIG = [kubeconfig('d.yaml', {server: 'http://127.0.0.1:1', context: 'd', current: 'd'}), kubeconfig('e.yaml', {server: 'http://127.0.0.1:2', context: 'e', namespace: 'team'})].join(path.delimiter)
    expect(await loadKubeConfig()).toMatchObject({context: 'd', namespace: 'default'})
    expect(await loadKubeConfig({context: 'e'})).toMatchObject({context: 'e', namespace: 'team', server: 'http://127.0.0.1:2'})
    expect(await loadKubeConfig({context: 'e', namespace: 'other'})).toMatchObject({namespace: 'other'})
    // kubectl speaks plain HTTP to http:// servers; client-node needs skipTLSVerify for that.
    expect((await loadKubeConfig()).kc.getCurrentCluster()?.skipTLSVerify).toBe(true)
  })

  it('explains what is missing', async () => {
    process.env.KUBECONFIG = path.join(dir, 'nothing-here.yaml')
    await expect(loadKubeConfig()).rejects.toMatchObject({code: 'kube-config-missing', message: expect.stringMatching(/no Kubernetes cluster configured/)})
    delete process.env.KUBECONFIG
    await expect(loadKubeConfig()).rejects.toMatchObject({code: 'kube-config-missing'})
    await expect(loadKubeConfig({kubeconfig: path.join(dir, 'nope.yaml')})).rejects.toMatchObject({exitCode: 2})
    const file = kubeconfig('f.yaml', {server: 'http://127.0.0.1:1', context: 'f', current: 'f'})
    await expect(loadKubeConfig({kubeconfig: file, context: 'typo'})).rejects.toMatchObject({exitCode: 2, message: 'context "typo" does not exist in the kubeconfig (' + file + ')'})
    const noCurrent = kubeconfig('g.yaml', {server: 'http://127.0.0.1:1', context: 'g'})
    await expect(loadKubeConfig({kubeconfig: noCurrent})).rejects.toMatchObject({code: 'kube-config-missing', hint: expect.stringContaining('--context')})
    writeFileSync(path.join(dir, 'bad.yaml'), 'clusters: [{name: x}]\n')
    await expect(loadKubeConfig({kubeconfig: path.join(dir, 'bad.yaml')})).rejects.toMatchObject({code: 'invalid-input'})
  })
})

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startKubeEmulator, type KubeEmulator} from './index.js'
import {hasKubectl, kubectlFor, kubectlStream} from './test-support.js'

describe.skipIf(!hasKubectl)('kubectl logs against the emulated kubelet', () => {
  let kube: KubeEmulator
  let kubectl: ReturnType<typeof kubectlFor>

  beforeAll(async () => {
    kube = await startKubeEmulator({preset: 'tutorial'})
    kubectl = kubectlFor(kube)
    expect((await kubectl(['run', 'talker', '--image=busybox:1.36', '--restart=Never', '--', 'sleep', '3600'])).code).toBe(0)
    await kube.waitFor('pods', 'default', 'talker', (p) => p.status?.phase === 'Running')
    kube.appendLog('default', 'talker', 'talker', 'one\ntwo\nthree\n')
  })
  afterAll(async () => {
    await kube?.stop()
  })

  it('prefixes every line with its RFC3339Nano time under --timestamps', async () => {
    const {stdout} = await kubectl(['logs', 'talker', '--timestamps'])
    const lines = stdout.trimEnd().split('\n')
    expect(lines).toHaveLength(3)
    for (const [i, word] of ['one', 'two', 'three'].entries()) expect(lines[i]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d*[1-9])?Z ${word}$`))
  })

  it('keeps the last lines with --tail and cuts the output at --limit-bytes', async () => {
    const [tail, limited, none] = await Promise.all([kubectl(['logs', 'talker', '--tail=2']), kubectl(['logs', 'talker', '--limit-bytes=6']), kubectl(['logs', 'talker', '--tail=0'])])
    expect(tail.stdout).toBe('two\nthree\n')
    expect(limited.stdout).toBe('one\ntw')
    expect(none.stdout).toBe('')
  })

  it('drops lines older than --since-time and keeps those within --since', async () => {
    // the API carries sinceTime with second precision (metav1.Time), so compare against a whole second ahead
    const ahead = new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z')
    const [future, recent] = await Promise.all([kubectl(['logs', 'talker', `--since-time=${ahead}`]), kubectl(['logs', 'talker', '--since=1h'])])
    expect(future).toMatchObject({code: 0, stdout: ''})
    expect(recent.stdout).toBe('one\ntwo\nthree\n')
    expect(kube.requests.some((r) => r.path.endsWith('/pods/talker/log') && r.query.includes('sinceSeconds=3600'))).toBe(true)
  })

  it('follows with -f until the container stops', async () => {
    const follow = kubectlStream(kubectl, ['logs', '-f', 'talker'])
    await follow.until(/three\n$/)
    kube.appendLog('default', 'talker', 'talker', 'four\n')
    await follow.until(/four\n$/)
    expect((await kubectl(['delete', 'pod', 'talker', '--wait=false'])).code).toBe(0)
    expect(await follow.exited).toBe(0)
    expect(follow.stdout).toBe('one\ntwo\nthree\nfour\n')
  })

  it('answers --previous with the kubelet\'s error when the container never restarted', async () => {
    const result = await kubectl(['logs', 'vault-0', '--previous'])
    expect(result.stderr).toBe('Error from server (BadRequest): previous terminated container "vault" in pod "vault-0" not found\n')
  })

  it('serves the crashed instance\'s log, current and --previous, while a container is in CrashLoopBackOff', async () => {
    expect((await kubectl(['run', 'crasher', '--image=busybox:crash-loop'])).code).toBe(0)
    await kube.waitFor('pods', 'default', 'crasher', (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff')
    const [current, previous, table] = await Promise.all([kubectl(['logs', 'crasher']), kubectl(['logs', 'crasher', '--previous']), kubectl(['get', 'pod', 'crasher'])])
    expect(current.stdout).toBe('exec /bin/sh: exec format error\n')
    expect(previous.stdout).toBe('exec /bin/sh: exec format error\n')
    expect(table.stdout).toMatch(/^crasher\s+0\/1\s+CrashLoopBackOff\s+1 \(\d+s ago\)\s+\d+s$/m)
  })

  it('explains a container that is waiting on an image it cannot pull', async () => {
    expect((await kubectl(['run', 'unpullable', '--image=example/no-such-image:1', '--restart=Never'])).code).toBe(0)
    await kube.waitFor('pods', 'default', 'unpullable', (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff')
    const result = await kubectl(['logs', 'unpullable'])
    expect(result.stderr).toBe('Error from server (BadRequest): container "unpullable" in pod "unpullable" is waiting to start: trying and failing to pull image\n')
  })

  it('explains an app container waiting for its init containers (PodInitializing)', async () => {
    kube.setInjectorReady(true)
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {name: 'initializing', namespace: 'default'},
      spec: {initContainers: [{name: 'pull', image: 'example/no-such-image:1'}], containers: [{name: 'app', image: 'busybox:1.36'}]},
    }
    kube.store.create(pod)
    await kube.waitFor('pods', 'default', 'initializing', (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'PodInitializing')
    const result = await kubectl(['logs', 'initializing', '-c', 'app'])
    expect(result.stderr).toBe('Error from server (BadRequest): container "app" in pod "initializing" is waiting to start: PodInitializing\n')
  })
})

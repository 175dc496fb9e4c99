import {existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startKubeEmulator, type KubeEmulator} from './index.js'
import {hasKubectl, kubectlFor} from './test-support.js'

/** The busybox applets people debug with, and `kubectl cp` (tar) both ways. */
describe.skipIf(!hasKubectl)('busybox applets and kubectl cp', () => {
  let kube: KubeEmulator
  let kubectl: ReturnType<typeof kubectlFor>
  const dir = mkdtempSync(join(tmpdir(), 'kubectl-cp-'))
  beforeAll(async () => {
    kube = await startKubeEmulator({preset: 'tutorial'})
    kubectl = kubectlFor(kube)
  })
  afterAll(() => kube?.stop())
  const exec = (...argv: string[]) => kubectl(['exec', 'vault-0', '--', ...argv])

  it('answers id, whoami and ps as the securityContext user', async () => {
    expect(await exec('id')).toMatchObject({code: 0, stdout: 'uid=100(vault) gid=1000(vault) groups=1000(vault)\n'})
    expect(await exec('whoami')).toMatchObject({code: 0, stdout: 'vault\n'})
    const ps = await exec('ps')
    expect(ps.stdout).toBe(`PID   USER     TIME  COMMAND
    1 vault     0:00 /bin/sh -ec /usr/local/bin/docker-entrypoint.sh vault server -dev 
    7 vault     0:00 ps
`)
  })

  it('greps with busybox exit codes: 0 on a match, 1 on none, 2 on a missing file', async () => {
    expect(await exec('sh', '-c', 'env | grep -c "^KUBERNETES_"')).toMatchObject({code: 0, stdout: '8\n'})
    expect(await exec('sh', '-c', 'env | grep -q NO_SUCH_VARIABLE')).toMatchObject({code: 1, stdout: ''})
    expect(await exec('grep', 'x', '/nope')).toMatchObject({code: 2, stderr: 'grep: /nope: No such file or directory\ncommand terminated with exit code 2\n'})
    expect(await exec('grep', '-n', 'cluster', '/etc/resolv.conf')).toMatchObject({code: 0, stdout: '1:search default.svc.cluster.local svc.cluster.local cluster.local\n'})
  })

  it('copies a file into the pod and back out with kubectl cp', async () => {
    const local = join(dir, 'notes.txt')
    writeFileSync(local, 'héllo from the laptop\n')
    const up = await kubectl(['cp', local, 'vault-0:/tmp/notes.txt'])
    expect(up).toMatchObject({code: 0, stderr: ''})
    expect((await exec('cat', '/tmp/notes.txt')).stdout).toBe('héllo from the laptop\n')
    expect((await exec('ls', '-la', '/tmp')).stdout).toMatch(/^-rw-r--r-- +1 root +root +23 .* notes\.txt$/m)

    const back = join(dir, 'back.txt')
    const down = await kubectl(['cp', 'vault-0:/tmp/notes.txt', back])
    // kubectl cp copies the remote tar's stderr to its own stdout (pkg/cmd/cp/cp.go copyFromPod)
    expect(down).toMatchObject({code: 0, stdout: "tar: removing leading '/' from member names\n", stderr: ''})
    expect(readFileSync(back, 'utf8')).toBe('héllo from the laptop\n')
  })

  it('copies nothing out for a path the pod does not have, with busybox tar\'s message', async () => {
    const r = await kubectl(['cp', 'vault-0:/tmp/none.txt', join(dir, 'none.txt')])
    expect(r.stdout).toBe("tar: can't stat '/tmp/none.txt': No such file or directory\n")
    expect(existsSync(join(dir, 'none.txt'))).toBe(false)
  })
})

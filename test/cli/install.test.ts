import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest'

import {execa} from 'execa'
import {existsSync, mkdtempSync, readFileSync, watch} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {projectRoot, runVsi as runCli, type CliOptions} from '../helpers/cli.js'
import {startHelmWorld, type HelmWorld} from '../helpers/helm-world.js'

// Each install runs helm (a node process) several times: allow for a loaded machine.
vi.setConfig({testTimeout: 150_000, hookTimeout: 30_000})
const runVsi = (args: string[], options: CliOptions) => runCli(args, {timeoutMs: 140_000, ...options})

const writes = (world: HelmWorld) => world.kube.requests.filter((r) => !['GET', 'HEAD'].includes(r.method))
const ready = (world: HelmWorld, name: string) =>
  (world.kube.store.get('pods', 'default', name)?.status?.conditions ?? []).some((c: {type: string; status: string}) => c.type === 'Ready' && c.status === 'True')

let world: HelmWorld
beforeEach(async () => {
  world = await startHelmWorld()
})
afterEach(() => world.stop())

describe('vsi install from an empty cluster', () => {
  it('runs the Helm commands, waits for vault-0, the injector and its webhook endpoints, and reports them', async () => {
    const run = await runVsi(['install'], {env: world.env()})
    expect(run.exitCode, run.stderr).toBe(0)
    expect(run.stdout).toContain('Installed Vault in dev mode and the Agent Injector: release vault in namespace default (chart vault-0.34.1, Vault 2.0.4, revision 1).')
    expect(run.stdout).toContain('Vault server pod vault-0 is ready')
    expect(run.stdout).toContain('serving: service vault-agent-injector-svc has 1 ready endpoint(s)')
    // Progress lines on stderr when it is not a terminal.
    expect(run.stderr).toContain('helm upgrade --install vault hashicorp/vault --namespace default --create-namespace --set server.dev.enabled=true --set injector.enabled=true')
    expect(ready(world, 'vault-0')).toBe(true)
    const injector = world.kube.store.list('pods', 'default').find((p) => p.metadata.labels?.['app.kubernetes.io/name'] === 'vault-agent-injector')
    expect(injector && ready(world, injector.metadata.name)).toBe(true)
    // The chart leaves caBundle empty; the running injector installs its CA (-tls-auto) before vsi calls it ready.
    expect(world.kube.store.get('mutatingwebhookconfigurations', undefined, 'vault-agent-injector-cfg')?.webhooks[0].clientConfig.caBundle).toMatch(/^[A-Za-z0-9+/]{100,}=*$/)
  })

  it('re-run on the installed release changes nothing and says so', async () => {
    await world.helmInstall()
    world.kube.requests.length = 0
    const rerun = await runVsi(['install', '--json'], {env: world.env()})
    expect(rerun.exitCode, rerun.stderr).toBe(0)
    expect(rerun.json.result).toMatchObject({changed: false, chart: 'vault-0.34.1', revision: '1', dryRun: false})
    expect(rerun.json.result.commands.some((c: string) => c.startsWith('helm upgrade'))).toBe(false)
    expect(writes(world)).toEqual([])
    const text = await runVsi(['install'], {env: world.env()})
    expect(text.stdout).toContain('Vault is already installed as asked')
    expect(text.stdout).toContain('Nothing changed.')
  })

  it('a re-run with different values upgrades the release', async () => {
    await world.helmInstall()
    const run = await runVsi(['install', '--set', 'server.dev.devRootToken=dev-only', '--json'], {env: world.env()})
    expect(run.exitCode, run.stderr).toBe(0)
    expect(run.json.result).toMatchObject({changed: true, revision: '2'})
  })

  it('--dry-run prints the Helm commands and contacts nothing, not even helm', async () => {
    const run = await runVsi(['install', '--dry-run', '--version', '0.34.1', '--set', 'injector.logLevel=debug', '-n', 'vault'], {env: world.env({helm: false})})
    expect(run.exitCode, run.stderr).toBe(0)
    expect(run.stdout.split('\n')).toEqual([
      'helm repo add hashicorp https://helm.releases.hashicorp.com',
      'helm repo update hashicorp',
      'helm upgrade --install vault hashicorp/vault --namespace vault --create-namespace --version 0.34.1 --set server.dev.enabled=true --set injector.enabled=true --set injector.logLevel=debug',
    ])
    expect(world.kube.requests).toEqual([])
  })

  it('--debug streams Helm\'s own output', async () => {
    const run = await runVsi(['install', '--debug'], {env: world.env()})
    expect(run.exitCode).toBe(0)
    expect(run.stderr).toContain('[debug] $ helm repo add hashicorp https://helm.releases.hashicorp.com')
    expect(run.stderr).toContain('[debug]   Thank you for installing HashiCorp Vault!')
  })

  it('warns when the context does not look like a local cluster', async () => {
    world.kube.writeKubeconfig(world.kubeconfig, {context: 'prod-eks'})
    const run = await runVsi(['install', '--no-wait'], {env: world.env()})
    expect(run.exitCode, run.stderr).toBe(0)
    expect(run.stderr).toMatch(/Warning: context prod-eks \(https:\/\/127\.0\.0\.1:\d+\) does not look like a local cluster/)
  })
})

describe('vsi install prerequisites', () => {
  it('helm missing: names it with the install command, exit 1, nothing installed', async () => {
    const run = await runVsi(['install'], {env: world.env({helm: false})})
    expect(run.exitCode).toBe(1)
    expect(run.stderr).toContain('Error: helm was not found on the PATH')
    expect(run.stderr).toMatch(/Hint: Install Helm 3 or later \((sudo snap install helm --classic|brew install helm|winget install Helm\.Helm);/)
    expect(writes(world)).toEqual([])
  })

  it('Helm 2: too old, exit 1', async () => {
    const run = await runVsi(['install'], {env: world.env({extra: {HELM_DOUBLE_VERSION: 'Client: v2.17.0+ga690bad'}})})
    expect(run.exitCode).toBe(1)
    expect(run.stderr).toContain('Error: helm v2.17.0+ga690bad is too old: vsi needs Helm 3 or later')
    expect(writes(world)).toEqual([])
  })

  it('an unreadable --values file is a usage error before anything runs', async () => {
    const run = await runVsi(['install', '-f', 'no-such-values.yaml'], {env: world.env()})
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toContain('--values no-such-values.yaml: no such file')
    expect(world.kube.requests).toEqual([])
  })
})

describe('vsi install when Helm or the pods fail', () => {
  it('a failing helm install: its stderr is shown, exit 1', async () => {
    world.kube.deny({verb: 'create', resource: 'statefulsets'})
    const run = await runVsi(['install'], {env: world.env()})
    expect(run.exitCode).toBe(1)
    expect(run.stderr).toContain('helm upgrade --install vault hashicorp/vault --namespace default --create-namespace --set server.dev.enabled=true --set injector.enabled=true failed with exit code 1:')
    expect(run.stderr).toMatch(/Error: INSTALLATION FAILED: failed to create resource: statefulsets\.apps is forbidden/)
  })

  it('an image that cannot be pulled is named', async () => {
    const run = await runVsi(['install', '--set', 'server.image.repository=registry.example/no-such-image', '--json'], {env: world.env()})
    expect(run.exitCode).toBe(1)
    expect(run.json.error.code).toBe('image-pull-failed')
    expect(run.json.error.message).toBe('pod vault-0 cannot pull image registry.example/no-such-image:2.0.4 (container vault: ImagePullBackOff: Back-off pulling image "registry.example/no-such-image:2.0.4")')
  })

  it('a pod the scheduler cannot place is named with its scheduling reason at the timeout', async () => {
    const run = await runVsi(['install', '--set', 'server.nodeSelector.disktype=ssd', '--timeout', '2s'], {env: world.env()})
    expect(run.exitCode).toBe(1)
    expect(run.stderr).toContain("Error: a Vault pod cannot be scheduled: vault-0: 0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector.")
  })

  it('a crash loop is named with the last log lines', async () => {
    const run = await runVsi(['install', '--set', 'injector.image.tag=crash-loop'], {env: world.env()})
    expect(run.exitCode).toBe(1)
    expect(run.stderr).toMatch(/Error: pod vault-agent-injector-\w+-\w+ is crash-looping \(container sidecar-injector restarted 1 times\); its last log lines:\n {2}exec \/bin\/sh: exec format error/)
  })

  it('pods that are not ready in time: a timeout naming what is missing', async () => {
    const run = await runVsi(['install', '--set', 'server.image.tag=never-ready', '--timeout', '1s'], {env: world.env()})
    expect(run.exitCode).toBe(1)
    expect(run.stderr).toMatch(/Error: timed out after 1s waiting for Vault to become ready: Vault server pod vault-0: Running, container vault running/)
  })
})

describe('vsi install interrupted', () => {
  /** Starts `vsi install` in a process group of its own, with the helm double hanging in `helm upgrade`; resolves once it hangs. */
  async function installWithHangingHelm() {
    const dir = mkdtempSync(path.join(tmpdir(), 'vsi-hang-'))
    const pidFile = path.join(dir, 'helm.pid')
    const hanging = new Promise<number>((resolve) => {
      const watcher = watch(dir, () => {
        if (!existsSync(pidFile)) return
        watcher.close()
        resolve(Number(readFileSync(pidFile, 'utf8')))
      })
    })
    const vsi = execa(process.execPath, [path.join(projectRoot, 'bin/run.js'), 'install'], {
      env: world.env({extra: {HELM_DOUBLE_HANG_PIDFILE: pidFile}}),
      extendEnv: false,
      detached: true,
      reject: false,
    })
    return {vsi, helmPid: await hanging}
  }
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0)
      return true
    } catch {
      return false
    }
  }

  it('Ctrl-C in a terminal (SIGINT to the process group, helm included): exit 130, nothing on stderr but the progress', async () => {
    const {vsi, helmPid} = await installWithHangingHelm()
    process.kill(-vsi.pid!, 'SIGINT')
    const result = await vsi
    expect(result.exitCode, result.stderr).toBe(130)
    expect(result.stderr).not.toMatch(/Error|Warning|at .*\.js/)
    expect(result.stdout).toBe('')
    expect(alive(helmPid)).toBe(false)
  })

  it('Ctrl-C while it waits for the pods: exit 130, quietly', async () => {
    const vsi = execa(process.execPath, [path.join(projectRoot, 'bin/run.js'), 'install', '--set', 'server.image.tag=never-ready'], {env: world.env(), extendEnv: false, detached: true, reject: false})
    let stderr = ''
    await new Promise<void>((resolve) => {
      vsi.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString()
        if (stderr.includes('waiting for the Vault server and the injector\n')) resolve()
      })
    })
    process.kill(-vsi.pid!, 'SIGINT')
    const result = await vsi
    expect(result.exitCode, result.stderr).toBe(130)
    expect(stderr).not.toMatch(/Error|Warning/)
  })

  it('SIGINT to vsi alone (kill -INT): vsi kills the helm it started and exits 130 quietly', async () => {
    const {vsi, helmPid} = await installWithHangingHelm()
    process.kill(vsi.pid!, 'SIGINT')
    const result = await vsi
    expect(result.exitCode, result.stderr).toBe(130)
    expect(result.stderr).not.toMatch(/Error|Warning/)
    expect(alive(helmPid)).toBe(false)
  })
})

describe('vsi uninstall', () => {
  it('install then uninstall leaves the cluster as it started', async () => {
    const before = world.snapshot()
    expect((await runVsi(['install'], {env: world.env()})).exitCode).toBe(0)
    const run = await runVsi(['uninstall', '--yes'], {env: world.env()})
    expect(run.exitCode, run.stderr).toBe(0)
    expect(run.stdout).toContain('- helm uninstall vault (namespace default, chart vault-0.34.1, revision 1)')
    await world.kube.settle()
    expect(world.snapshot()).toEqual(before)
  })

  it('outside a terminal it needs --yes, and changes nothing without it', async () => {
    await world.helmInstall()
    world.kube.requests.length = 0
    const run = await runVsi(['uninstall'], {env: world.env()})
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toContain('vsi uninstall needs --yes')
    expect(writes(world)).toEqual([])
  })

  it('deletes a MutatingWebhookConfiguration the release left behind; keeps PVCs unless --purge', async () => {
    const labels = {'app.kubernetes.io/name': 'vault-agent-injector', 'app.kubernetes.io/instance': 'vault'}
    world.kube.store.create({apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: {name: 'vault-agent-injector-cfg', labels}, webhooks: []})
    const claim = (name: string) => ({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {name, namespace: 'default', labels: {'app.kubernetes.io/name': 'vault', 'app.kubernetes.io/instance': 'vault', component: 'server'}},
      spec: {accessModes: ['ReadWriteOnce'], resources: {requests: {storage: '10Gi'}}},
    })
    world.kube.store.create(claim('data-vault-0'))
    const kept = await runVsi(['uninstall', '--yes', '--json'], {env: world.env()})
    expect(kept.exitCode, kept.stdout).toBe(0)
    expect(kept.json.result).toMatchObject({deleted: ['mutatingwebhookconfiguration/vault-agent-injector-cfg'], kept: ['data-vault-0']})
    expect(world.kube.store.get('persistentvolumeclaims', 'default', 'data-vault-0')).toBeDefined()
    const purged = await runVsi(['uninstall', '--yes', '--purge'], {env: world.env()})
    expect(purged.exitCode, purged.stderr).toBe(0)
    expect(purged.stdout).toContain('- delete persistentvolumeclaim data-vault-0 (its data is lost)')
    expect(world.kube.store.get('persistentvolumeclaims', 'default', 'data-vault-0')).toBeUndefined()
  })

  it('with nothing installed, says so and exits 0', async () => {
    const run = await runVsi(['uninstall', '--yes'], {env: world.env()})
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toBe('Nothing to uninstall: no Helm release vault in namespace default (context minikube).')
  })
})

describe('vsi setup on a cluster with no Vault', () => {
  it('outside a terminal the error names vsi install', async () => {
    const run = await runVsi(['setup'], {env: world.env()})
    expect(run.exitCode).toBe(1)
    expect(run.stderr).toContain('no Vault server pod (app.kubernetes.io/name=vault,component=server) runs in the cluster')
    expect(run.stderr).toContain('Hint: Install Vault in dev mode and the Agent Injector with: vsi install')
  })
})

import {spawn} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {connect, createServer, type Server} from 'node:net'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startKubeEmulator, type KubeEmulator} from './index.js'
import {hasKubectl, kubectlFor} from './test-support.js'

const seed = (name: string) => readFileSync(new URL(`../../fixtures/tutorial/${name}`, import.meta.url), 'utf8')

describe.skipIf(!hasKubectl)('the kube emulator driven by the real kubectl (tutorial preset)', () => {
  let kube: KubeEmulator
  let kubectl: ReturnType<typeof kubectlFor>
  let echo: Server

  beforeAll(async () => {
    echo = createServer((s) => s.on('data', (d) => s.end(`echo:${d}`)))
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve))
    const echoPort = (echo.address() as {port: number}).port
    kube = await startKubeEmulator({preset: 'tutorial', portForwardTargets: {'default/vault-0:8200': {host: '127.0.0.1', port: echoPort}}})
    kubectl = kubectlFor(kube)
  })
  afterAll(async () => {
    await kube?.stop()
    echo?.close()
  })

  it('lists the Helm release and the orgchart deployment as the tutorial shows them', async () => {
    const [pods, deploy, table] = await Promise.all([
      kubectl(['get', 'pods', '-o', 'json']),
      kubectl(['get', 'deploy', 'orgchart', '-o', 'json']),
      kubectl(['get', 'pods']),
    ])
    const names = (JSON.parse(pods.stdout).items as Array<{metadata: {name: string}}>).map((p) => p.metadata.name)
    expect(names).toContain('vault-0')
    expect(names.some((n) => /^vault-agent-injector-[a-z0-9]+-[a-z0-9]{5}$/.test(n))).toBe(true)
    expect(names.some((n) => /^orgchart-[a-z0-9]+-[a-z0-9]{5}$/.test(n))).toBe(true)
    const d = JSON.parse(deploy.stdout)
    expect(d.status).toMatchObject({observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1})
    expect(d.status.conditions.map((c: {type: string; reason: string}) => `${c.type}/${c.reason}`)).toEqual(['Available/MinimumReplicasAvailable', 'Progressing/NewReplicaSetAvailable'])
    expect(table.stdout).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/m)
    expect(table.stdout).toMatch(/^vault-0\s+1\/1\s+Running\s+0\s+\S+$/m)
  })

  it('rolls out the tutorial patch: injected pods, READY 2/2, once internal-app exists', async () => {
    expect((await kubectl(['create', 'sa', 'internal-app'])).stdout).toBe('serviceaccount/internal-app created\n')
    const patched = await kubectl(['patch', 'deployment', 'orgchart', '--patch', seed('patch-inject-secrets.yaml')])
    expect(patched.stdout).toBe('deployment.apps/orgchart patched\n')
    const rollout = await kubectl(['rollout', 'status', 'deployment/orgchart', '--timeout=20s'])
    expect(rollout.stdout).toContain('deployment "orgchart" successfully rolled out')
    const pod = await kubectl(['get', 'pod', '-l', 'app=orgchart', '-o', 'jsonpath={.items[0].metadata.name} {.items[0].spec.initContainers[*].name} {.items[0].spec.containers[*].name} {.items[0].metadata.annotations.vault\\.hashicorp\\.com/agent-inject-status}'])
    const [name, ...rest] = pod.stdout.split(' ')
    expect(rest.join(' ')).toBe('vault-agent-init orgchart vault-agent injected')
    const list = await kubectl(['get', 'pod', name])
    expect(list.stdout).toMatch(new RegExp(`^${name}\\s+2/2\\s+Running`, 'm'))
  })

  it('runs cat in the app container over exec, with busybox errors for missing files', async () => {
    const pod = (await kubectl(['get', 'pod', '-l', 'app=orgchart', '-o', 'jsonpath={.items[0].metadata.name}'])).stdout
    kube.setRenderedFile('default', pod, 'vault-agent', '/vault/secrets/database-config.txt', 'postgresql://db-readonly-username:db-secret-password@postgres:5432/wizard')
    const [cat, missing, ls, script] = await Promise.all([
      kubectl(['exec', pod, '-c', 'orgchart', '--', 'cat', '/vault/secrets/database-config.txt']),
      kubectl(['exec', pod, '-c', 'orgchart', '--', 'cat', '/vault/secrets/x']),
      kubectl(['exec', 'vault-0', '--', 'ls', '/vault/secrets']),
      kubectl(['exec', pod, '-c', 'orgchart', '--', 'sh', '-c', 'test -s /vault/secrets/database-config.txt && echo present || echo absent']),
    ])
    expect(cat).toMatchObject({code: 0, stdout: 'postgresql://db-readonly-username:db-secret-password@postgres:5432/wizard'})
    expect(missing.code).toBe(1)
    expect(missing.stderr).toBe("cat: can't open '/vault/secrets/x': No such file or directory\ncommand terminated with exit code 1\n")
    expect(ls.stderr).toBe('ls: /vault/secrets: No such file or directory\ncommand terminated with exit code 1\n')
    expect(script.stdout).toBe('present\n')
  })

  it('port-forwards a local port to the pod through the SPDY tunnel', async () => {
    const child = spawn('kubectl', ['port-forward', 'pod/vault-0', ':8200'], {env: {...process.env, HOME: kubectl.home, KUBECONFIG: kubectl.kubeconfig}})
    try {
      const localPort = await new Promise<number>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          const m = d.toString().match(/Forwarding from 127\.0\.0\.1:(\d+) -> 8200/)
          if (m) resolve(Number(m[1]))
        })
        child.on('exit', (code) => reject(new Error(`kubectl port-forward exited ${code}`)))
      })
      const reply = await new Promise<string>((resolve, reject) => {
        const socket = connect(localPort, '127.0.0.1', () => socket.write('ping'))
        let data = ''
        socket.on('data', (d) => (data += d))
        socket.on('close', () => resolve(data))
        socket.on('error', reject)
      })
      expect(reply).toBe('echo:ping')
    } finally {
      child.kill()
    }
  })

  it('prints the API server errors kubectl users see for 404, 403 and 401', async () => {
    kube.deny({verb: 'patch', resource: 'deployments', namespace: 'default'})
    const stranger = kubectlFor(kube, {token: 'not-a-token'})
    const [notFound, forbidden, unauthorized] = await Promise.all([
      kubectl(['get', 'deployment', 'nope']),
      kubectl(['patch', 'deployment', 'orgchart', '-p', '{"spec":{"replicas":2}}']),
      stranger(['get', 'pods']),
    ])
    expect(notFound.stderr).toBe('Error from server (NotFound): deployments.apps "nope" not found\n')
    expect(forbidden.stderr).toBe(
      'Error from server (Forbidden): deployments.apps "orgchart" is forbidden: User "kubernetes-admin" cannot patch resource "deployments" in API group "apps" in the namespace "default"\n',
    )
    // discovery comes first, so kubectl reports the 401 the way it does against a real cluster
    expect(unauthorized.stderr).toContain('error: You must be logged in to the server (the server has asked for the client to provide credentials)')
  })
})

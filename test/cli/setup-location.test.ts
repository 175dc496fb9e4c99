import {execa, type ResultPromise} from 'execa'
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'

import {runVsi} from '../helpers/cli.js'
import {startVaultWorld, type VaultWorld} from '../helpers/vault-world.js'

const SECRET = 'location-secret'
const tutorial = ['setup', '--secret', 'internal/database/config', 'username=-', '--app', 'internal-app']

/** `kubectl port-forward pod/vault-0 :8200`, as the minikube tutorial reaches Vault; resolves with its VAULT_ADDR. */
async function kubectlPortForward(world: VaultWorld): Promise<{addr: string; process: ResultPromise}> {
  const child = execa('kubectl', ['--kubeconfig', world.kubeconfig, 'port-forward', 'pod/vault-0', ':8200'], {reject: false})
  const port = await new Promise<string>((resolve, reject) => {
    let seen = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString()
      const match = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(seen)
      if (match) resolve(match[1])
    })
    void child.then((result) => reject(new Error(`kubectl port-forward exited: ${result.stderr}`)))
  })
  return {addr: `http://127.0.0.1:${port}`, process: child}
}

describe('vsi setup decides where Vault runs by comparing Vault identities', () => {
  let world: VaultWorld
  let forward: {addr: string; process: ResultPromise}
  beforeAll(async () => {
    world = await startVaultWorld()
  })
  afterAll(() => world.stop())
  afterEach(async () => {
    forward?.process.kill()
    await forward?.process
  })

  it('VAULT_ADDR through kubectl port-forward to vault-0 is Vault in the cluster: in-cluster API address, no reviewer account', async () => {
    forward = await kubectlPortForward(world)
    const env = {KUBECONFIG: world.kubeconfig, VAULT_ADDR: forward.addr, VAULT_TOKEN: 'root'}
    const run = await runVsi(tutorial, {env, input: SECRET})
    expect(run.exitCode, run.stderr).toBe(0)
    expect(run.stdout).toMatch(/^Vault runs in the cluster: http:\/\/127\.0\.0\.1:\d+ is pod default\/vault-0 \(same cluster_id [0-9a-f-]{36}, vault-cluster-[0-9a-f]{8}\)$/m)
    expect(run.stdout).not.toMatch(/vault-auth/)
    expect(run.stdout).toMatch(/^verified +/m)
    expect(world.vault.state.kubernetes()?.config).toMatchObject({kubernetes_host: 'https://kubernetes.default.svc:443', token_reviewer_jwt: ''})
    expect(world.kube.store.get('ServiceAccount', 'default', 'vault-auth')).toBeUndefined()
  })

  it('--vault-location external on that same Vault writes the kubeconfig host, which the pod cannot reach: the login fails as on a real cluster', async () => {
    const run = await runVsi([...tutorial, '--vault-location', 'external', '--json'], {env: world.env({direct: true}), input: SECRET})
    expect(run.exitCode, run.stdout).not.toBe(0)
    expect(run.json.result.vault).toMatchObject({inCluster: false, location: '--vault-location external'})
    expect(world.vault.state.kubernetes()?.config?.kubernetes_host).toBe(world.kube.url)
    const login = world.vault.requests.filter((r) => r.path === '/v1/auth/kubernetes/login').at(-1)
    expect(login).toMatchObject({status: 403})
    expect(login?.reason).toMatch(/tokenreviews": dial tcp 127\.0\.0\.1:\d+: connect: connection refused$/)
    expect(run.json.result.actions.find((a: {step: string}) => a.step === 'verify')).toMatchObject({status: 'failed'})
  })

  it('--kubernetes-host sets the address Vault reviews tokens at (an in-cluster name reaches the API server from the pod)', async () => {
    const host = 'https://kubernetes.default.svc.cluster.local:443'
    const run = await runVsi([...tutorial, '--vault-location', 'in-cluster', '--kubernetes-host', host, '--verify', '--json'], {
      env: world.env({direct: true}),
      input: SECRET,
    })
    expect(run.exitCode, run.stdout).toBe(0)
    expect(world.vault.state.kubernetes()?.config?.kubernetes_host).toBe(host)
    expect(run.json.result.actions.find((a: {step: string}) => a.step === 'verify')).toMatchObject({status: 'verified'})
  })
})

describe('vsi setup with a second Vault outside the cluster', () => {
  let world: VaultWorld
  beforeAll(async () => {
    world = await startVaultWorld({outside: true})
  })
  afterAll(() => world.stop())

  it('says VAULT_ADDR is another Vault than pod vault-0, naming both clusters', async () => {
    const dry = await runVsi([...tutorial, '--dry-run'], {env: world.env({direct: true}), input: SECRET})
    expect(dry.exitCode, dry.stderr).toBe(0)
    expect(dry.stdout).toMatch(/^Vault runs outside the cluster: http:\/\/127\.0\.0\.1:\d+ is Vault cluster vault-cluster-[0-9a-f]{8}, not pod default\/vault-0 \(vault-cluster-[0-9a-f]{8}\)$/m)
    expect(dry.stdout).toMatch(/^create +service account default\/vault-auth/m)
  })
})

describe('vsi setup without a Vault pod in the cluster', () => {
  let world: VaultWorld
  beforeAll(async () => {
    // A cluster without the Vault Helm chart.
    world = await startVaultWorld({outside: true, preset: 'empty'})
  })
  afterAll(() => world.stop())

  it('takes VAULT_ADDR for an external Vault and says there is no Vault pod', async () => {
    const dry = await runVsi([...tutorial, '--dry-run', '--json'], {env: world.env({direct: true}), input: SECRET})
    expect(dry.exitCode, dry.stdout).toBe(0)
    expect(dry.json.result.vault).toMatchObject({inCluster: false, location: 'no Vault server pod (app.kubernetes.io/name=vault,component=server) runs in the cluster'})
  })
})

describe('names and paths are checked before anything is contacted', () => {
  let world: VaultWorld
  beforeAll(async () => {
    world = await startVaultWorld()
  })
  afterAll(() => world.stop())

  it.each([
    [{app: 'Internal_App'}, /--app "Internal_App" is not a valid name: a Kubernetes service account name must be a DNS-1123 subdomain/],
    [{app: 'app-'}, /--app "app-" is not a valid name/],
    [{secret: 'internal/../secret/x'}, /--secret "internal\/..\/secret\/x" has a "\.\." segment/],
    [{kv: './internal'}, /--kv-path "\.\/internal" has a "\." segment/],
  ])('refuses %j with exit 2', async (given, message) => {
    const mark = world.mark()
    const {app = 'internal-app', secret = 'internal/database/config', kv = 'internal'} = given as Record<string, string>
    const args = ['setup', '--kv-path', kv, '--secret', secret, 'username=x', '--app', app]
    const run = await runVsi(args, {env: world.env({direct: true})})
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toMatch(message)
    expect(mark.vault()).toEqual([])
    expect(mark.kube()).toEqual([])
  })

  it('vsi secret put refuses a path that climbs into another engine, sending nothing', async () => {
    const mark = world.mark()
    const run = await runVsi(['secret', 'put', 'internal/../../secret/data/x', 'a=b'], {env: world.env({direct: true})})
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toMatch(/the secret path "internal\/..\/..\/secret\/data\/x" has a "\.\." segment/)
    expect(mark.vault()).toEqual([])
  })
})

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startVaultEmulator, type VaultEmulator} from '../vault/index.js'
import {startKubeEmulator, type KubeEmulator} from './index.js'
import {hasKubectl, kubectlFor} from './test-support.js'

const TTY_NOTICE = 'Unable to use a TTY - input is not a terminal or the right kind of file\n'

/** What `kubectl exec` finds inside the pods: the kubelet's environment, busybox sh, the Vault image's `vault`. */
describe.skipIf(!hasKubectl)('inside the pods with kubectl exec', () => {
  let kube: KubeEmulator
  let vault: VaultEmulator
  let kubectl: ReturnType<typeof kubectlFor>
  const sh = (script: string) => kubectl(['exec', '-i', 'vault-0', '--', '/bin/sh'], script)

  beforeAll(async () => {
    kube = await startKubeEmulator({preset: 'tutorial'})
    // wired as launch.ts wires them: Vault listens on vault-0's port 8200
    vault = await startVaultEmulator({kube: {url: kube.url, caPem: kube.caPem, hostAliases: ['10.96.0.1']}})
    const {hostname, port} = new URL(vault.url)
    kube.portForwardTargets['default/vault-0:8200'] = {host: hostname, port: Number(port)}
    kubectl = kubectlFor(kube)
  })
  afterAll(async () => {
    await kube?.stop()
    await vault?.stop()
  })

  it("sets the kubelet's Service variables and resolves fieldRef and $(VAR) env", async () => {
    const pod = kube.store.get('pods', 'default', 'vault-0')!
    const vaultSvc = kube.store.get('services', 'default', 'vault')!.spec.clusterIP
    const {stdout, code} = await kubectl(['exec', 'vault-0', '--', 'env'])
    expect(code).toBe(0)
    const env = Object.fromEntries(stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]))
    expect(env).toMatchObject({
      KUBERNETES_SERVICE_HOST: '10.96.0.1',
      KUBERNETES_SERVICE_PORT: '443',
      KUBERNETES_SERVICE_PORT_HTTPS: '443',
      KUBERNETES_PORT: 'tcp://10.96.0.1:443',
      KUBERNETES_PORT_443_TCP: 'tcp://10.96.0.1:443',
      KUBERNETES_PORT_443_TCP_PROTO: 'tcp',
      KUBERNETES_PORT_443_TCP_PORT: '443',
      KUBERNETES_PORT_443_TCP_ADDR: '10.96.0.1',
      VAULT_SERVICE_HOST: vaultSvc,
      VAULT_SERVICE_PORT_HTTP: '8200',
      VAULT_PORT_8200_TCP_ADDR: vaultSvc,
      VAULT_AGENT_INJECTOR_SVC_SERVICE_HOST: kube.store.get('services', 'default', 'vault-agent-injector-svc')!.spec.clusterIP,
      POD_IP: pod.status.podIP,
      HOST_IP: '192.168.49.2',
      VAULT_K8S_POD_NAME: 'vault-0',
      VAULT_K8S_NAMESPACE: 'default',
      VAULT_API_ADDR: `http://${pod.status.podIP}:8200`,
      VAULT_CLUSTER_ADDR: 'https://vault-0.vault-internal:8201',
      HOSTNAME: 'vault-0',
    })
    // the headless vault-internal Service has no cluster IP, so no variables (envvars.go skips it)
    expect(Object.keys(env).filter((k) => k.startsWith('VAULT_INTERNAL_'))).toEqual([])
  })

  it('runs a script fed on stdin: variables, $(…), pipes, here-documents', async () => {
    const r = await sh(`NAME=world
echo "hello $NAME" | wc -c
echo "ns=$(cat /var/run/secrets/kubernetes.io/serviceaccount/namespace)"
cat <<EOF
host=$KUBERNETES_SERVICE_HOST
EOF
cat <<'EOF'
literal $NAME
EOF
`)
    expect(r).toMatchObject({code: 0, stdout: '12\nns=default\nhost=10.96.0.1\nliteral $NAME\n'})
  })

  it('fails an unknown command as busybox sh does, and kubectl reports the exit code', async () => {
    const r = await kubectl(['exec', 'vault-0', '--', '/bin/sh', '-c', 'frobnicate --now'])
    expect(r).toMatchObject({code: 127, stderr: '/bin/sh: frobnicate: not found\ncommand terminated with exit code 127\n'})
  })

  // The dev root token is made by `vault server -dev -dev-root-token-id=root` through auth/token/create (hashicorp/vault
  // command/server.go): display name "token", that path, and a lease entry (issue_time, renewable false).
  it("looks the dev root token up with `vault token lookup`, the CLI's table", async () => {
    const r = await kubectl(['exec', '-it', 'vault-0', '--', '/bin/sh'], 'vault token lookup\n')
    expect(r.stderr).toBe(TTY_NOTICE)
    expect(r.stdout).toMatch(
      /^Key {17}Value\n--- {17}-----\naccessor {12}\S+\ncreation_time {7}\d+\ncreation_ttl {8}0s\ndisplay_name {8}token\nentity_id {11}n\/a\nexpire_time {9}<nil>\nexplicit_max_ttl {4}0s\nid {18}root\nissue_time {10}\d{4}-\d\d-\d\dT\S+Z\nmeta {16}<nil>\nnum_uses {12}0\norphan {14}true\npath {16}auth\/token\/create\npolicies {12}\[root\]\nrenewable {11}false\nttl {17}0s\ntype {16}service\n$/,
    )
  })

  it('exits 2 with the api error or "No value found", 1 on bad usage, as the vault CLI does', async () => {
    // kubectl copies the remote stderr and prints its own "command terminated" line concurrently: each line is compared
    const lines = (r: {stderr: string}) => r.stderr.split('\n').sort()
    const missing = await sh('vault kv get secret/nope')
    expect(missing.code).toBe(2)
    expect(lines(missing)).toEqual(['', 'No value found at secret/data/nope', 'command terminated with exit code 2'])
    const noMount = await sh('vault kv get nowhere/x')
    expect(noMount.code).toBe(2)
    expect(noMount.stderr).toContain(
      'Error making API request.\n\nURL: GET http://127.0.0.1:8200/v1/sys/internal/ui/mounts/nowhere/x\nCode: 403. Errors:\n\n* preflight capability check returned 403, please ensure client\'s policies grant access to path "nowhere/x/"\n',
    )
    expect(noMount.stderr).toContain('command terminated with exit code 2\n')
    const usage = await sh('vault policy write only-a-name')
    expect(usage.code).toBe(1)
    expect(lines(usage)).toEqual(['', 'Not enough arguments (expected 2, got 1)', 'command terminated with exit code 1'])
    const twice = await sh('vault secrets enable -path=team kv-v2; vault secrets enable -path=team kv-v2')
    expect(twice.stdout).toBe('Success! Enabled the kv-v2 secrets engine at: team/\n')
    expect(twice.stderr).toContain('Error enabling: Error making API request.\n\nURL: POST http://127.0.0.1:8200/v1/sys/mounts/team\nCode: 400. Errors:\n\n* path is already in use at team/\n')
    expect(twice.stderr).toContain('command terminated with exit code 2\n')
  })

  it("refuses the connection when nothing listens on the pod's port, and has no vault outside the Vault image", async () => {
    const target = kube.portForwardTargets['default/vault-0:8200']
    delete kube.portForwardTargets['default/vault-0:8200']
    const refused = await sh('vault kv get secret/x')
    kube.portForwardTargets['default/vault-0:8200'] = target
    expect(refused).toMatchObject({code: 2, stderr: 'Get "http://127.0.0.1:8200/v1/sys/internal/ui/mounts/secret/x": dial tcp 127.0.0.1:8200: connect: connection refused\ncommand terminated with exit code 2\n'})
    const injector = kube.store.list('pods', 'default').find((p) => p.metadata.labels?.['app.kubernetes.io/name'] === 'vault-agent-injector')!
    const r = await kubectl(['exec', injector.metadata.name, '--', 'vault', 'status'])
    expect(r.code).toBe(126)
    expect(r.stdout).toContain('exec: "vault": executable file not found in $PATH')
  })
})

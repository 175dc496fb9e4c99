import {spawn, type ChildProcess} from 'node:child_process'
import {readFileSync} from 'node:fs'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {hasKubectl, kubectlAt, kubectlStream} from './test-support.js'

const fixture = (name: string) => new URL(`../../fixtures/tutorial/${name}`, import.meta.url).pathname

/**
 * test/fixtures/tutorial/tutorial-vault-agent-injector.md typed word for word with the real kubectl: the `vault …`
 * lines inside `kubectl exec -it vault-0 -- /bin/sh`, the patches, `kubectl get pods -w` until 2/2, the final `cat`.
 * It runs against `npm run emulators` itself (test/emulators/launch.ts in a child process), as a user would.
 */
describe.skipIf(!hasKubectl)('the tutorial replayed word for word with kubectl', {timeout: 90_000}, () => {
  let emulators: ChildProcess
  let exports: Record<string, string>
  let kubectl: ReturnType<typeof kubectlAt>
  const vaultApi = async (path: string) => {
    const res = await fetch(`${exports.VAULT_ADDR}/v1/${path}`, {headers: {'X-Vault-Token': exports.VAULT_TOKEN}})
    return (await res.json()) as {data: Record<string, unknown>}
  }

  beforeAll(async () => {
    // --kv-upgrade 0: a person types the next line after the new kv-v2 mount has upgraded (a second); a script does not
    emulators = spawn(process.execPath, ['--import', 'tsx', new URL('../launch.ts', import.meta.url).pathname, '--kv-upgrade', '0'], {stdio: ['ignore', 'pipe', 'inherit']})
    exports = await new Promise((resolve, reject) => {
      let out = ''
      emulators.stdout!.on('data', (d: Buffer) => {
        out += d
        if (/^export VAULT_TOKEN=/m.test(out)) resolve(Object.fromEntries([...out.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1], m[2]])))
      })
      emulators.on('exit', (code) => reject(new Error(`npm run emulators exited with ${code}: ${out}`)))
    })
    kubectl = kubectlAt(exports.KUBECONFIG)
  })
  afterAll(async () => {
    if (emulators?.exitCode === null) {
      const exited = new Promise((resolve) => emulators.on('exit', resolve))
      emulators.kill('SIGINT')
      await exited
    }
  })

  const orgchartPod = async () => (await kubectl(['get', 'pod', '-l', 'app=orgchart', '-o', 'jsonpath={.items[0].metadata.name}'])).stdout

  /** `kubectl get pods -w` until a pod other than `old` is Running 2/2, then until `old` is gone. */
  const waitForRollout = async (old: string) => {
    // --request-timeout ends the watch (and shows what it printed) if the rollout never gets there
    const watch = kubectlStream(kubectl, ['get', 'pods', '-w', '--request-timeout=40s'])
    const [, pod] = await watch.until(new RegExp(`^(?!${old}\\s)(orgchart-\\S+)\\s+2/2\\s+Running\\s`, 'm'))
    await watch.stop()
    expect((await kubectl(['wait', '--for=delete', `pod/${old}`, '--timeout=30s'])).code).toBe(0)
    return pod
  }

  it('stores the secret from inside vault-0 with the vault CLI', async () => {
    const r = await kubectl(
      ['exec', '-it', 'vault-0', '--', '/bin/sh'],
      `vault secrets enable -path=internal kv-v2
vault kv put internal/database/config username="db-readonly-username" password="db-secret-password"
vault kv get internal/database/config
`,
    )
    expect(r.stderr).toBe('Unable to use a TTY - input is not a terminal or the right kind of file\n')
    expect(r.code).toBe(0)
    const created = /created_time {7}(\S+)/.exec(r.stdout)?.[1]
    expect(created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$/)
    expect(r.stdout).toBe(`Success! Enabled the kv-v2 secrets engine at: internal/
======== Secret Path ========
internal/data/database/config

======= Metadata =======
Key                Value
---                -----
created_time       ${created}
custom_metadata    <nil>
deletion_time      n/a
destroyed          false
version            1
======== Secret Path ========
internal/data/database/config

======= Metadata =======
Key                Value
---                -----
created_time       ${created}
custom_metadata    <nil>
deletion_time      n/a
destroyed          false
version            1

====== Data ======
Key         Value
---         -----
password    db-secret-password
username    db-readonly-username
`)
  })

  it('configures Kubernetes auth from inside vault-0, the heredoc policy included', async () => {
    const r = await kubectl(
      ['exec', '-it', 'vault-0', '--', '/bin/sh'],
      `vault auth enable kubernetes
vault write auth/kubernetes/config \\
    token_reviewer_jwt="$(cat /var/run/secrets/kubernetes.io/serviceaccount/token)" \\
    kubernetes_host="https://$KUBERNETES_PORT_443_TCP_ADDR:443" \\
    kubernetes_ca_cert=@/var/run/secrets/kubernetes.io/serviceaccount/ca.crt
vault policy write internal-app - <<EOF
path "internal/data/database/config" {
   capabilities = ["read"]
}
EOF
vault write auth/kubernetes/role/internal-app \\
      bound_service_account_names=internal-app \\
      bound_service_account_namespaces=default \\
      policies=internal-app \\
      ttl=24h
exit
`,
    )
    expect(r.stdout).toBe(`Success! Enabled kubernetes auth method at: kubernetes/
Success! Data written to: auth/kubernetes/config
Success! Uploaded policy: internal-app
`)
    // the role write answers with a warning and no data: write.go prints the secret (its warnings, on stderr), no "Success!"
    expect(r.stderr).toBe(`Unable to use a TTY - input is not a terminal or the right kind of file
WARNING! The following warnings were returned from Vault:

  * Role internal-app does not have an audience configured. While audiences
  are not required, consider specifying one if your use case would benefit
  from additional JWT claim verification.

`)
    expect(r.code).toBe(0)
    const config = (await vaultApi('auth/kubernetes/config')).data
    expect(config.kubernetes_host).toBe('https://10.96.0.1:443')
    expect(config.kubernetes_ca_cert).toBe(readFileSync(new URL('../../fixtures/tls/minikube-ca.pem', import.meta.url), 'utf8'))
    expect((await vaultApi('sys/policies/acl/internal-app')).data.policy).toBe('path "internal/data/database/config" {\n   capabilities = ["read"]\n}\n')
  })

  it('renders the secret into the patched orgchart pod, then the templated one', async () => {
    expect((await kubectl(['create', 'sa', 'internal-app'])).stdout).toBe('serviceaccount/internal-app created\n')
    const apply = await kubectl(['apply', '-f', fixture('deployment-orgchart.yaml')])
    expect(apply.code).toBe(0)
    expect(apply.stdout).toMatch(/^deployment\.apps\/orgchart (configured|unchanged)\n$/)

    const first = await orgchartPod()
    const ls = await kubectl(['exec', first, '--container', 'orgchart', '--', 'ls', '/vault/secrets'])
    expect(ls).toMatchObject({code: 1, stderr: 'ls: /vault/secrets: No such file or directory\ncommand terminated with exit code 1\n'})

    const patch = await kubectl(['patch', 'deployment', 'orgchart', '--patch', readFileSync(fixture('patch-inject-secrets.yaml'), 'utf8')])
    expect(patch.stdout).toBe('deployment.apps/orgchart patched\n')
    const injected = await waitForRollout(first)
    expect(await orgchartPod()).toBe(injected)
    expect((await kubectl(['logs', injected, '--container', 'vault-agent'])).stdout).toContain('(runner) rendered "(dynamic)" => "/vault/secrets/database-config.txt"')
    const cat = await kubectl(['exec', injected, '--container', 'orgchart', '--', 'cat', '/vault/secrets/database-config.txt'])
    expect(cat.stdout).toMatch(/^data: map\[password:db-secret-password username:db-readonly-username\]\nmetadata: map\[created_time:\S+ custom_metadata:<nil> deletion_time: destroyed:false version:1\]\n$/)

    const templated = await kubectl(['patch', 'deployment', 'orgchart', '--patch', readFileSync(fixture('patch-inject-secrets-as-template.yaml'), 'utf8')])
    expect(templated.stdout).toBe('deployment.apps/orgchart patched\n')
    const second = await waitForRollout(injected)
    const final = await kubectl(['exec', second, '-c', 'orgchart', '--', 'cat', '/vault/secrets/database-config.txt'])
    expect(final).toMatchObject({code: 0, stdout: 'postgresql://db-readonly-username:db-secret-password@postgres:5432/wizard'})
  })
})

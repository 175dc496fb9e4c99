import {execa} from 'execa'
import {homedir} from 'node:os'
import path from 'node:path'
import {describe, expect, it} from 'vitest'

import {runVsi, seedDir} from '../helpers/cli.js'

/**
 * The tutorial end to end on a real cluster: minikube (or any cluster) with
 * `helm install vault hashicorp/vault --set server.dev.enabled=true` done. Opt in with VSI_LIVE=1; it uses the
 * kubeconfig of the shell it runs in and creates the tutorial's objects in the default namespace.
 */
const live = process.env.VSI_LIVE === '1'
const env = {
  HOME: homedir(),
  KUBECONFIG: process.env.KUBECONFIG ?? path.join(homedir(), '.kube/config'),
  ...(process.env.VAULT_ADDR ? {VAULT_ADDR: process.env.VAULT_ADDR, VAULT_TOKEN: process.env.VAULT_TOKEN} : {}),
}
const vsi = (args: string[], input?: string) => runVsi(args, {env, input, timeoutMs: 360_000})
const connectionString = 'postgresql://db-readonly-username:db-secret-password@postgres:5432/wizard'
const tutorialTemplate = [
  '{{- with secret "internal/data/database/config" -}}',
  'postgresql://{{ .Data.data.username }}:{{ .Data.data.password }}@postgres:5432/wizard',
  '{{- end -}}',
].join('\n')

describe.runIf(live)('the tutorial on a real cluster', {timeout: 600_000}, () => {
  it('sets up Vault, patches orgchart, and the pods read their secret', async () => {
    const setup = await vsi(
      ['setup', '--secret', 'internal/database/config', 'username=db-readonly-username', 'password=-', '--app', 'internal-app', '--json'],
      'db-secret-password',
    )
    expect(setup.exitCode, setup.stderr).toBe(0)
    expect(setup.stdout + setup.stderr).not.toContain('db-secret-password')

    await execa('kubectl', ['apply', '-f', path.join(seedDir, 'deployment-orgchart.yaml')], {env: {...process.env, ...env}})

    const secret = ['--role', 'internal-app', '--secret', 'database-config.txt=internal/database/config']
    const applied = await vsi(['patch', ...secret, '--apply', 'deployment/orgchart', '--json'])
    expect(applied.exitCode, applied.stderr).toBe(0)

    const verified = await vsi(['verify', 'deployment/orgchart', '--expect-keys', 'database-config.txt=username,password', '--json'])
    expect(verified.exitCode, verified.stdout).toBe(0)

    const templated = await vsi(['patch', ...secret, '--status', 'update', '--template', `database-config.txt=${tutorialTemplate}`, '--apply', 'deployment/orgchart'])
    expect(templated.exitCode, templated.stderr).toBe(0)
    const rendered = await vsi(['verify', 'deployment/orgchart', '--expect', `database-config.txt=${connectionString}`])
    expect(rendered.exitCode, rendered.stdout).toBe(0)
    expect(rendered.stdout).not.toContain('db-secret-password')

    const doctor = await vsi(['doctor', 'deployment/orgchart', '--json'])
    expect(doctor.exitCode, doctor.stdout).toBe(0)
  })
})

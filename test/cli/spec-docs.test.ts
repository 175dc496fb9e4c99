/**
 * What the docs promise about vsi.yaml holds: the README shows the editor's schema line on a file vsi accepts, the
 * example CI workflow and the project's own e2e workflow run the same steps, and those steps (plan, apply, verify of
 * docs/examples/vsi.yaml) pass against the emulators as they would on the workflow's kind cluster.
 */
import {copyFileSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {projectRoot, runVsi} from '../helpers/cli.js'
import {specFolder} from '../helpers/spec-files.js'
import {leakedSecrets, startVaultWorld, type VaultWorld} from '../helpers/vault-world.js'

const read = (file: string) => readFileSync(path.join(projectRoot, file), 'utf8')
interface WorkflowStep {
  name?: string
  uses?: string
  run?: string
}
const steps = (file: string): WorkflowStep[] => parse(read(file)).jobs.injection.steps

let world: VaultWorld
beforeAll(async () => {
  world = await startVaultWorld()
  // The emulated agents log in to this Vault and render for real.
  world.kube.setVault({url: world.vault.url})
})
afterAll(() => world.stop())

describe('the README and docs on vsi.yaml', () => {
  it('the README shows the yaml-language-server schema line on a vsi.yaml that vsi accepts', async () => {
    const block = /```yaml\n(# yaml-language-server: \$schema=\S+\n[\s\S]*?)```/.exec(read('README.md'))?.[1]
    expect(block).toBeDefined()
    const {dir, write} = specFolder('vsi-readme-spec-')
    copyFileSync(path.join(projectRoot, 'docs/vsi.schema.json'), path.join(dir, 'vsi.schema.json'))
    const plan = await runVsi(['plan', '-f', write('vsi.yaml', block!), '--json'], {env: world.env()})
    expect(plan.exitCode, plan.stderr).toBe(0)
    expect(plan.json.result.apps.map((app: {name: string}) => app.name)).toEqual(['internal-app'])
  })

  it('the e2e workflow runs the example workflow\'s steps (kind, the Helm chart in dev mode, vsi apply and verify), then the live suite', () => {
    const example = steps('docs/ci/github-actions.yml')
    const e2e = steps('.github/workflows/e2e.yml')
    expect(e2e.slice(0, example.length)).toEqual(example)
    expect(e2e.slice(example.length).map((step) => step.run)).toEqual(['VSI_LIVE=1 npx vitest run --config test/vitest.config.ts test/live'])
    const runs = example.map((step) => step.run ?? '').join('\n')
    expect(example.map((step) => step.uses)).toContain('helm/kind-action@v1')
    expect(runs).toContain('helm install vault hashicorp/vault --set server.dev.enabled=true')
    expect(runs).toMatch(/bin\/run\.js apply -f "\$VSI_FILE"/)
    expect(runs).toMatch(/bin\/run\.js verify -f "\$VSI_FILE"/)
    expect(parse(read('.github/workflows/e2e.yml')).jobs.injection.env).toEqual(parse(read('docs/ci/github-actions.yml')).jobs.injection.env)
  })

  it('the example workflow\'s plan, apply and verify of docs/examples/vsi.yaml pass, as on the kind cluster', async () => {
    const {env: workflowEnv} = parse(read('docs/ci/github-actions.yml')).jobs.injection
    const password = 'example-workflow-password-3d1e'
    const env = {...world.env(), DB_PASSWORD: password}
    const file = path.join(projectRoot, workflowEnv.VSI_FILE as string)
    const plan = await runVsi(['plan', '-f', file], {env})
    expect(plan.exitCode, plan.stderr).toBe(0)
    const apply = await runVsi(['apply', '-f', file], {env})
    expect(apply.exitCode, `${apply.stdout}\n${apply.stderr}`).toBe(0)
    expect(apply.stdout).toMatch(/^ {2}verified +login as default\/internal-app and read internal\/database\/config/m)
    const verify = await runVsi(['verify', '-f', file], {env})
    expect(verify.exitCode, `${verify.stdout}\n${verify.stderr}`).toBe(0)
    expect(leakedSecrets(plan, [password])).toEqual([])
    expect(leakedSecrets(apply, [password])).toEqual([])
    expect(leakedSecrets(verify, [password])).toEqual([])
  }, 120_000)
})

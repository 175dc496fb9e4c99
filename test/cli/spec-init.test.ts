import {mkdtempSync, readdirSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startKubeEmulator, type KubeEmulator} from '../emulators/kube/index.js'
import {runVsi} from '../helpers/cli.js'

const dir = mkdtempSync(path.join(tmpdir(), 'vsi-init-'))
const kubeconfig = path.join(dir, 'kubeconfig')
let kube: KubeEmulator

beforeAll(async () => {
  kube = await startKubeEmulator({preset: 'tutorial'})
  kube.writeKubeconfig(kubeconfig)
  const orgchart = kube.store.get('Deployment', 'default', 'orgchart')!
  orgchart.spec.template.metadata.annotations = {
    'vault.hashicorp.com/agent-inject': 'true',
    'vault.hashicorp.com/role': 'internal-app',
    'vault.hashicorp.com/agent-inject-secret-database-config.txt': 'internal/data/database/config',
    'vault.hashicorp.com/agent-inject-template-database-config.txt': '{{- with secret "internal/data/database/config" -}}{{ .Data.data.username }}{{- end -}}',
  }
  kube.store.put(orgchart)
  await kube.settle()
})
afterAll(() => kube?.stop())

describe('vsi init', () => {
  it('writes a starter file from flags that plan accepts, and keeps an existing file', async () => {
    const args = ['init', '--app', 'web', '-n', 'apps', '--workload', 'deployment/web', '--secret', 'web.txt=internal/web/config', '--kubeconfig', kubeconfig]
    const first = await runVsi(args, {cwd: dir})
    expect(first.exitCode, first.stderr).toBe(0)
    expect(first.stdout).toBe('Wrote vsi.yaml (app web). Next: vsi plan -f vsi.yaml')
    expect(readFileSync(path.join(dir, 'vsi.yaml'), 'utf8')).toBe(
      '# yaml-language-server: $schema=./vsi.schema.json\napiVersion: vsi/v1\nkind: Injection\napps:\n  - name: web\n    namespace: apps\n    workloads:\n      - deployment/web\n    secrets:\n      - file: web.txt\n        path: internal/web/config\n',
    )
    const again = await runVsi(args, {cwd: dir})
    expect(again.exitCode).toBe(2)
    expect(again.stderr).toContain('Error: vsi.yaml exists')
  })

  it('refuses a secret path outside the KV engine with the same message as plan', async () => {
    const result = await runVsi(['init', '--app', 'web', '--secret', 'web.txt=secret/web', '--output-file', '-'], {cwd: dir})
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain('apps[0].secrets[0].path: secret/web is not under the KV engine internal/')
  })

  it('reads the app from an injected workload (--from), taking KV v2 data/ out of the paths', async () => {
    const result = await runVsi(['init', '--from', 'deployment/orgchart', '--output-file', '-', '--kubeconfig', kubeconfig], {cwd: dir})
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout).toContain('  - name: internal-app\n    namespace: default\n    workloads:\n      - deployment/orgchart\n    secrets:\n      - file: database-config.txt\n        path: internal/database/config\n        format: template\n')
    const none = await runVsi(['init', '--from', 'deployment/vault-agent-injector', '--output-file', '-', '--kubeconfig', kubeconfig], {cwd: dir})
    expect(none.exitCode).toBe(2)
    expect(none.stderr).toContain('has no vault.hashicorp.com/agent-inject-secret-* annotations')
  })

  it('writes to --output-file FILE; -f (a file to read, as in kubectl) is refused pointing at --output-file, nothing written', async () => {
    const own = mkdtempSync(path.join(tmpdir(), 'vsi-init-out-'))
    const args = ['init', '--app', 'web', '--secret', 'web.txt=internal/web/config']
    const written = await runVsi([...args, '--output-file', 'apps.yaml'], {cwd: own})
    expect(written.exitCode, written.stderr).toBe(0)
    expect(written.stdout).toBe('Wrote apps.yaml (app web). Next: vsi plan -f apps.yaml')
    expect(readFileSync(path.join(own, 'apps.yaml'), 'utf8')).toContain('  - name: web\n')
    const refused = await runVsi([...args, '-f', 'other.yaml'], {cwd: own})
    expect(refused.exitCode).toBe(2)
    expect(refused.stderr).toContain('Error: -f names a file to read (as in kubectl and vsi plan -f); vsi init writes its file with --output-file other.yaml')
    expect(readdirSync(own)).toEqual(['apps.yaml'])
  })
})

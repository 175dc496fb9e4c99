import {mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {parse} from 'yaml'
import {describe, expect, it} from 'vitest'

import {runVsi, seedDir} from '../helpers/cli.js'

const P = 'vault.hashicorp.com/'
const TUTORIAL = ['patch', '--role', 'internal-app', '--secret', 'database-config.txt=internal/database/config']
const TEMPLATE = `{{- with secret "internal/data/database/config" -}}
postgresql://{{ .Data.data.username }}:{{ .Data.data.password }}@postgres:5432/wizard
{{- end -}}`
const seed = (name: string) => readFileSync(path.join(seedDir, name), 'utf8')
const freshDir = () => mkdtempSync(path.join(tmpdir(), 'vsi-patch-'))
const annotationsIn = (yamlText: string) => parse(yamlText).spec.template.metadata.annotations as Record<string, string>

describe('vsi patch (the patch file)', () => {
  it("writes the tutorial's patch-inject-secrets.yaml byte for byte, says the path was translated and what to run next", async () => {
    const dir = freshDir()
    const result = await runVsi(TUTORIAL, {cwd: dir})
    expect(result.exitCode, result.stderr).toBe(0)
    expect(readdirSync(dir)).toEqual(['patch-inject-secrets.yaml'])
    expect(readFileSync(path.join(dir, 'patch-inject-secrets.yaml'), 'utf8')).toBe(seed('patch-inject-secrets.yaml'))
    expect(result.stdout).toBe(
      [
        'Wrote patch-inject-secrets.yaml: 3 annotations for spec.template.metadata.annotations',
        'Note: database-config.txt: internal/database/config → internal/data/database/config (the API path the agent reads on KV v2)',
        'Note: KV v2 was assumed (as in the tutorial); for a KV v1 engine give --kv-version 1',
        'Next: kubectl patch deployment <name> --patch "$(cat patch-inject-secrets.yaml)"',
      ].join('\n'),
    )
    expect(result.stderr).toBe('')
  })

  it("reproduces the tutorial's second patch: from a template file, the seed's text plus a final newline; inline, the same value as |-", async () => {
    const dir = freshDir()
    writeFileSync(path.join(dir, 'db.tmpl'), `${TEMPLATE}\n`)
    const asTemplate = ['--status', 'update', '--template']
    const [fromFile, inline] = await Promise.all([
      runVsi([...TUTORIAL, ...asTemplate, 'database-config.txt=@db.tmpl', '--output-file', 'patch-inject-secrets-as-template.yaml'], {cwd: dir}),
      runVsi([...TUTORIAL, ...asTemplate, `database-config.txt=${TEMPLATE}`, '-o', 'yaml'], {cwd: dir}),
    ])
    expect(fromFile.exitCode, fromFile.stderr).toBe(0)
    expect(readFileSync(path.join(dir, 'patch-inject-secrets-as-template.yaml'), 'utf8')).toBe(`${seed('patch-inject-secrets-as-template.yaml')}\n`)
    expect(inline.exitCode, inline.stderr).toBe(0)
    expect(inline.stdout).toContain(`${P}agent-inject-template-database-config.txt: |-\n`)
    expect(annotationsIn(inline.stdout)[`${P}agent-inject-template-database-config.txt`]).toBe(TEMPLATE)
    expect(Object.keys(annotationsIn(inline.stdout))).toEqual(Object.keys(annotationsIn(seed('patch-inject-secrets-as-template.yaml'))))
    expect(readdirSync(dir).sort()).toEqual(['db.tmpl', 'patch-inject-secrets-as-template.yaml'])
  })

  it('prints the patch to stdout with -o yaml (notes on stderr), and the result object with --json', async () => {
    const dir = freshDir()
    const [stdout, json] = await Promise.all([runVsi([...TUTORIAL, '-o', 'yaml'], {cwd: dir}), runVsi([...TUTORIAL, '--json'], {cwd: dir})])
    expect(stdout.exitCode).toBe(0)
    expect(stdout.stdout).toBe(seed('patch-inject-secrets.yaml').trimEnd())
    expect(stdout.stderr).toContain('Note: database-config.txt: internal/database/config → internal/data/database/config')
    expect(json.json).toMatchObject({
      ok: true,
      command: 'patch',
      result: {
        file: 'patch-inject-secrets.yaml',
        written: ['patch-inject-secrets.yaml'],
        annotations: {[`${P}agent-inject`]: 'true', [`${P}role`]: 'internal-app', [`${P}agent-inject-secret-database-config.txt`]: 'internal/data/database/config'},
        patch: {spec: {template: {metadata: {annotations: {[`${P}role`]: 'internal-app'}}}}},
        yaml: seed('patch-inject-secrets.yaml'),
        next: 'kubectl patch deployment <name> --patch "$(cat patch-inject-secrets.yaml)"',
      },
    })
    expect(json.json.result.notes[0]).toContain('→ internal/data/database/config')
  })

  it('generates env and json templates from --keys, keeps KV v1 paths, and sets the injector options', async () => {
    const dir = freshDir()
    const [formats, options] = await Promise.all([
      runVsi(['patch', '--role', 'app', '--kv-version', '1', '--secret', 'db.env=kv/db', '--format', 'db.env=env', '--secret', 'db.json=kv/db', '--format', 'db.json=json', '--keys', 'username,password', '-o', 'yaml'], {cwd: dir}),
      runVsi([...TUTORIAL, '--pre-populate-only', '--init-first', '--auth-path', 'auth/k8s-east', '--agent-image', 'hashicorp/vault:1.21.1', '--annotation', 'agent-inject-file-database-config.txt=app/db.txt', '--annotation', `${P}agent-run-as-user=1000`, '-o', 'yaml'], {cwd: dir}),
    ])
    expect(formats.exitCode, formats.stderr).toBe(0)
    expect(formats.stderr).toBe('')
    const generated = annotationsIn(formats.stdout)
    expect(generated[`${P}agent-inject-secret-db.env`]).toBe('kv/db')
    expect(generated[`${P}agent-inject-template-db.env`]).toBe('{{- with secret "kv/db" -}}\nexport USERNAME="{{ .Data.username }}"\nexport PASSWORD="{{ .Data.password }}"\n{{ end -}}\n')
    expect(generated[`${P}agent-inject-template-db.json`]).toContain('"username": {{ .Data.username | toJSON }},')

    expect(options.exitCode, options.stderr).toBe(0)
    expect(annotationsIn(options.stdout)).toMatchObject({
      [`${P}agent-pre-populate-only`]: 'true',
      [`${P}agent-init-first`]: 'true',
      [`${P}auth-path`]: 'auth/k8s-east',
      [`${P}agent-image`]: 'hashicorp/vault:1.21.1',
      [`${P}agent-inject-file-database-config.txt`]: 'app/db.txt',
      [`${P}agent-run-as-user`]: '1000',
    })
    expect(readdirSync(dir)).toEqual([])
  })
})

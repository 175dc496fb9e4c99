import {existsSync, mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {describe, expect, it} from 'vitest'

import {runVsi} from '../helpers/cli.js'
import {hasScript, runInTerminal} from '../helpers/terminal.js'

describe.skipIf(!hasScript)('vsi init in a terminal', () => {
  it('asks for the app, its workload and its secrets, and writes a file plan accepts', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vsi-init-tty-'))
    const {output, code} = await runInTerminal(['init', '-n', 'apps'], {}, [
      ['App name', 'web\r'],
      ['Workload that gets the secrets', '\r'],
      ['Secret file in /vault/secrets/', '\r'],
      ['database-config.txt: KV path', '\r'],
      ['Another secret file', 'api.json\r'],
      ['api.json: KV path', 'internal/web/api\r'],
      ['Another secret file', '\r'],
    ], {cwd: dir})
    expect(code, output).toBe(0)
    expect(output).toContain('Wrote vsi.yaml (app web). Next: vsi plan -f vsi.yaml')
    expect(readFileSync(path.join(dir, 'vsi.yaml'), 'utf8')).toBe(
      '# yaml-language-server: $schema=./vsi.schema.json\napiVersion: vsi/v1\nkind: Injection\napps:\n  - name: web\n    namespace: apps\n    workloads:\n      - deployment/orgchart\n    secrets:\n' +
        '      - file: database-config.txt\n        path: internal/database/config\n      - file: api.json\n        path: internal/web/api\n',
    )
  })

  it('never asks with CI set, even on a terminal: it names the flags to give (exit 2) and writes nothing', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vsi-init-ci-'))
    const {output, code} = await runInTerminal(['init'], {CI: 'true'}, [], {cwd: dir})
    expect(code).toBe(2)
    expect(output).toContain('give --app NAME')
    expect(output).not.toContain('App name')
    expect(existsSync(path.join(dir, 'vsi.yaml'))).toBe(false)
  })
})

describe('vsi init without a terminal', () => {
  it('never asks when stdin is not a terminal: it names the flags to give (exit 2)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vsi-init-pipe-'))
    const result = await runVsi(['init'], {cwd: dir, input: 'web\n'})
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain('give --app NAME (with --secret FILE=PATH and --workload KIND/NAME), or --from deployment/NAME')
    expect(existsSync(path.join(dir, 'vsi.yaml'))).toBe(false)
  })
})

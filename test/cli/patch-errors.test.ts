import {mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {describe, expect, it} from 'vitest'

import {runVsi} from '../helpers/cli.js'

const BASE = ['patch', '--role', 'internal-app']
const SECRET = ['--secret', 'database-config.txt=internal/database/config']
const DEPLOYMENT = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    metadata:\n      labels: {app: app}\n'

/** [arguments, the one error line expected]: each is a usage or input error (exit 2). */
const CASES: Array<[string, string[], RegExp]> = [
  ['an unknown flag', [...BASE, ...SECRET, '--sekret', 'x=y'], /^Error: unknown flag --sekret$/],
  ['--secret without =', [...BASE, '--secret', 'database-config.txt'], /^Error: --secret "database-config.txt": expected NAME=PATH/],
  ['--secret with an empty name', [...BASE, '--secret', '=internal/x'], /^Error: --secret "=internal\/x": the name before "=" is empty$/],
  ['--secret with an empty path', [...BASE, '--secret', 'a='], /^Error: --secret "a=": the path after "=" is empty$/],
  ['a name with /', [...BASE, '--secret', 'db/config.txt=internal/x'], /^Error: secret "db\/config.txt": the name "db\/config.txt" contains "\/"/],
  ['a name too long for the key limit', [...BASE, '--secret', `${'n'.repeat(44)}=internal/x`], /^Error: secret "n{44}": the secret name "n{44}" has 44 characters; agent-inject-secret-<NAME> allows at most 43 \(annotation keys are limited to 63 characters after the prefix\)$/],
  ['a duplicate name', [...BASE, ...SECRET, '--secret', 'database-config.txt=internal/y'], /^Error: --secret "database-config.txt=internal\/y": the secret "database-config.txt" is given twice$/],
  ['an annotation the injector does not know', [...BASE, ...SECRET, '--annotation', 'agent-inject-templat-database-config.txt=x'], /^Error: --annotation "agent-inject-templat-database-config.txt=x": the injector does not know vault.hashicorp.com\/agent-inject-templat-database-config.txt and would ignore it \(did you mean vault.hashicorp.com\/agent-inject-template-database-config.txt\?\)$/],
  ['an annotation value the injector rejects', [...BASE, ...SECRET, '--annotation', 'agent-run-as-user=app'], /^Error: --annotation "agent-run-as-user=app": vault.hashicorp.com\/agent-run-as-user must be /],
  ['no role', ['patch', ...SECRET], /^Error: no Vault role: give --role/],
  ['nothing to inject', BASE, /^Error: nothing to inject: give --secret NAME=PATH/],
  ['an unreadable template file', [...BASE, ...SECRET, '--template', 'database-config.txt=@missing.tmpl'], /^Error: --template "database-config.txt=@missing.tmpl": cannot read missing.tmpl: ENOENT$/],
  ['--keys without --format', [...BASE, ...SECRET, '--keys', 'username'], /^Error: --keys "username": no --format to use the keys$/],
  ['--format env without keys', [...BASE, ...SECRET, '--format', 'database-config.txt=env'], /^Error: --format env needs --keys/],
  ['--in-place without -f', [...BASE, ...SECRET, '--in-place'], /^Error: --in-place needs -f: the manifests to patch$/],
  ['-R without -f', [...BASE, ...SECRET, '-R'], /^Error: -R\/--recursive reads the subdirectories of -f DIR: give -f$/],
  ['two places to write', [...BASE, ...SECRET, '-f', 'good.yaml', '--in-place', '--output-file', 'out.yaml'], /^Error: --in-place and --output-file cannot be used together: give one place to write$/],
  ['a missing manifest', [...BASE, ...SECRET, '-f', 'missing.yaml', '--in-place'], /^Error: cannot read missing.yaml: no such file or directory$/],
  ['invalid YAML', [...BASE, ...SECRET, '-f', 'good.yaml', '-f', 'broken.yaml', '--in-place'], /^Error: broken.yaml: invalid YAML: /],
  ['a manifest without workloads', [...BASE, ...SECRET, '-f', 'service.yaml', '--in-place'], /^Error: no workload in service.yaml \(looked for Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Pod, PodTemplate; found Service\)$/],
  ['annotations over the API server\'s 256 KiB', [...BASE, ...SECRET, '--template', 'database-config.txt=@big.tmpl'], /^Error: the annotations come to 300\d{3} bytes; the API server accepts at most 262144 \(256 KiB\) per object, so nothing was written$/],
  ['annotations over 256 KiB, in place', [...BASE, ...SECRET, '--template', 'database-config.txt=@big.tmpl', '-f', 'good.yaml', '--in-place'], /^Error: the annotations come to 300\d{3} bytes/],
  ['stdin with --in-place', [...BASE, ...SECRET, '-f', '-', '--in-place'], /^Error: --in-place cannot write stdin back: use --output-file FILE, or leave it out for stdout$/],
]

describe('vsi patch: bad input', () => {
  it.concurrent.for(CASES)('%s: one error line naming the problem, exit 2, nothing written', async ([, args, expected], {expect}) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vsi-patch-errors-'))
    const files = {'good.yaml': DEPLOYMENT, 'broken.yaml': 'kind: Deployment\nspec: [unclosed\n', 'service.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n', 'big.tmpl': 'x'.repeat(300_000)}
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text)
    const result = await runVsi(args, {cwd: dir, input: DEPLOYMENT})
    expect(result.exitCode, result.stderr).toBe(2)
    const errorLines = result.stderr.split('\n').filter((line) => line.startsWith('Error:'))
    expect(errorLines).toHaveLength(1)
    expect(errorLines[0]).toMatch(expected)
    expect(result.stdout).toBe('')
    expect(readdirSync(dir).sort()).toEqual(Object.keys(files).sort())
    for (const [name, text] of Object.entries(files)) expect(readFileSync(path.join(dir, name), 'utf8')).toBe(text)
  })

  it('reports a bad flag in the --json envelope too', async () => {
    const result = await runVsi([...BASE, '--secret', 'a/b=x', '--json'])
    expect(result.exitCode).toBe(2)
    expect(result.json).toMatchObject({ok: false, exitCode: 2, error: {code: 'usage'}})
  })
})

import {chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {parse, parseAllDocuments} from 'yaml'
import {describe, expect, it} from 'vitest'

import {projectRoot, runVsi, seedDir} from '../helpers/cli.js'

const P = 'vault.hashicorp.com/'
const TUTORIAL = ['patch', '--role', 'internal-app', '--secret', 'database-config.txt=internal/database/config']
const WORKLOADS = path.join(projectRoot, 'test/fixtures/patch/workloads.yaml')
const ORGCHART = path.join(seedDir, 'deployment-orgchart.yaml')
const read = (file: string) => readFileSync(file, 'utf8')

/** A directory with the orgchart deployment, the multi-document fixture and a manifest without workloads. */
function manifestsDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'vsi-patch-files-'))
  mkdirSync(path.join(dir, 'k8s'))
  copyFileSync(ORGCHART, path.join(dir, 'k8s/deployment.yaml'))
  copyFileSync(WORKLOADS, path.join(dir, 'k8s/workloads.yml'))
  writeFileSync(path.join(dir, 'k8s/sa.yaml'), 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: internal-app\n')
  writeFileSync(path.join(dir, 'k8s/README.md'), 'not a manifest\n')
  return dir
}

describe('vsi patch -f (manifests)', () => {
  it('--out-dir writes every manifest of a directory, with the workloads patched and notes for the Job and CronJob', async () => {
    const dir = manifestsDir()
    const result = await runVsi([...TUTORIAL, '-f', 'k8s', '--out-dir', 'out'], {cwd: dir})
    expect(result.exitCode, result.stderr).toBe(0)
    expect(readdirSync(path.join(dir, 'out')).sort()).toEqual(['deployment.yaml', 'sa.yaml', 'workloads.yml'])
    expect(read(path.join(dir, 'out/sa.yaml'))).toBe(read(path.join(dir, 'k8s/sa.yaml')))
    expect(parse(read(path.join(dir, 'out/deployment.yaml'))).spec.template.metadata.annotations[`${P}role`]).toBe('internal-app')
    const [service, job] = parseAllDocuments(read(path.join(dir, 'out/workloads.yml'))).map((doc) => doc.toJS())
    expect(service).toEqual(parseAllDocuments(read(WORKLOADS))[0].toJS())
    expect(job.spec.template.metadata.annotations[`${P}agent-pre-populate-only`]).toBe('true')
    expect(result.stdout).toContain(
      ['Patched 3 workloads to out:', '  k8s/deployment.yaml: deployment/orgchart', '  k8s/workloads.yml: job/migrate, cronjob/report'].join('\n'),
    )
    expect(result.stdout).toContain(`Note: job/migrate: added ${P}agent-pre-populate-only: "true" (a running agent sidecar would keep the Job's pods from completing)`)
    expect(result.stdout).toContain('Next: kubectl apply -f out')
    expect(read(path.join(dir, 'k8s/deployment.yaml'))).toBe(read(ORGCHART))
  })

  it('--in-place rewrites only the files that hold workloads, keeping their permissions; a second run changes nothing', async () => {
    const dir = manifestsDir()
    chmodSync(path.join(dir, 'k8s/deployment.yaml'), 0o640)
    const saBefore = statSync(path.join(dir, 'k8s/sa.yaml')).mtimeMs
    const result = await runVsi([...TUTORIAL, '-f', 'k8s/deployment.yaml', '-f', 'k8s/sa.yaml', '--in-place', '--json'], {cwd: dir})
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.json.result).toMatchObject({
      written: ['k8s/deployment.yaml'],
      workloads: [{file: 'k8s/deployment.yaml', ref: 'deployment/orgchart', kind: 'Deployment', name: 'orgchart', annotationPath: 'spec.template.metadata.annotations'}],
      next: 'kubectl apply -f k8s/deployment.yaml',
    })
    expect(statSync(path.join(dir, 'k8s/deployment.yaml')).mode & 0o777).toBe(0o640)
    expect(statSync(path.join(dir, 'k8s/sa.yaml')).mtimeMs).toBe(saBefore)
    expect(readdirSync(path.join(dir, 'k8s')).sort()).toEqual(['README.md', 'deployment.yaml', 'sa.yaml', 'workloads.yml'])
    expect(parse(read(path.join(dir, 'k8s/deployment.yaml'))).spec.template.metadata.annotations[`${P}agent-inject`]).toBe('true')

    const deployment = read(path.join(dir, 'k8s/deployment.yaml'))
    const again = await runVsi([...TUTORIAL, '-f', 'k8s', '--in-place'], {cwd: dir})
    expect(again.exitCode, again.stderr).toBe(0)
    expect(read(path.join(dir, 'k8s/deployment.yaml'))).toBe(deployment)
    const workloads = read(path.join(dir, 'k8s/workloads.yml'))
    expect(workloads).not.toBe(read(WORKLOADS))
    const twice = await runVsi([...TUTORIAL, '-f', 'k8s', '--in-place'], {cwd: dir})
    expect(twice.exitCode, twice.stderr).toBe(0)
    expect([read(path.join(dir, 'k8s/deployment.yaml')), read(path.join(dir, 'k8s/workloads.yml'))]).toEqual([deployment, workloads])
  })

  it('reads stdin with -f - and writes the whole stream to stdout, notes on stderr', async () => {
    const input = `${read(ORGCHART)}---\n${read(WORKLOADS)}`
    const [result, json] = await Promise.all([runVsi([...TUTORIAL, '-f', '-'], {input}), runVsi([...TUTORIAL, '-f', '-', '--json'], {input})])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(json.json.result).toMatchObject({written: [], manifests: result.stdout + '\n'})
    const documents = parseAllDocuments(result.stdout).map((doc) => doc.toJS())
    expect(documents.map((doc) => doc.kind)).toEqual(['Deployment', 'Service', 'Job', 'CronJob', 'ConfigMap'])
    expect(result.stderr).toContain('Note: cronjob/report: added')
    expect(result.stderr).not.toContain('Next:')
  })
})

describe('vsi patch -f --in-place never damages a file', () => {
  // "café" and "Grüße" in Latin-1 (ISO 8859-1): bytes that are not UTF-8.
  const latin1 = Buffer.concat([
    Buffer.from('# owner: caf'),
    Buffer.from([0xe9]),
    Buffer.from(', Gr'),
    Buffer.from([0xfc, 0xdf]),
    Buffer.from('e\n'),
    readFileSync(ORGCHART),
  ])

  it('keeps every byte it does not change in a Latin-1 file, and adds only the annotation lines', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vsi-patch-latin1-'))
    const file = path.join(dir, 'deployment.yaml')
    writeFileSync(file, latin1)
    const result = await runVsi([...TUTORIAL, '-f', file, '--in-place'])
    expect(result.exitCode, result.stderr).toBe(0)
    const after = readFileSync(file)
    expect(after.subarray(0, 20)).toEqual(latin1.subarray(0, 20))
    // Without the lines vsi added, the file is byte for byte what it was.
    const withoutAdded = after.toString('latin1').split('\n').filter((line) => !line.includes(P))
    expect(Buffer.from(withoutAdded.join('\n'), 'latin1')).toEqual(latin1)
    expect(parse(after.toString('latin1')).spec.template.metadata.annotations[`${P}role`]).toBe('internal-app')
  })

  it('refuses, writing nothing, when the patch adds what Latin-1 cannot hold', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vsi-patch-latin1-'))
    const file = path.join(dir, 'deployment.yaml')
    writeFileSync(file, latin1)
    const result = await runVsi([...TUTORIAL, '--template', 'database-config.txt=price: 5 €', '-f', file, '--in-place'])
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toMatch(/^Error: .*deployment.yaml is not UTF-8 \(read as Latin-1\), and the patch adds "€", which Latin-1 cannot hold; nothing was written/)
    expect(readFileSync(file)).toEqual(latin1)
    expect(readdirSync(dir)).toEqual(['deployment.yaml'])
  })
})

describe('vsi patch after a killed run', () => {
  it("removes the temporary files a killed run left in the directory it writes to, and leaves a live run's alone", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vsi-patch-stale-'))
    copyFileSync(ORGCHART, path.join(dir, 'deployment.yaml'))
    // A pid no process has (above Linux's largest pid_max), and this test runner's own pid, which is alive.
    const stale = '.deployment.yaml.4194305.0badc0de.tmp'
    const live = `.deployment.yaml.${process.pid}.0badc0de.tmp`
    for (const name of [stale, live]) writeFileSync(path.join(dir, name), 'spec: half-writ')
    const result = await runVsi([...TUTORIAL, '-f', 'deployment.yaml', '--in-place'], {cwd: dir})
    expect(result.exitCode, result.stderr).toBe(0)
    expect(readdirSync(dir).sort()).toEqual([live, 'deployment.yaml'].sort())
  })
})

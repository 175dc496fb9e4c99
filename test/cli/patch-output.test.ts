/**
 * `-o/--output` is an output format, as in kubectl; files are written with `--output-file` (alias `--out`). And `vsi
 * lint` and `vsi patch -f` read directories alike: a directory's own .yaml/.yml/.json files, subdirectories with -R.
 */
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {parse, parseAllDocuments} from 'yaml'
import {describe, expect, it} from 'vitest'

import {runVsi, seedDir} from '../helpers/cli.js'

const P = 'vault.hashicorp.com/'
const TUTORIAL = ['patch', '--role', 'internal-app', '--secret', 'database-config.txt=internal/database/config']
const ANNOTATIONS = {[`${P}agent-inject`]: 'true', [`${P}role`]: 'internal-app', [`${P}agent-inject-secret-database-config.txt`]: 'internal/data/database/config'}
const seed = (name: string) => readFileSync(path.join(seedDir, name), 'utf8')
const freshDir = () => mkdtempSync(path.join(tmpdir(), 'vsi-patch-output-'))
const deployment = (name: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: app:1\n`

describe('vsi patch -o (an output format, as in kubectl)', () => {
  it('-o yaml prints the patch and writes no file (none named yaml either)', async () => {
    const dir = freshDir()
    const result = await runVsi([...TUTORIAL, '-o', 'yaml'], {cwd: dir})
    expect(result.exitCode, result.stderr).toBe(0)
    expect(`${result.stdout}\n`).toBe(seed('patch-inject-secrets.yaml'))
    expect(readdirSync(dir)).toEqual([])
  })

  it('-o json prints the same patch as JSON, indented as kubectl -o json indents', async () => {
    const dir = freshDir()
    const result = await runVsi([...TUTORIAL, '-o', 'json'], {cwd: dir})
    expect(result.exitCode, result.stderr).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual(parse(seed('patch-inject-secrets.yaml')))
    expect(result.stdout).toMatch(/^\{\n {4}"spec": \{\n/)
    expect(readdirSync(dir)).toEqual([])
  })

  it.concurrent.for([
    ['patch.yaml', 'to write a file use --output-file patch.yaml'],
    ['out/p', 'to write a file use --output-file out/p'],
    ['-', 'to write to stdout use --output-file -'],
  ])('-o %s is refused (exit 2) pointing at --output-file, and nothing is written', async ([value, hint], {expect}) => {
    const dir = freshDir()
    const result = await runVsi([...TUTORIAL, '-o', value], {cwd: dir})
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain(`Error: unable to match a printer suitable for the output format "${value}", allowed formats are: yaml,json`)
    expect(result.stderr).toContain(`Hint: -o/--output is an output format, as in kubectl; ${hint}.`)
    expect(result.stdout).toBe('')
    expect(readdirSync(dir)).toEqual([])
  })

  it('-o with a word that is no format names the formats (exit 2), in the --json envelope too', async () => {
    const result = await runVsi([...TUTORIAL, '-o', 'wide', '--json'])
    expect(result.exitCode).toBe(2)
    expect(result.json).toMatchObject({ok: false, error: {code: 'usage', message: 'unable to match a printer suitable for the output format "wide", allowed formats are: yaml,json', hint: 'Use -o yaml or -o json.'}})
  })

  it('--output-file FILE writes the patch there, and --out is the same flag', async () => {
    const dir = freshDir()
    const [long, short] = await Promise.all([runVsi([...TUTORIAL, '--output-file', 'a.yaml'], {cwd: dir}), runVsi([...TUTORIAL, '--out', 'b.yaml'], {cwd: dir})])
    expect(long.exitCode, long.stderr).toBe(0)
    expect(short.exitCode, short.stderr).toBe(0)
    expect(long.stdout).toContain('Wrote a.yaml: 3 annotations for spec.template.metadata.annotations')
    expect(readdirSync(dir).sort()).toEqual(['a.yaml', 'b.yaml'])
    expect(readFileSync(path.join(dir, 'a.yaml'), 'utf8')).toBe(seed('patch-inject-secrets.yaml'))
    expect(readFileSync(path.join(dir, 'b.yaml'), 'utf8')).toBe(seed('patch-inject-secrets.yaml'))
  })

  it('--output-file - prints the patch; -o json --output-file FILE writes it as JSON', async () => {
    const dir = freshDir()
    const [stdout, json] = await Promise.all([runVsi([...TUTORIAL, '--output-file', '-'], {cwd: dir}), runVsi([...TUTORIAL, '-o', 'json', '--output-file', 'patch.json'], {cwd: dir})])
    expect(stdout.exitCode, stdout.stderr).toBe(0)
    expect(`${stdout.stdout}\n`).toBe(seed('patch-inject-secrets.yaml'))
    expect(json.exitCode, json.stderr).toBe(0)
    expect(readdirSync(dir)).toEqual(['patch.json'])
    expect(JSON.parse(readFileSync(path.join(dir, 'patch.json'), 'utf8'))).toEqual({spec: {template: {metadata: {annotations: ANNOTATIONS}}}})
  })

  it('-f … -o json prints the patched manifest as one JSON object; several objects as a List', async () => {
    const dir = freshDir()
    writeFileSync(path.join(dir, 'two.yaml'), `${deployment('one')}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: svc\n`)
    const [one, two] = await Promise.all([runVsi([...TUTORIAL, '-f', path.join(seedDir, 'deployment-orgchart.yaml'), '-o', 'json'], {cwd: dir}), runVsi([...TUTORIAL, '-f', 'two.yaml', '-o', 'json'], {cwd: dir})])
    expect(one.exitCode, one.stderr).toBe(0)
    const object = JSON.parse(one.stdout)
    expect(object).toMatchObject({kind: 'Deployment', metadata: {name: 'orgchart'}, spec: {template: {metadata: {annotations: ANNOTATIONS}}}})
    expect(two.exitCode, two.stderr).toBe(0)
    const list = JSON.parse(two.stdout)
    expect(list).toMatchObject({apiVersion: 'v1', kind: 'List'})
    expect(list.items.map((item: {kind: string}) => item.kind)).toEqual(['Deployment', 'Service'])
    expect(list.items[0].spec.template.metadata.annotations).toEqual(ANNOTATIONS)
    expect(readdirSync(dir)).toEqual(['two.yaml'])
  })

  it('refuses -o with --in-place and with --apply (exit 2), nothing written', async () => {
    const dir = freshDir()
    writeFileSync(path.join(dir, 'app.yaml'), deployment('app'))
    const [inPlace, apply] = await Promise.all([runVsi([...TUTORIAL, '-f', 'app.yaml', '--in-place', '-o', 'json'], {cwd: dir}), runVsi([...TUTORIAL, '--apply', 'deployment/app', '-o', 'yaml'], {cwd: dir})])
    expect(inPlace.exitCode).toBe(2)
    expect(inPlace.stderr).toContain('Error: -o/--output prints the manifests to stdout, and --in-place rewrites files in their own format: give one')
    expect(apply.exitCode).toBe(2)
    expect(apply.stderr).toContain('Error: -o/--output prints the patch instead of applying it: give one of -o and --apply')
    expect(readdirSync(dir)).toEqual(['app.yaml'])
    expect(readFileSync(path.join(dir, 'app.yaml'), 'utf8')).toBe(deployment('app'))
  })
})

describe('vsi template render -o', () => {
  const template = (dir: string) => {
    writeFileSync(path.join(dir, 'db.tmpl'), '{{- with secret "internal/data/db" -}}pw={{ .Data.data.password }}{{- end -}}')
    writeFileSync(path.join(dir, 'db.json'), '{"password": "p-1"}')
    return ['template', 'render', 'db.tmpl', '--data', 'db.json']
  }

  it('-o db.golden is refused (exit 2) pointing at --output-file, and nothing is written', async () => {
    const dir = freshDir()
    const result = await runVsi([...template(dir), '-o', 'db.golden'], {cwd: dir})
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain('Error: unable to match a printer suitable for the output format "db.golden", allowed formats are: json')
    expect(result.stderr).toContain('Hint: -o/--output is an output format, as in kubectl; to write a file use --output-file db.golden.')
    expect(readdirSync(dir).sort()).toEqual(['db.json', 'db.tmpl'])
  })

  it('-o json prints the --json document; --out FILE writes the rendered bytes', async () => {
    const dir = freshDir()
    const [asFormat, asFlag, toFile] = await Promise.all([
      runVsi([...template(dir), '-o', 'json'], {cwd: dir}),
      runVsi([...template(dir), '--json'], {cwd: dir}),
      runVsi([...template(dir), '--out', 'db.golden'], {cwd: dir}),
    ])
    expect(asFormat.exitCode, asFormat.stderr).toBe(0)
    expect(JSON.parse(asFormat.stdout)).toEqual(asFlag.json)
    expect(asFlag.json.result.templates[0].output).toBe('pw=p-1')
    expect(toFile.exitCode, toFile.stderr).toBe(0)
    expect(readFileSync(path.join(dir, 'db.golden'), 'utf8')).toBe('pw=p-1')
  })
})

describe('vsi lint and vsi patch -f read directories alike (kubectl -f DIR, -R)', () => {
  /** k8s/a.json, k8s/b.yml, k8s/notes.txt, k8s/sub/c.yaml, k8s/sub/deeper/d.yaml: a workload in each manifest. */
  function tree(): string {
    const dir = freshDir()
    mkdirSync(path.join(dir, 'k8s/sub/deeper'), {recursive: true})
    const json = JSON.stringify({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'a'}, spec: {template: {spec: {containers: [{name: 'app', image: 'app:1'}]}}}}, null, 2)
    writeFileSync(path.join(dir, 'k8s/a.json'), `${json}\n`)
    writeFileSync(path.join(dir, 'k8s/b.yml'), deployment('b'))
    writeFileSync(path.join(dir, 'k8s/notes.txt'), 'not a manifest\n')
    writeFileSync(path.join(dir, 'k8s/sub/c.yaml'), deployment('c'))
    writeFileSync(path.join(dir, 'k8s/sub/deeper/d.yaml'), deployment('d'))
    return dir
  }
  const TOP = ['k8s/a.json', 'k8s/b.yml']
  const ALL = [...TOP, 'k8s/sub/c.yaml', 'k8s/sub/deeper/d.yaml']

  it("without -R: the directory's own .json/.yaml/.yml files only, for both commands", async () => {
    const dir = tree()
    const [lint, patch] = await Promise.all([runVsi(['lint', 'k8s', '--json'], {cwd: dir}), runVsi([...TUTORIAL, '-f', 'k8s', '--json'], {cwd: dir})])
    expect(lint.exitCode, lint.stderr).toBe(0)
    expect(lint.json.result.files).toEqual(TOP)
    expect(patch.exitCode, patch.stderr).toBe(0)
    expect(patch.json.result.workloads.map((w: {file: string}) => w.file)).toEqual(TOP)
  })

  it('with -R (or --recursive): subdirectories too, in name order, for both commands', async () => {
    const dir = tree()
    const [lint, patch, stream] = await Promise.all([
      runVsi(['lint', '-R', 'k8s', '--json'], {cwd: dir}),
      runVsi([...TUTORIAL, '-f', 'k8s', '--recursive', '--json'], {cwd: dir}),
      runVsi([...TUTORIAL, '-R', '-f', 'k8s'], {cwd: dir}),
    ])
    expect(lint.exitCode, lint.stderr).toBe(0)
    expect(lint.json.result.files).toEqual(ALL)
    expect(patch.exitCode, patch.stderr).toBe(0)
    expect(patch.json.result.workloads.map((w: {file: string}) => w.file)).toEqual(ALL)
    const names = parseAllDocuments(stream.stdout).map((doc) => doc.toJS())
    expect(names.map((object) => object.metadata.name)).toEqual(['a', 'b', 'c', 'd'])
    expect(names.every((object) => object.spec.template.metadata.annotations[`${P}role`] === 'internal-app')).toBe(true)
  })

  it('a directory whose manifests are all in subdirectories: exit 2 for both, with a hint at -R', async () => {
    const dir = freshDir()
    mkdirSync(path.join(dir, 'k8s/sub'), {recursive: true})
    writeFileSync(path.join(dir, 'k8s/sub/c.yaml'), deployment('c'))
    const [lint, patch] = await Promise.all([runVsi(['lint', 'k8s'], {cwd: dir}), runVsi([...TUTORIAL, '-f', 'k8s', '--in-place'], {cwd: dir})])
    for (const result of [lint, patch]) {
      expect(result.exitCode).toBe(2)
      expect(result.stderr).toContain('Error: k8s: no .yaml, .yml or .json files in this directory')
      expect(result.stderr).toContain('Hint: Its subdirectories are read with -R/--recursive, as kubectl reads them.')
    }
    expect(readFileSync(path.join(dir, 'k8s/sub/c.yaml'), 'utf8')).toBe(deployment('c'))
  })
})

/**
 * vsi's batch output against the real `kubectl patch --local --type strategic`: for every workload, the object vsi
 * writes must equal what kubectl makes of the same file and patch (compared as parsed objects).
 */
import {execa} from 'execa'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {parseAllDocuments} from 'yaml'
import {describe, expect, it} from 'vitest'

import {projectRoot, runVsi, seedDir} from '../helpers/cli.js'

const P = 'vault.hashicorp.com/'
const TUTORIAL = ['patch', '--role', 'internal-app', '--secret', 'database-config.txt=internal/database/config']
const TEMPLATE = `{{- with secret "internal/data/database/config" -}}
postgresql://{{ .Data.data.username }}:{{ .Data.data.password }}@postgres:5432/wizard
{{- end -}}`
const ORGCHART = path.join(seedDir, 'deployment-orgchart.yaml')
const dir = mkdtempSync(path.join(tmpdir(), 'vsi-patch-kubectl-'))
const kubectlFound = await execa('kubectl', ['version', '--client'], {reject: false}).then((result) => result.exitCode === 0, () => false)

/** What `kubectl patch --local --type strategic -f FILE -p PATCH -o json` makes of a file. */
async function kubectlPatch(file: string, patch: string): Promise<unknown> {
  const result = await execa('kubectl', ['patch', '--local', '--type', 'strategic', '-f', file, '-p', patch, '-o', 'json'], {reject: false, env: {HOME: dir, KUBECONFIG: path.join(dir, 'none')}})
  expect(result.exitCode, result.stderr).toBe(0)
  return JSON.parse(result.stdout)
}

const documents = (text: string) => parseAllDocuments(text).map((doc) => doc.toJS())

describe.skipIf(!kubectlFound)('vsi patch -f equals kubectl patch --local', () => {
  it("the tutorial's first patch on deployment-orgchart.yaml", async () => {
    const [batch, patchFile] = await Promise.all([runVsi([...TUTORIAL, '-f', ORGCHART, '-o', 'yaml']), runVsi([...TUTORIAL, '-o', 'yaml'])])
    expect(batch.exitCode, batch.stderr).toBe(0)
    expect(documents(batch.stdout)).toEqual([await kubectlPatch(ORGCHART, patchFile.stdout)])
  })

  it("the tutorial's second patch: vsi's file and the seed give kubectl the same object", async () => {
    const args = [...TUTORIAL, '--status', 'update', '--template', `database-config.txt=${TEMPLATE}`]
    const [batch, patchFile] = await Promise.all([runVsi([...args, '-f', ORGCHART, '-o', 'yaml']), runVsi([...args, '-o', 'yaml'])])
    const [fromVsi, fromSeed] = await Promise.all([kubectlPatch(ORGCHART, patchFile.stdout), kubectlPatch(ORGCHART, readFileSync(path.join(seedDir, 'patch-inject-secrets-as-template.yaml'), 'utf8'))])
    expect(fromVsi).toEqual(fromSeed)
    expect(documents(batch.stdout)).toEqual([fromVsi])
  })

  it('a multi-document file: Job and CronJob patched (with pre-populate-only), the Service and ConfigMap untouched', async () => {
    const fixture = path.join(projectRoot, 'test/fixtures/patch/workloads.yaml')
    const result = await runVsi([...TUTORIAL, '-f', fixture, '-o', 'yaml'])
    expect(result.exitCode, result.stderr).toBe(0)
    const annotations = {[`${P}agent-inject`]: 'true', [`${P}role`]: 'internal-app', [`${P}agent-inject-secret-database-config.txt`]: 'internal/data/database/config', [`${P}agent-pre-populate-only`]: 'true'}
    const podTemplate = {template: {metadata: {annotations}}}
    const patches: Record<string, object> = {Job: {spec: podTemplate}, CronJob: {spec: {jobTemplate: {spec: podTemplate}}}}
    const originals = parseAllDocuments(readFileSync(fixture, 'utf8'))
    const expected = await Promise.all(
      originals.map(async (doc, index) => {
        const object = doc.toJS()
        if (!patches[object.kind]) return object
        const file = path.join(dir, `document-${index}.yaml`)
        writeFileSync(file, String(doc))
        return kubectlPatch(file, JSON.stringify(patches[object.kind]))
      }),
    )
    expect(documents(result.stdout)).toEqual(expected)
  })
})

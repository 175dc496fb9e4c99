import {describe, expect, it} from 'vitest'

import {inputKindOf, podTemplatesFromManifest} from '../../../src/annotations/manifest.js'
import {injectionSpec} from '../../../src/annotations/injection.js'

const agentTemplates = (annotations: Record<string, string>) => injectionSpec({annotations}, undefined).templates

const P = 'vault.hashicorp.com/'

describe('pod templates in manifests', () => {
  it('finds them where the injector sees them, for every kind of workload', () => {
    const text = `apiVersion: v1
kind: Service
metadata: {name: web}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, namespace: jobs}
spec:
  jobTemplate:
    spec:
      template:
        metadata:
          annotations: {"${P}agent-inject": "true", "${P}agent-pre-populate-only": true}
        spec: {containers: [{name: c}]}
---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Pod
    metadata: {name: one, annotations: {"${P}role": app}}
    spec: {serviceAccountName: app, containers: [{name: c}]}
---
spec:
  template:
    metadata:
      annotations:
`
    const found = podTemplatesFromManifest(text, 'all.yaml')
    expect(found.map((t) => [t.label, t.namespace, t.podMetadata.annotations])).toEqual([
      ['cronjob/nightly', 'jobs', {[`${P}agent-inject`]: 'true', [`${P}agent-pre-populate-only`]: 'true'}],
      ['pod/one', undefined, {[`${P}role`]: 'app'}],
      ['document 4', undefined, {}],
    ])
    expect(found[1].podSpec?.serviceAccountName).toBe('app')
    expect(inputKindOf(text, 'stdin')).toBe('manifest')
    expect(inputKindOf('{{ with secret "a/b" }}{{ .Data.x }}{{ end }}', 'stdin')).toBe('template')
    expect(() => podTemplatesFromManifest('a: [', 'bad.yaml')).toThrow(/bad\.yaml/)
  })
})

describe('agent templates from annotations', () => {
  it('follows the injector: inline template, template file, default template with its type, names and delimiters', () => {
    const templates = agentTemplates({
      [`${P}agent-inject-secret-a.txt`]: 'internal/data/a',
      [`${P}agent-inject-template-b`]: '[[ with secret "internal/data/b" ]][[ .Data.data.x ]][[ end ]]',
      [`${P}agent-template-left-delim-b`]: '[[',
      [`${P}agent-template-right-delim-b`]: ']]',
      [`${P}error-on-missing-key-b`]: 'true',
      [`${P}agent-inject-template-file-C`]: '/vault/custom/c.tmpl',
      [`${P}agent-inject-file-C`]: 'conf/c.conf',
      [`${P}agent-inject-default-template`]: 'json',
    })
    expect(templates).toEqual([
      expect.objectContaining({name: 'a.txt', file: '/vault/secrets/a.txt', defaultType: 'json', text: '{{ with secret "internal/data/a" }}{{ .Data | toJSON }}\n{{ end }}'}),
      expect.objectContaining({name: 'b', file: '/vault/secrets/b', leftDelim: '[[', rightDelim: ']]', errorOnMissingKey: true, origin: `${P}agent-inject-template-b`}),
      expect.objectContaining({name: 'C', file: '/vault/secrets/conf/c.conf', templateFile: '/vault/custom/c.tmpl'}),
    ])
    expect(templates[2].text).toBeUndefined()
  })
})

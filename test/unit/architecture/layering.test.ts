// The layers of docs/architecture.md, as eslint.config.js enforces them: each case is an import that crosses a line.
import {ESLint} from 'eslint'
import {describe, expect, it} from 'vitest'

const eslint = new ESLint()

async function restricted(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport {}\n`, {filePath: file})
  return result.messages.filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message)
}

describe('the layering rule', () => {
  it('refuses a feature importing another feature', async () => {
    expect(await restricted('src/doctor/x.ts', "import {verifyPods} from '../verify/run.js'")).toHaveLength(1)
    expect(await restricted('src/setup/x.ts', "import {installVault} from '../install/install.js'")).toHaveLength(1)
    expect(await restricted('src/template-preview/x.ts', "import type {PatchRequest} from '../patch/build.js'")).toHaveLength(1)
  })

  it('refuses oclif and terminals in vault/, kube/ and exec/, and any I/O layer in the injector model', async () => {
    expect(await restricted('src/vault/x.ts', "import {Flags} from '@oclif/core'")).toHaveLength(1)
    expect(await restricted('src/kube/x.ts', "import chalk from 'chalk'")).toHaveLength(1)
    expect(await restricted('src/exec/x.ts', "import {color} from '../output/terminal.js'")).toHaveLength(1)
    expect(await restricted('src/annotations/x.ts', "import {connectKube} from '../kube/client.js'")).toHaveLength(1)
  })

  it('keeps the GitOps emitters below the features, and pure: the patch feature and the vsi.yaml engine both use them', async () => {
    expect(await restricted('src/gitops/x.ts', "import {buildPatch} from '../patch/build.js'")).toHaveLength(1)
    expect(await restricted('src/gitops/x.ts', "import {connectKube} from '../kube/client.js'")).toHaveLength(1)
    expect(await restricted('src/gitops/x.ts', "import {annotationPatch} from '../annotations/workload-kinds.js'")).toEqual([])
    expect(await restricted('src/setup/x.ts', "import {kustomizePatch} from '../gitops/emit.js'")).toEqual([])
    expect(await restricted('src/patch/x.ts', "import {helmValues} from '../gitops/emit.js'")).toEqual([])
  })

  it('lets a feature use the injector model and the access layers', async () => {
    expect(await restricted('src/doctor/x.ts', "import {injectionSpec} from '../annotations/injection.js'\nimport {readAgentError} from '../agent/agent-log.js'")).toEqual([])
  })
})

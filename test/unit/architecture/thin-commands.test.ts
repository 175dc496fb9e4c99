// Commands are thin (docs/architecture.md): eslint.config.js's vsi/thin-command rule holds the code of a command
// besides its flags, descriptions and imports to a budget, and lets it import one feature.
import {ESLint} from 'eslint'
import {describe, expect, it} from 'vitest'

const eslint = new ESLint()

async function thinCommandMessages(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, {filePath: file})
  return result.messages.filter((message) => message.ruleId === 'vsi/thin-command').map((message) => message.message)
}

const command = (imports: string, statics: string, body: string): string => `import {Flags} from '@oclif/core'

import {VsiCommand} from '../cli/base-command.js'
${imports}

export default class Example extends VsiCommand<unknown> {
${statics}

  async run(): Promise<unknown> {
    const {flags} = await this.parse(Example)
${body}
  }
}
`

const statement = (index: number) => `    this.log(String(flags.role) + '${index}')`
const lines = (count: number) => Array.from({length: count}, (_, index) => statement(index)).join('\n')

describe('the thin-command rule', () => {
  it('refuses a command whose code outside its flags and descriptions is over the budget', async () => {
    const messages = await thinCommandMessages('src/commands/example.ts', command('', "  static override summary = 'x'", lines(60)))
    expect(messages).toHaveLength(1)
    expect(messages[0]).toMatch(/^Commands are thin: this one has 6\d lines of code besides its flags, descriptions and imports \(budget 50\)/)
  })

  it('counts neither flags, descriptions and examples nor comments and imports', async () => {
    const flags = Array.from({length: 80}, (_, index) => `    f${index}: Flags.string({description: 'flag ${index}'}),`).join('\n')
    const statics = `  static override description = \`${'A long description.\n'.repeat(40)}\`\n\n  static override flags = {\n${flags}\n  }`
    const comments = Array.from({length: 80}, (_, index) => `    // why ${index}`).join('\n')
    expect(await thinCommandMessages('src/commands/example.ts', command("import {runPatch} from '../patch/run.js'", statics, `${comments}\n${lines(30)}`))).toEqual([])
  })

  it('refuses a command that imports a second feature, and names the first', async () => {
    const imports = "import {runPatch} from '../patch/run.js'\nimport {lintFiles} from '../lint/files.js'"
    expect(await thinCommandMessages('src/commands/example.ts', command(imports, '', lines(2)))).toEqual([
      'A command calls one feature: this file already imports patch/. Import a second feature lazily where the command composes two, or move the work down a layer.',
    ])
    expect(await thinCommandMessages('src/commands/topic/example.ts', command("import {runPatch} from '../../patch/run.js'\nimport {x} from '../../template-preview/input.js'", '', lines(2)))).toHaveLength(1)
  })

  it('lets a command take types from another feature and load one lazily', async () => {
    const imports = "import {runDoctor} from '../doctor/run.js'\nimport type {Spec} from '../setup/spec/file.js'\nimport {type AppSpec} from '../setup/spec/file.js'"
    expect(await thinCommandMessages('src/commands/example.ts', command(imports, '', `${lines(2)}\n    await import('../setup/spec/open.js')`))).toEqual([])
  })

  it('holds every command of src/commands', async () => {
    const results = await eslint.lintFiles(['src/commands'])
    const broken = results.flatMap((result) => result.messages.filter((message) => message.ruleId === 'vsi/thin-command').map((message) => `${result.filePath}: ${message.message}`))
    expect(results.length).toBeGreaterThan(15)
    expect(broken).toEqual([])
  })
})

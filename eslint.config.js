import js from '@eslint/js'
import tseslint from 'typescript-eslint'

// The layers of src/ (docs/architecture.md): each folder imports only from the layers below it.
const FEATURES = ['patch', 'lint', 'setup', 'verify', 'doctor', 'template-preview', 'install']
/** What the features build on: the injector model, the agent, Vault, Kubernetes and process access, the Go template engine, GitOps outputs. */
const MODEL = ['annotations', 'agent', 'vault', 'kube', 'exec', 'go-template', 'gitops']
const TOP = ['commands', 'cli']

// Commands that must start fast never import the heavy clients at the top level; they load them in run().
const lazyModules = [
  {name: '@kubernetes/client-node', allowTypeImports: true, message: 'Import it lazily: await import(...)'},
  {name: 'node-vault', allowTypeImports: true, message: 'Import it lazily: await import(...)'},
  {name: '@inquirer/prompts', allowTypeImports: true, message: 'Import it lazily: await import(...)'},
  {name: 'execa', message: 'Import it lazily: await import(...)'},
]

/** An import of any file inside one of these folders of src/, by a relative path. */
const folders = (names, message) => ({group: names.flatMap((name) => [`./${name}/*`, `**/${name}/*`, `**/${name}/**`]), message})
const terminal = {group: ['@oclif/*', 'chalk', '@inquirer/*', '**/output/terminal.js'], message: 'The model and access layers know nothing of oclif or terminals: take callbacks, return data.'}

const restrict = (files, patterns) => ({files, rules: {'no-restricted-imports': ['error', {paths: lazyModules, patterns}]}})

const layers = [
  restrict(['src/**/*.ts'], []),
  restrict(['src/cli/**/*.ts'], [folders(['commands', ...FEATURES], 'src/cli is plumbing for the commands: it may not import a command or a feature.')]),
  ...FEATURES.map((feature) =>
    restrict(
      [`src/${feature}/**/*.ts`],
      [
        folders(
          FEATURES.filter((other) => other !== feature),
          'A feature never imports another feature: move what both need into annotations/, agent/, vault/, kube/ or a shared helper.',
        ),
        folders(TOP, 'Features are called by commands; they never import commands or src/cli.'),
      ],
    ),
  ),
  ...MODEL.map((folder) =>
    restrict(
      [`src/${folder}/**/*.ts`],
      [folders([...TOP, ...FEATURES], `src/${folder} is below the features and commands: it may not import them.`), terminal],
    ),
  ),
  restrict(
    ['src/annotations/**/*.ts'],
    [
      folders([...TOP, ...FEATURES], 'src/annotations is below the features and commands: it may not import them.'),
      // Types (a KV version) are shared knowledge; code that talks to Vault or the cluster is not.
      {...folders(['agent', 'vault', 'kube', 'exec'], 'The injector model is pure: it reads annotations and pod specs, it does not talk to Vault or the cluster.'), allowTypeImports: true},
      terminal,
    ],
  ),
  restrict(
    ['src/gitops/**/*.ts'],
    [
      folders([...TOP, ...FEATURES], 'src/gitops is below the features and commands: it may not import them.'),
      folders(['agent', 'vault', 'kube', 'exec'], 'GitOps outputs are text made from annotations: they do not talk to Vault or the cluster.'),
      terminal,
    ],
  ),
  restrict(
    ['src/go-template/**/*.ts'],
    [folders([...TOP, ...FEATURES, 'annotations', 'agent', 'vault', 'kube', 'exec', 'output'], 'The Go template engine knows nothing of vsi.'), terminal],
  ),
  restrict(
    ['src/*.ts', 'src/output/**/*.ts'],
    [folders([...TOP, ...FEATURES, 'annotations', 'agent', 'vault', 'kube', 'exec'], 'Errors, output and the generic helpers are the bottom layer: they import nothing of vsi above them.')],
  ),
]

// Commands are thin: parse flags, call a feature, render the result. Flags, descriptions and examples (a command's
// static fields) and imports are free; the code around them is held to a budget, and a command calls one feature
// (a command that composes two, as `doctor -f` reads vsi.yaml, loads the second lazily).
const COMMAND_LOGIC_LINES = 50
const thinCommand = {
  meta: {type: 'suggestion', schema: [{type: 'object', properties: {maxLogicLines: {type: 'integer'}}, additionalProperties: false}]},
  create(context) {
    const {maxLogicLines = COMMAND_LOGIC_LINES} = context.options[0] ?? {}
    const source = context.sourceCode
    const free = new Set()
    const freeLines = (node) => {
      for (let line = node.loc.start.line; line <= node.loc.end.line; line++) free.add(line)
    }
    const featureOf = (from) => FEATURES.find((feature) => new RegExp(`^(\\.\\./)+${feature}/`).test(from))
    const features = new Map()
    return {
      ImportDeclaration(node) {
        freeLines(node)
        const feature = featureOf(node.source.value)
        const typeOnly = node.importKind === 'type' || (node.specifiers.length > 0 && node.specifiers.every((s) => s.importKind === 'type'))
        if (feature && !typeOnly && !features.has(feature)) features.set(feature, node)
      },
      'ClassBody > PropertyDefinition[static=true]': freeLines,
      'Program:exit'(program) {
        for (const comment of source.getAllComments()) freeLines(comment)
        const logic = source.lines.filter((text, index) => !free.has(index + 1) && text.trim() !== '').length
        if (logic > maxLogicLines) {
          context.report({node: program, message: `Commands are thin: this one has ${logic} lines of code besides its flags, descriptions and imports (budget ${maxLogicLines}). Move the work into its feature module and call it from run().`})
        }
        const [, ...more] = [...features.values()]
        for (const node of more) {
          context.report({node, message: `A command calls one feature: this file already imports ${[...features.keys()][0]}/. Import a second feature lazily where the command composes two, or move the work down a layer.`})
        }
      },
    }
  },
}

export default tseslint.config(
  {ignores: ['dist/', 'node_modules/', '.work/']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {globals: {process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly'}},
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
    },
  },
  ...layers,
  {
    files: ['src/commands/**/*.ts'],
    plugins: {vsi: {rules: {'thin-command': thinCommand}}},
    rules: {'vsi/thin-command': 'error'},
  },
  // Known debt, pinned where it stands so that it can only shrink: move the logic into the feature, then drop the line.
  {files: ['src/commands/verify.ts'], rules: {'vsi/thin-command': ['error', {maxLogicLines: 81}]}},
  {files: ['src/commands/template/render.ts'], rules: {'vsi/thin-command': ['error', {maxLogicLines: 80}]}},
  {
    files: ['test/**/*.ts'],
    rules: {'@typescript-eslint/no-explicit-any': 'off'},
  },
)

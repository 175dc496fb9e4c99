/** What users of kubectl, the vault CLI and oclif expect of a command line: typos, versions, topics, errors, stdin. */
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'

import {projectRoot, runVsi} from '../helpers/cli.js'

const {version} = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as {version: string}

describe('typos', () => {
  it('an unknown command names the nearest one (no terminal to ask in) and exits 127', async () => {
    const {exitCode, stderr, stdout} = await runVsi(['pach', '--role', 'x'])
    expect([exitCode, stdout]).toEqual([127, ''])
    expect(stderr).toBe(`Error: unknown command "pach" for "vsi"\n\nDid you mean this?\n\tpatch\n\nRun 'vsi help' for a list of commands.`)
  })

  it('an unknown subcommand names the nearest one, and nothing when nothing is near', async () => {
    const [near, far] = await Promise.all([runVsi(['secret', 'gett', 'x']), runVsi(['frobnicate'])])
    expect(near.stderr).toContain('Did you mean this?\n\tsecret get\n')
    expect([far.exitCode, far.stderr]).toEqual([127, `Error: unknown command "frobnicate" for "vsi"\n\nRun 'vsi help' for a list of commands.`])
  })

  it('an unknown flag names the nearest flag of the command (exit 2)', async () => {
    const {exitCode, stderr} = await runVsi(['verify', 'deployment/orgchart', '--namepsace', 'apps'])
    expect([exitCode, ...stderr.split('\n').slice(0, 2)]).toEqual([2, 'Error: unknown flag --namepsace', 'Hint: Did you mean --namespace? Run the command with --help to see its flags.'])
  })
})

describe('version, completion, topics', () => {
  it('vsi version and vsi --version print the same line; --json gives the parts', async () => {
    const [command, flag, json] = await Promise.all([runVsi(['version']), runVsi(['--version']), runVsi(['version', '--json'])])
    expect(command.stdout).toMatch(new RegExp(`^vsi/${version.replaceAll('.', '\\.')} ${process.platform}-${process.arch} node-v${process.versions.node}$`))
    expect(flag.stdout).toBe(command.stdout)
    expect(json.json.result).toEqual({version, node: process.versions.node, platform: process.platform, arch: process.arch})
  })

  it('shell completion comes from oclif autocomplete', async () => {
    const {exitCode, stdout} = await runVsi(['autocomplete', 'bash'])
    expect(exitCode).toBe(0)
    expect(stdout).toContain('vsi autocomplete')
  })

  it('a topic describes itself in its help', async () => {
    const {stdout} = await runVsi(['secret', '--help'])
    expect(stdout.split('\n')[0]).toBe('KV secrets (v1 or v2): write one from values, files or stdin, or read one with values masked.')
  })

  it('-n is offered where a Kubernetes namespace applies, not by the Vault-only commands', async () => {
    const [verify, secret] = await Promise.all([runVsi(['verify', '--help']), runVsi(['secret', 'get', 'internal/x', '-n', 'apps'])])
    expect(verify.stdout).toMatch(/-n, --namespace=<value>/)
    expect([secret.exitCode, secret.stderr.split('\n')[0]]).toEqual([2, 'Error: unknown flag -n'])
  })
})

describe('errors keep their detail', () => {
  it('a value oclif cannot parse: the flag, the value and what is expected', async () => {
    const {exitCode, stderr} = await runVsi(['verify', 'deployment/orgchart', '--concurrency', 'abc'])
    expect([exitCode, stderr.split('\n')[0]]).toEqual([2, 'Error: --concurrency: expected an integer but received: abc'])
  })

  it('a missing argument is named', async () => {
    const {exitCode, stderr} = await runVsi(['policy', 'show'])
    expect([exitCode, stderr.split('\n')[0]]).toEqual([2, 'Error: missing argument NAME (Policy name)'])
  })
})

describe('piped stdin is read only where - asks for it', () => {
  it('is not taken as a missing argument', async () => {
    const {exitCode, stderr} = await runVsi(['policy', 'show'], {input: 'internal-app\n'})
    expect([exitCode, stderr.split('\n')[0]]).toEqual([2, 'Error: missing argument NAME (Policy name)'])
  })

  it('vsi lint < file does not read, nor echo, the file', async () => {
    const secretLooking = 'apiVersion: v1\nkind: Secret\ndata:\n  password: c2VjcmV0LXZhbHVl\n'
    const {exitCode, stderr, stdout} = await runVsi(['lint'], {input: secretLooking})
    expect(exitCode).toBe(2)
    expect(`${stdout}${stderr}`).not.toContain('c2VjcmV0LXZhbHVl')
    expect(stderr).toMatch(/^Error: no input: give YAML files or directories to lint, or - for stdin/)
  })
})

describe('colour', () => {
  it('FORCE_COLOR colours output that is not a terminal, even with NO_COLOR; without it there is none', async () => {
    const [forced, plain] = await Promise.all([runVsi(['policy', 'show'], {env: {FORCE_COLOR: '1', NO_COLOR: '1'}}), runVsi(['policy', 'show'])])
    expect(forced.stderr.startsWith('\u001B[31mError:\u001B[39m missing argument NAME')).toBe(true)
    expect(plain.stderr.startsWith('Error: missing argument NAME')).toBe(true)
  })
})

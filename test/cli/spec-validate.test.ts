import http from 'node:http'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runVsi} from '../helpers/cli.js'
import {specFolder} from '../helpers/spec-files.js'

const {dir, write} = specFolder('vsi-spec-validate-')
/** Writes the file and returns its name: the commands run in `dir`. */
const file = (name: string, text: string) => path.basename(write(name, text))

/** Any request at all would show here: validation must fail before vsi contacts Vault or the cluster. */
let contacted = 0
const server = http.createServer((_request, response) => {
  contacted++
  response.statusCode = 500
  response.end()
})
let env: Record<string, string>

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as {port: number}
  const kubeconfig = write(
    'kubeconfig',
    `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}"}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\ncurrent-context: c\nusers: [{name: u, user: {token: t}}]\n`,
  )
  env = {KUBECONFIG: kubeconfig, VAULT_ADDR: `http://127.0.0.1:${port}`, VAULT_TOKEN: 'not-used'}
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

const HEAD = 'apiVersion: vsi/v1\nkind: Injection\n'

describe('vsi.yaml validation by the commands', () => {
  it('lists every problem as file:line:col, exits 2 and contacts nothing', async () => {
    const name = file('bad.yaml', `${HEAD}apps:\n  - name: web\n    ttl: forever\n    secrets:\n      - file: a.txt\n        path: other/a\n`)
    for (const command of ['plan', 'apply']) {
      const result = await runVsi([command, '-f', name], {cwd: dir, env})
      expect(result.exitCode).toBe(2)
      expect(result.stderr).toContain('Error: bad.yaml: 2 problems\n')
      expect(result.stderr).toContain('\nbad.yaml:5:10: apps[0].ttl: "forever" is not a duration')
      expect(result.stderr).toContain('\nbad.yaml:8:15: apps[0].secrets[0].path: other/a is not under the KV engine internal/ (vault.kv.path)')
    }
    expect(contacted).toBe(0)
  })

  it('reports schema problems before the checks that need a valid shape, with --json listing positions', async () => {
    const name = file('shape.yaml', `${HEAD}apps:\n  - name: web\n    ttl: forever\n    secrets: {file: a.txt}\n`)
    const result = await runVsi(['plan', '-f', name, '--json'], {cwd: dir, env})
    expect(result.exitCode).toBe(2)
    expect(result.json.error.code).toBe('spec-invalid')
    expect(result.json.result.problems).toEqual([{file: 'shape.yaml', line: 6, col: 14, path: 'apps[0].secrets', message: 'must be a list, not a mapping'}])
    expect(contacted).toBe(0)
  })

  it('reports a data source that cannot be read at its place, without its value', async () => {
    const name = file(
      'data.yaml',
      `${HEAD}apps:\n  - name: web\n    secrets:\n      - file: a.txt\n        path: internal/a\n        data:\n          password: {fromEnv: VSI_TEST_UNSET}\n          token: {fromFile: ./missing.txt}\n          pin: {prompt: true}\n`,
    )
    const result = await runVsi(['apply', '-f', name], {cwd: dir, env})
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain('data.yaml:9:21: apps[0].secrets[0].data.password: the environment variable VSI_TEST_UNSET is not set')
    expect(result.stderr).toContain('data.yaml:10:18: apps[0].secrets[0].data.token: cannot read ./missing.txt: ENOENT')
    expect(result.stderr).toContain('data.yaml:11:16: apps[0].secrets[0].data.pin: prompt: true needs a terminal')
    expect(contacted).toBe(0)
  })

  it('refuses an --app the file does not have', async () => {
    const name = file('good.yaml', `${HEAD}apps:\n  - name: web\n    secrets:\n      - {file: a.txt, path: internal/a}\n`)
    const result = await runVsi(['plan', '-f', name, '--app', 'api'], {cwd: dir, env})
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain('Error: --app api: not in good.yaml')
    expect(contacted).toBe(0)
  })
})

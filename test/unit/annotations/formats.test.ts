import {describe, expect, it} from 'vitest'

import {envName, formatTemplate} from '../../../src/annotations/formats.js'
import {renderTemplate} from '../../../src/go-template/index.js'

const V2 = {Data: {data: {username: 'db-readonly-username', password: 'p"w', 'api-key': 'k1'}, metadata: {version: 1}}}
const V1 = {Data: {username: 'db-readonly-username', password: 'p"w'}}

function render(template: string, secret: object): {output: string; paths: string[]} {
  const paths: string[] = []
  const output = renderTemplate(template, {
    secret: (path) => {
      paths.push(path)
      return secret
    },
  })
  return {output, paths}
}

describe('generated templates', () => {
  it('env: export lines from .Data.data on KV v2, in the tutorial style', () => {
    const template = formatTemplate('env', 'internal/data/database/config', 2, ['username', 'password', 'api-key'])
    expect(template).toBe(
      '{{- with secret "internal/data/database/config" -}}\n' +
        'export USERNAME="{{ .Data.data.username }}"\n' +
        'export PASSWORD="{{ .Data.data.password }}"\n' +
        'export API_KEY="{{ index .Data.data "api-key" }}"\n' +
        '{{ end -}}\n',
    )
    expect(render(template, V2)).toEqual({output: 'export USERNAME="db-readonly-username"\nexport PASSWORD="p"w"\nexport API_KEY="k1"\n', paths: ['internal/data/database/config']})
  })

  it('reads .Data.<key> on KV v1', () => {
    const template = formatTemplate('env', 'kv/database/config', 1, ['username'])
    expect(template).toContain('export USERNAME="{{ .Data.username }}"')
    expect(render(template, V1).output).toBe('export USERNAME="db-readonly-username"\n')
  })

  it('json: an object of the keys, each value JSON-encoded; without keys the whole secret', () => {
    expect(JSON.parse(render(formatTemplate('json', 'internal/data/db', 2, ['username', 'password']), V2).output)).toEqual({username: 'db-readonly-username', password: 'p"w'})
    expect(render(formatTemplate('json', 'internal/data/db', 2, []), V2).output).toBe('{"api-key":"k1","password":"p\\"w","username":"db-readonly-username"}\n')
    expect(render(formatTemplate('json', 'kv/db', 1, []), V1).output).toBe('{"password":"p\\"w","username":"db-readonly-username"}\n')
  })

  it('map: key: value lines, for the keys or every key', () => {
    expect(render(formatTemplate('map', 'internal/data/db', 2, ['username']), V2).output).toBe('username: db-readonly-username\n')
    expect(render(formatTemplate('map', 'internal/data/db', 2, []), V2).output).toBe('api-key: k1\npassword: p"w\nusername: db-readonly-username\n')
  })

  it('env needs keys whose variable names do not clash', () => {
    expect(() => formatTemplate('env', 'p', 2, [])).toThrow('--format env needs --keys')
    expect(() => formatTemplate('env', 'p', 2, ['db-user', 'db_user'])).toThrow('--keys db-user and db_user both become the variable DB_USER')
    expect(envName('1st.key')).toBe('_1ST_KEY')
  })
})

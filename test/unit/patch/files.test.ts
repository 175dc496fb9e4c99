import {chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {describe, expect, it} from 'vitest'

import {writeFileAtomic} from '../../../src/output/files.js'

const freshDir = () => mkdtempSync(path.join(tmpdir(), 'vsi-atomic-'))

describe('writeFileAtomic', () => {
  it('creates and replaces a file, keeping its permissions and leaving no temporary file', async () => {
    const dir = freshDir()
    const file = path.join(dir, 'patch.yaml')
    await writeFileAtomic(file, 'one\n')
    chmodSync(file, 0o600)
    await writeFileAtomic(file, 'two\n')
    expect(readFileSync(file, 'utf8')).toBe('two\n')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readdirSync(dir)).toEqual(['patch.yaml'])
  })

  it('writes through a symlink: the link stays and its target gets the content', async () => {
    const dir = freshDir()
    mkdirSync(path.join(dir, 'real'))
    writeFileSync(path.join(dir, 'real/app.yaml'), 'old\n')
    symlinkSync('real/app.yaml', path.join(dir, 'app.yaml'))
    await writeFileAtomic(path.join(dir, 'app.yaml'), 'new\n')
    expect(readlinkSync(path.join(dir, 'app.yaml'))).toBe('real/app.yaml')
    expect(readFileSync(path.join(dir, 'real/app.yaml'), 'utf8')).toBe('new\n')
    expect(readdirSync(path.join(dir, 'real'))).toEqual(['app.yaml'])
  })

  it('on failure leaves the old content and no temporary file behind', async () => {
    const dir = freshDir()
    mkdirSync(path.join(dir, 'taken'))
    writeFileSync(path.join(dir, 'taken/inner'), 'x')
    await expect(writeFileAtomic(path.join(dir, 'taken'), 'content')).rejects.toThrow()
    expect(readdirSync(dir)).toEqual(['taken'])
    await expect(writeFileAtomic(path.join(dir, 'missing/file.yaml'), 'content')).rejects.toMatchObject({code: 'ENOENT'})
  })
})

import {describe, expect, it} from 'vitest'

import {PodFilesystem} from './runtime/filesystem.js'
import {runArgv} from './runtime/shell.js'

describe('the busybox-like shell exec runs in containers', () => {
  const spec = {
    containers: [
      {name: 'app', volumeMounts: [{name: 'vault-secrets', mountPath: '/vault/secrets'}]},
      {name: 'vault-agent', volumeMounts: [{name: 'vault-secrets', mountPath: '/vault/secrets'}]},
      {name: 'plain'},
    ],
  }
  const fs = new PodFilesystem(spec, 'pod-1', 'default')
  fs.write('vault-agent', '/vault/secrets/config.txt', 'user=a\n')
  const run = (argv: string[], container = 'app', stdin = '') => runArgv(argv, {fs, container, env: {HOME: '/root', ROLE: 'internal-app'}}, stdin)

  it('shares a volume between the containers that mount it, and only those', async () => {
    expect(await run(['cat', '/vault/secrets/config.txt'])).toEqual({stdout: 'user=a\n', stderr: '', code: 0})
    expect(await run(['ls', '/vault/secrets'])).toEqual({stdout: 'config.txt\n', stderr: '', code: 0})
    expect(await run(['ls', '/vault'])).toEqual({stdout: 'secrets\n', stderr: '', code: 0})
    expect(await run(['ls', '/vault/secrets'], 'plain')).toEqual({stdout: '', stderr: 'ls: /vault/secrets: No such file or directory\n', code: 1})
  })

  it('prints busybox messages and exit codes', async () => {
    expect(await run(['cat', '/vault/secrets/nope'])).toEqual({stdout: '', stderr: "cat: can't open '/vault/secrets/nope': No such file or directory\n", code: 1})
    expect(await run(['cat', '/vault/secrets'])).toMatchObject({stderr: 'cat: read error: Is a directory\n', code: 1})
    expect(await run(['sh', '-c', 'frobnicate'])).toEqual({stdout: '', stderr: 'sh: frobnicate: not found\n', code: 127})
    expect(await run(['frobnicate'])).toBeUndefined()
  })

  it('runs and-or lists, pipes, redirections, variables and stdin', async () => {
    const sh = async (script: string, stdin = '') => (await run(['/bin/sh', '-c', script], 'app', stdin))!
    expect((await sh('test -s /vault/secrets/config.txt && echo yes || echo no')).stdout).toBe('yes\n')
    expect((await sh('test -f /vault/secrets/x && echo yes || echo no; echo "$ROLE" $?')).stdout).toBe('no\ninternal-app 0\n')
    expect((await sh('cat /vault/secrets/config.txt | wc -c')).stdout).toBe('7\n')
    expect((await sh('cat /missing 2>/dev/null; echo code=$?')).stdout).toBe('code=1\n')
    expect((await sh("cat > /tmp/in; wc -c /tmp/in; sha256sum /tmp/in", 'hello')).stdout).toBe('5 /tmp/in\n2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824  /tmp/in\n')
    expect((await sh('exit 3')).code).toBe(3)
  })

  it('parses continuations, comments, here-documents and per-command assignments as ash does', async () => {
    const sh = async (script: string, flags = '-c') => (await run(['sh', flags, script]))!
    expect(await sh('echo a \\\n  b # not an argument')).toMatchObject({stdout: 'a b\n', code: 0})
    expect(await sh('cat <<-EOF\n\tindented $ROLE\n\tEOF\necho after')).toMatchObject({stdout: 'indented internal-app\nafter\n'})
    expect(await sh('X=1 printenv X; printenv X')).toMatchObject({stdout: '1\n', code: 1})
    expect(await sh('Y=$(echo hi)-there; echo "$Y" ${Y}')).toMatchObject({stdout: 'hi-there hi-there\n'})
    expect(await sh('false; echo not reached', '-ec')).toMatchObject({stdout: '', code: 1})
    expect(await sh('false || echo rescued', '-ec')).toMatchObject({stdout: 'rescued\n', code: 0})
  })
})

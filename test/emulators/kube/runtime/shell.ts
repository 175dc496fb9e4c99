import {createHash} from 'node:crypto'

import type {PodFilesystem} from './filesystem.js'

/** What a command in a container sees: the pod's files through the container's mounts, and its environment. */
export interface ShellContext {
  fs: PodFilesystem
  container: string
  env: Record<string, string>
}

export interface CommandResult {
  stdout: string
  stderr: string
  code: number
}

type Builtin = (args: string[], stdin: string, ctx: ShellContext) => CommandResult

const ok = (stdout = ''): CommandResult => ({stdout, stderr: '', code: 0})
const fail = (stderr: string, code = 1): CommandResult => ({stdout: '', stderr, code})

function readFile(ctx: ShellContext, path: string, cmd: string): {content: string} | CommandResult {
  const st = ctx.fs.stat(ctx.container, path)
  if (!st) return fail(`${cmd}: can't open '${path}': No such file or directory\n`)
  if (st.type === 'dir') return fail(`${cmd}: read error: Is a directory\n`)
  return {content: st.content}
}

/** The busybox applets vsi and its users run in agent and app containers, with busybox's messages. */
const BUILTINS: Record<string, Builtin> = {
  cat(args, stdin, ctx) {
    const files = args.filter((a) => a !== '--')
    if (!files.length) return ok(stdin)
    let out = ''
    let err = ''
    for (const f of files) {
      const r = f === '-' ? {content: stdin} : readFile(ctx, f, 'cat')
      if ('content' in r) out += r.content
      else err += r.stderr
    }
    return {stdout: out, stderr: err, code: err ? 1 : 0}
  },
  ls(args, _stdin, ctx) {
    const flags = args.filter((a) => a.startsWith('-') && a !== '-').join('')
    const paths = args.filter((a) => !a.startsWith('-') || a === '-')
    const long = flags.includes('l')
    const all = flags.includes('a')
    let out = ''
    let err = ''
    const targets = paths.length ? paths : ['.']
    targets.forEach((p, i) => {
      const abs = p === '.' ? '/' : p
      const st = ctx.fs.stat(ctx.container, abs)
      if (!st) {
        err += `ls: ${p}: No such file or directory\n`
        return
      }
      const entry = (name: string, full: string) => {
        if (!long) return `${name}\n`
        const s = ctx.fs.stat(ctx.container, full)
        const size = s?.type === 'file' ? Buffer.byteLength(s.content) : 4096
        return `${s?.type === 'dir' ? 'drwxrwxrwt' : '-rw-r--r--'}    1 root     root     ${String(size).padStart(9)} Jan  1 00:00 ${name}\n`
      }
      if (st.type === 'file') {
        out += entry(p, abs)
        return
      }
      if (targets.length > 1) out += `${i ? '\n' : ''}${p}:\n`
      const names = [...(all ? ['.', '..'] : []), ...ctx.fs.list(ctx.container, abs).filter((n) => all || !n.startsWith('.'))]
      for (const n of names) out += entry(n, `${abs.replace(/\/$/, '')}/${n}`)
    })
    return {stdout: out, stderr: err, code: err ? 1 : 0}
  },
  test: (args, _stdin, ctx) => ({stdout: '', stderr: '', code: evaluateTest(args, ctx) ? 0 : 1}),
  '[': (args, stdin, ctx) => (args[args.length - 1] === ']' ? BUILTINS.test(args.slice(0, -1), stdin, ctx) : fail('[: missing ]\n', 2)),
  echo(args) {
    const noNewline = args[0] === '-n'
    return ok((noNewline ? args.slice(1) : args).join(' ') + (noNewline ? '' : '\n'))
  },
  true: () => ok(),
  false: () => fail('', 1),
  wc(args, stdin, ctx) {
    const flags = args.filter((a) => a.startsWith('-')).join('')
    const files = args.filter((a) => !a.startsWith('-'))
    const count = (s: string) => (flags.includes('l') ? s.split('\n').length - 1 : flags.includes('w') ? s.split(/\s+/).filter(Boolean).length : Buffer.byteLength(s))
    if (!files.length) return ok(`${count(stdin)}\n`)
    let out = ''
    let err = ''
    for (const f of files) {
      const r = readFile(ctx, f, 'wc')
      if ('content' in r) out += `${count(r.content)} ${f}\n`
      else err += r.stderr
    }
    return {stdout: out, stderr: err, code: err ? 1 : 0}
  },
  sha256sum(args, stdin, ctx) {
    const hash = (s: string) => createHash('sha256').update(s).digest('hex')
    if (!args.length) return ok(`${hash(stdin)}  -\n`)
    let out = ''
    let err = ''
    for (const f of args) {
      const r = readFile(ctx, f, 'sha256sum')
      if ('content' in r) out += `${hash(r.content)}  ${f}\n`
      else err += r.stderr
    }
    return {stdout: out, stderr: err, code: err ? 1 : 0}
  },
  head(args, stdin, ctx) {
    let bytes: number | undefined
    let lines = 10
    const files: string[] = []
    for (let i = 0; i < args.length; i++) {
      if (args[i] === '-c') bytes = Number(args[++i])
      else if (args[i] === '-n') lines = Number(args[++i])
      else files.push(args[i])
    }
    const r = files.length ? readFile(ctx, files[0], 'head') : {content: stdin}
    if (!('content' in r)) return r
    return ok(bytes !== undefined ? Buffer.from(r.content).subarray(0, bytes).toString() : r.content.split('\n').slice(0, lines).join('\n') + (r.content.split('\n').length > lines ? '\n' : ''))
  },
  env: (_args, _stdin, ctx) => ok(Object.entries(ctx.env).map(([k, v]) => `${k}=${v}\n`).join('')),
  printenv: (args, _stdin, ctx) => (args.length ? (args[0] in ctx.env ? ok(`${ctx.env[args[0]]}\n`) : fail('', 1)) : BUILTINS.env([], '', ctx)),
  hostname: (_args, _stdin, ctx) => ok(ctx.env.HOSTNAME + '\n'),
}

function evaluateTest(args: string[], ctx: ShellContext): boolean {
  if (args[0] === '!') return !evaluateTest(args.slice(1), ctx)
  if (args.length === 0) return false
  if (args.length === 1) return args[0] !== ''
  if (args.length === 2) {
    const st = () => ctx.fs.stat(ctx.container, args[1])
    switch (args[0]) {
      case '-e':
      case '-r':
        return Boolean(st())
      case '-f':
        return st()?.type === 'file'
      case '-d':
        return st()?.type === 'dir'
      case '-s': {
        const s = st()
        return s?.type === 'dir' || (s?.type === 'file' && s.content.length > 0)
      }
      case '-n':
        return args[1] !== ''
      case '-z':
        return args[1] === ''
    }
  }
  if (args.length === 3) {
    if (args[1] === '=' || args[1] === '==') return args[0] === args[2]
    if (args[1] === '!=') return args[0] !== args[2]
  }
  return false
}

/** Runs one argv directly, as the container runtime's exec does (no shell unless argv[0] is one). */
export function runArgv(argv: string[], ctx: ShellContext, stdin = ''): CommandResult | undefined {
  const name = argv[0]?.split('/').pop() ?? ''
  if (name === 'sh' || name === 'ash' || name === 'bash') {
    const c = argv.indexOf('-c')
    if (c < 0) return ok()
    return runScript(argv[c + 1] ?? '', ctx, stdin)
  }
  const builtin = BUILTINS[name]
  return builtin ? builtin(argv.slice(1), stdin, ctx) : undefined
}

type Token = {word: string} | {op: string}

/** `$?` is only known when the command runs, so tokens carry this marker until then. */
const STATUS_MARKER = '\u0000?\u0000'

function tokenize(script: string, env: Record<string, string>): Token[] {
  const tokens: Token[] = []
  let i = 0
  let word: string | undefined
  const flush = () => {
    if (word !== undefined) tokens.push({word})
    word = undefined
  }
  const expand = (): string => {
    i++
    if (script[i] === '?') {
      i++
      return STATUS_MARKER
    }
    const braced = script[i] === '{'
    const m = script.slice(braced ? i + 1 : i).match(/^[A-Za-z_][A-Za-z0-9_]*/)
    if (!m) return '$'
    i += m[0].length + (braced ? 2 : 0)
    return env[m[0]] ?? ''
  }
  while (i < script.length) {
    const ch = script[i]
    if (ch === "'") {
      const end = script.indexOf("'", i + 1)
      word = (word ?? '') + script.slice(i + 1, end < 0 ? undefined : end)
      i = end < 0 ? script.length : end + 1
    } else if (ch === '"') {
      word ??= ''
      i++
      while (i < script.length && script[i] !== '"') {
        if (script[i] === '\\' && '"\\$`'.includes(script[i + 1])) {
          word += script[i + 1]
          i += 2
        } else if (script[i] === '$') word += expand()
        else word += script[i++]
      }
      i++
    } else if (ch === '\\') {
      word = (word ?? '') + (script[i + 1] ?? '')
      i += 2
    } else if (ch === '$') {
      word = (word ?? '') + expand()
    } else if (/\s/.test(ch)) {
      flush()
      i++
    } else {
      const op = ['&&', '||', '2>&1', '2>>', '2>', '>>', ';', '|', '>', '<'].find((o) => script.startsWith(o, i) && (o !== '2>&1' && o !== '2>' && o !== '2>>' ? true : word === undefined))
      if (op) {
        flush()
        tokens.push({op})
        i += op.length
      } else {
        word = (word ?? '') + ch
        i++
      }
    }
  }
  flush()
  return tokens
}

/** A tiny POSIX-ish shell: `;`, `&&`, `||`, `|`, `>`/`>>`/`2>`/`2>&1`, `$VAR`, `$?`, quotes. */
export function runScript(script: string, ctx: ShellContext, stdin = ''): CommandResult {
  let code = 0
  let stdout = ''
  let stderr = ''
  const tokens = tokenize(script, ctx.env)
  let i = 0
  let previous = ';'
  while (i < tokens.length) {
    const pipeline: Token[][] = [[]]
    while (i < tokens.length && !('op' in tokens[i] && ['&&', '||', ';'].includes((tokens[i] as {op: string}).op))) {
      const t = tokens[i++]
      if ('op' in t && t.op === '|') pipeline.push([])
      else pipeline[pipeline.length - 1].push(t)
    }
    const sep = i < tokens.length ? (tokens[i++] as {op: string}).op : ';'
    // and-or lists: a skipped command leaves $? as it was
    const run = previous === ';' || (previous === '&&' ? code === 0 : code !== 0)
    previous = sep
    if (run) {
      // the script's stdin goes to the first command of each pipeline that reads it
      let input = stdin
      for (const [n, stage] of pipeline.entries()) {
        const r = runStage(stage, ctx, input, code)
        code = r.code
        stderr += r.stderr
        if (n === pipeline.length - 1) stdout += r.stdout
        else input = r.stdout
      }
    }
  }
  return {stdout, stderr, code}
}

function runStage(stage: Token[], ctx: ShellContext, stdin: string, lastCode: number): CommandResult {
  const argv: string[] = []
  stage = stage.map((t) => ('word' in t ? {word: t.word.replaceAll(STATUS_MARKER, String(lastCode))} : t))
  let out: {path: string; append: boolean} | undefined
  let errTo: 'null' | 'stdout' | undefined
  for (let j = 0; j < stage.length; j++) {
    const t = stage[j]
    if ('word' in t) argv.push(t.word)
    else if (t.op === '>' || t.op === '>>') out = {path: (stage[++j] as {word: string})?.word ?? '', append: t.op === '>>'}
    else if (t.op === '2>' || t.op === '2>>') errTo = (stage[++j] as {word: string})?.word === '/dev/null' ? 'null' : undefined
    else if (t.op === '2>&1') errTo = 'stdout'
    else if (t.op === '<') {
      const r = readFile(ctx, (stage[++j] as {word: string})?.word ?? '', 'sh')
      if (!('content' in r)) return r
      stdin = r.content
    }
  }
  if (!argv.length) return ok()
  if (argv[0] === 'exit') return {stdout: '', stderr: '', code: Number(argv[1] ?? 0)}
  let r = runArgv(argv, ctx, stdin) ?? fail(`sh: ${argv[0]}: not found\n`, 127)
  if (errTo === 'null') r = {...r, stderr: ''}
  if (errTo === 'stdout') r = {...r, stdout: r.stdout + r.stderr, stderr: ''}
  if (out && out.path !== '/dev/null') {
    const previous = out.append ? ctx.fs.stat(ctx.container, out.path) : undefined
    ctx.fs.write(ctx.container, out.path, (previous?.type === 'file' ? previous.content : '') + r.stdout)
    r = {...r, stdout: ''}
  } else if (out) r = {...r, stdout: ''}
  return r
}

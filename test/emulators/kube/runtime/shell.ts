import {createHash} from 'node:crypto'

import type {PodFilesystem} from './filesystem.js'

import {APPLETS, type Identity} from './applets.js'
import {expandHereDoc, expandWord, lex, type Expander, type Token} from './sh.js'

/** What a command in a container sees: the pod's files through the container's mounts, and its environment. */
export interface ShellContext {
  fs: PodFilesystem
  container: string
  env: Record<string, string>
  /** how the shell was invoked (`sh`, `/bin/sh`): busybox prefixes its messages with it */
  argv0?: string
  /** commands this container's image adds to the busybox applets (the Vault image's `vault`) */
  commands?: Record<string, (args: string[], stdin: string, ctx: ShellContext) => Promise<CommandResult>>
  /** the user the process runs as (securityContext); root when absent */
  identity?: Identity
  /** the container's main process, as `ps` lists it */
  process?: string
}

export interface CommandResult {
  stdout: string
  stderr: string
  code: number
  /** `latin1`: stdout holds bytes, one per char (a tar archive) */
  encoding?: 'latin1'
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
  ...APPLETS,
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
export async function runArgv(argv: string[], ctx: ShellContext, stdin = ''): Promise<CommandResult | undefined> {
  const name = argv[0]?.split('/').pop() ?? ''
  if (name === 'sh' || name === 'ash' || name === 'bash') {
    // busybox ash: `-c SCRIPT`, or the script on stdin (`kubectl exec -i … -- /bin/sh`); -e stops at the first failure
    const c = argv.findIndex((a) => /^-[a-z]*c[a-z]*$/.test(a))
    const errexit = argv.slice(1).some((a) => /^-[a-z]*e[a-z]*$/.test(a))
    if (c < 0) return runScript(stdin, {...ctx, argv0: argv[0]}, '', {errexit})
    return runScript(argv[c + 1] ?? '', {...ctx, argv0: argv[0]}, stdin, {errexit})
  }
  const command = ctx.commands?.[name]
  if (command) return command(argv.slice(1), stdin, ctx)
  const builtin = BUILTINS[name]
  return builtin ? builtin(argv.slice(1), stdin, ctx) : undefined
}

/** A tiny POSIX shell (sh.ts parses and expands): lists, pipelines, redirections, here-documents, variables. */
export async function runScript(script: string, ctx: ShellContext, stdin = '', opts: {errexit?: boolean} = {}): Promise<CommandResult> {
  // the shell's variables start as its environment; assignments stay inside this shell
  const shell = {...ctx, env: {...ctx.env}}
  let code = 0
  let stdout = ''
  let stderr = ''
  const tokens = lex(script)
  let i = 0
  let previous = ';'
  let input = stdin
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
    const guarded = sep === '&&' || sep === '||' || previous === '&&' || previous === '||'
    previous = sep
    if (!run || (pipeline.length === 1 && pipeline[0].length === 0)) continue
    // the pipeline's first command gets what the script's stdin still holds; a command that reads it consumes it
    let stageInput = input
    for (const [n, stage] of pipeline.entries()) {
      const r = await runStage(stage, shell, stageInput, code)
      if (n === 0 && r.consumedStdin) input = ''
      if ('exit' in r) return {stdout: stdout + r.stdout, stderr: stderr + r.stderr, code: r.code}
      code = r.code
      stderr += r.stderr
      if (n === pipeline.length - 1) stdout += r.stdout
      else stageInput = r.stdout
    }
    if (opts.errexit && code !== 0 && !guarded) break
  }
  return {stdout, stderr, code}
}

type StageResult = CommandResult & {consumedStdin?: boolean; exit?: true}

async function runStage(stage: Token[], ctx: ShellContext, stdin: string, lastCode: number): Promise<StageResult> {
  const expander: Expander = {
    vars: ctx.env,
    status: lastCode,
    substitute: async (script) => (await runScript(script, ctx, '')).stdout,
  }
  const argv: string[] = []
  const assignments: Array<[string, string]> = []
  let out: {path: string; append: boolean} | undefined
  let errTo: 'null' | 'stdout' | {path: string; append: boolean} | undefined
  let ownInput: string | undefined
  for (let j = 0; j < stage.length; j++) {
    const t = stage[j]
    const target = async () => {
      const next = stage[++j]
      return next && 'word' in next ? expandWord(next.word, expander) : ''
    }
    if ('word' in t) {
      const assignment = argv.length === 0 ? /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(t.word) : null
      if (assignment) assignments.push([assignment[1], await expandWord(t.word.slice(assignment[0].length), expander)])
      else argv.push(await expandWord(t.word, expander))
    } else if (t.op === '>' || t.op === '>>') out = {path: await target(), append: t.op === '>>'}
    else if (t.op === '2>' || t.op === '2>>') {
      const path = await target()
      errTo = path === '/dev/null' ? 'null' : {path, append: t.op === '2>>'}
    } else if (t.op === '2>&1') errTo = 'stdout'
    else if (t.op === '<<' && t.heredoc) ownInput = await expandHereDoc(t.heredoc, expander)
    else if (t.op === '<') {
      const path = await target()
      const r = readFile(ctx, path, ctx.argv0 ?? 'sh')
      if (!('content' in r)) return {...r, stderr: `${ctx.argv0 ?? 'sh'}: can't open '${path}': No such file or directory\n`}
      ownInput = r.content
    }
  }
  if (!argv.length) {
    for (const [k, v] of assignments) ctx.env[k] = v
    return ok()
  }
  if (argv[0] === 'exit') return {stdout: '', stderr: '', code: Number(argv[1] ?? lastCode), exit: true}
  if (argv[0] === 'export') {
    for (const a of argv.slice(1)) {
      const eq = a.indexOf('=')
      if (eq > 0) ctx.env[a.slice(0, eq)] = a.slice(eq + 1)
    }
    return ok()
  }
  const commandCtx = assignments.length ? {...ctx, env: {...ctx.env, ...Object.fromEntries(assignments)}} : ctx
  const input = ownInput ?? stdin
  // busybox ash: "<arg0>: <name>: not found", exit 127 (shell/ash.c, ash_vmsg)
  let r: StageResult = (await runArgv(argv, commandCtx, input)) ?? fail(`${ctx.argv0 ?? 'sh'}: ${argv[0]}: not found\n`, 127)
  r = {...r, consumedStdin: ownInput === undefined && READS_STDIN.has(argv[0].split('/').pop() ?? '')}
  if (errTo === 'null') r = {...r, stderr: ''}
  else if (errTo === 'stdout') r = {...r, stdout: r.stdout + r.stderr, stderr: ''}
  else if (errTo) {
    writeOut(ctx, errTo, r.stderr)
    r = {...r, stderr: ''}
  }
  if (out && out.path !== '/dev/null') {
    writeOut(ctx, out, r.stdout)
    r = {...r, stdout: ''}
  } else if (out) r = {...r, stdout: ''}
  return r
}

/** Commands that read their standard input when given no file (a script fed on stdin is consumed by them). */
const READS_STDIN = new Set(['cat', 'wc', 'sha256sum', 'head', 'grep', 'tar', 'sh', 'ash', 'vault'])

function writeOut(ctx: ShellContext, to: {path: string; append: boolean}, text: string): void {
  const previous = to.append ? ctx.fs.stat(ctx.container, to.path) : undefined
  ctx.fs.write(ctx.container, to.path, (previous?.type === 'file' ? previous.content : '') + text)
}

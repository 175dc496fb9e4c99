/**
 * More busybox applets people debug pods with (busybox coreutils/id.c, whoami.c, procps/ps.c, findutils/grep.c,
 * archival/tar.c), and `tar` as `kubectl cp` drives it: `tar cf - PATH` out of the pod, `tar -xmf - -C DIR` into it
 * (kubectl pkg/cmd/cp/cp.go). Archives travel as latin1 strings (one char per byte).
 */
import type {CommandResult, ShellContext} from './shell.js'

type Applet = (args: string[], stdin: string, ctx: ShellContext) => CommandResult

const ok = (stdout = ''): CommandResult => ({stdout, stderr: '', code: 0})

/** Who the process runs as: the container's, else the pod's securityContext, else the image's root. */
export interface Identity {
  uid: number
  gid: number
  groups: number[]
}

/** The image's /etc/passwd and /etc/group (the Vault image adds vault:100 and group vault:1000; alpine's root is in ten groups). */
const USERS: Record<number, string> = {0: 'root', 100: 'vault'}
const GROUPS: Record<number, string> = {0: 'root', 1: 'bin', 2: 'daemon', 3: 'sys', 4: 'adm', 6: 'disk', 10: 'wheel', 11: 'floppy', 20: 'dialout', 26: 'tape', 27: 'video', 1000: 'vault'}
const named = (id: number, names: Record<number, string>) => (names[id] ? `${id}(${names[id]})` : String(id))

export const APPLETS: Record<string, Applet> = {
  id(_args, _stdin, ctx) {
    const who = ctx.identity ?? {uid: 0, gid: 0, groups: [0, 1, 2, 3, 4, 6, 10, 11, 20, 26, 27]}
    return ok(`uid=${named(who.uid, USERS)} gid=${named(who.gid, GROUPS)} groups=${who.groups.map((g) => named(g, GROUPS)).join(',')}\n`)
  },
  whoami(_args, _stdin, ctx) {
    const uid = ctx.identity?.uid ?? 0
    return USERS[uid] ? ok(`${USERS[uid]}\n`) : {stdout: '', stderr: `whoami: unknown uid ${uid}\n`, code: 1}
  },
  ps(_args, _stdin, ctx) {
    // busybox ps without options: PID, USER (8 wide), TIME, COMMAND; the container's process, then ps itself
    const user = (USERS[ctx.identity?.uid ?? 0] ?? String(ctx.identity?.uid)).slice(0, 8)
    const row = (pid: number, cmd: string) => `${String(pid).padStart(5)} ${user.padEnd(8)} ${'0:00'.padStart(5)} ${cmd}\n`
    return ok(`PID   USER     TIME  COMMAND\n${row(1, ctx.process ?? 'sh')}${row(7, 'ps')}`)
  },
  grep(args, stdin, ctx) {
    let flags = ''
    let i = 0
    for (; i < args.length && args[i].startsWith('-') && args[i] !== '-'; i++) {
      if (args[i] === '--') {
        i++
        break
      }
      if (args[i] === '-e') break
      flags += args[i].slice(1)
    }
    if (args[i] === '-e') i++
    const pattern = args[i]
    if (pattern === undefined) return {stdout: '', stderr: 'BusyBox v1.37.0 multi-call binary.\n\nUsage: grep [-HhnlLoqvsrRiwFE] [-m N] [-A|B|C N] { PATTERN | -e PATTERN... | -f FILE... } [FILE]...\n', code: 2}
    const files = args.slice(i + 1)
    let re: RegExp
    try {
      re = new RegExp(flags.includes('F') ? pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : flags.includes('E') ? pattern : basicToExtended(pattern), flags.includes('i') ? 'i' : '')
    } catch {
      return {stdout: '', stderr: `grep: bad regex '${pattern}'\n`, code: 2}
    }
    let out = ''
    let err = ''
    let matched = false
    const inputs = files.length ? files : ['-']
    for (const f of inputs) {
      let text = stdin
      if (f !== '-') {
        const st = ctx.fs.stat(ctx.container, f)
        if (!st) {
          err += `grep: ${f}: No such file or directory\n`
          continue
        }
        if (st.type === 'dir') {
          err += `grep: ${f}: Is a directory\n`
          continue
        }
        text = st.content
      }
      const lines = text.split('\n')
      if (lines[lines.length - 1] === '') lines.pop()
      let count = 0
      lines.forEach((line, n) => {
        if (re.test(line) === flags.includes('v')) return
        count++
        matched = true
        if (!flags.includes('c') && !flags.includes('q') && !flags.includes('l')) out += `${inputs.length > 1 ? `${f}:` : ''}${flags.includes('n') ? `${n + 1}:` : ''}${line}\n`
      })
      if (flags.includes('c')) out += `${inputs.length > 1 ? `${f}:` : ''}${count}\n`
      if (flags.includes('l') && count) out += `${f === '-' ? '(standard input)' : f}\n`
    }
    if (flags.includes('q')) return {stdout: '', stderr: flags.includes('s') ? '' : err, code: matched ? 0 : err ? 2 : 1}
    return {stdout: out, stderr: flags.includes('s') ? '' : err, code: err ? 2 : matched ? 0 : 1}
  },
  tar(args, stdin, ctx) {
    const mode = (args[0] ?? '').replace(/^-/, '')
    const dirIndex = args.indexOf('-C')
    const dir = dirIndex >= 0 ? args[dirIndex + 1] : '/'
    if (mode.includes('x')) return extract(stdin, dir, ctx)
    if (mode.includes('c')) {
      const paths = args.slice(1).filter((a, n, all) => a !== '-' && a !== '-C' && all[n - 1] !== '-C')
      return create(paths, ctx)
    }
    return {stdout: '', stderr: "tar: need to specify one of '-c', '-t', '-x'\n", code: 1}
  },
}

/** POSIX basic regular expressions as busybox reads them: \( \) \{ \} \| are the operators, bare ones literal. */
function basicToExtended(bre: string): string {
  let out = ''
  for (let i = 0; i < bre.length; i++) {
    const c = bre[i]
    if (c === '\\' && '(){}|+?'.includes(bre[i + 1] ?? '')) out += bre[++i]
    else if ('(){}|+?'.includes(c)) out += `\\${c}`
    else if (c === '\\') out += c + (bre[++i] ?? '')
    else out += c
  }
  return out
}

// ── tar (ustar, as Go's archive/tar writes for kubectl and busybox reads and writes) ──────────────────────────────

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0'
}

function header(name: string, type: '0' | '5', size: number, mode: number): string {
  const field = (s: string, len: number) => s.slice(0, len).padEnd(len, '\0')
  const parts = [field(name, 100), octal(mode, 8), octal(0, 8), octal(0, 8), octal(size, 12), octal(0, 12), '        ', type, field('', 100), 'ustar\0', '00', field('root', 32), field('root', 32), octal(0, 8), octal(0, 8), field('', 155)]
  let h = parts.join('').padEnd(512, '\0')
  let sum = 0
  for (let i = 0; i < 512; i++) sum += h.charCodeAt(i)
  h = h.slice(0, 148) + sum.toString(8).padStart(6, '0') + '\0 ' + h.slice(156)
  return h
}

const pad = (len: number) => '\0'.repeat((512 - (len % 512)) % 512)
const latin1 = (utf8: string) => Buffer.from(utf8, 'utf8').toString('latin1')

/** `tar cf - PATH…`: busybox strips the leading `/` from member names and says so on stderr. */
function create(paths: string[], ctx: ShellContext): CommandResult {
  let out = ''
  let err = ''
  let stripped = false
  const add = (path: string) => {
    const st = ctx.fs.stat(ctx.container, path)
    if (!st) {
      err += `tar: can't stat '${path}': No such file or directory\n`
      return
    }
    let member = path.replace(/\/+$/, '')
    if (member.startsWith('/')) {
      stripped = true
      member = member.replace(/^\/+/, '')
    }
    if (st.type === 'dir') {
      out += header(`${member}/`, '5', 0, 0o755)
      for (const child of ctx.fs.list(ctx.container, path)) add(`${path.replace(/\/+$/, '')}/${child}`)
      return
    }
    const data = latin1(st.content)
    out += header(member, '0', data.length, 0o644) + data + pad(data.length)
  }
  for (const p of paths) add(p)
  if (stripped) err = "tar: removing leading '/' from member names\n" + err
  return {stdout: out + '\0'.repeat(1024), stderr: err, code: err.includes("can't stat") ? 1 : 0, encoding: 'latin1'}
}

/** `tar -xmf - -C DIR`: regular files and directories (PAX and GNU long names honoured). */
function extract(archive: string, dir: string, ctx: ShellContext): CommandResult {
  let offset = 0
  let longName: string | undefined
  while (offset + 512 <= archive.length) {
    const block = archive.slice(offset, offset + 512)
    if (/^\0*$/.test(block)) break
    const str = (start: number, len: number) => block.slice(start, start + len).replace(/\0.*$/s, '')
    const size = parseInt(str(124, 12).trim() || '0', 8)
    const type = block[156]
    const prefix = str(345, 155)
    const data = archive.slice(offset + 512, offset + 512 + size)
    offset += 512 + size + ((512 - (size % 512)) % 512)
    if (type === 'x' || type === 'L') {
      longName = type === 'L' ? data.replace(/\0.*$/s, '') : /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data)?.[1]
      continue
    }
    const name = longName ?? (prefix ? `${prefix}/${str(0, 100)}` : str(0, 100))
    longName = undefined
    const target = `${dir.replace(/\/+$/, '')}/${name}`
    if (type === '5') ctx.fs.mkdir(ctx.container, target)
    else if (type === '0' || type === '\0') ctx.fs.write(ctx.container, target, Buffer.from(data, 'latin1').toString('utf8'))
  }
  return ok()
}

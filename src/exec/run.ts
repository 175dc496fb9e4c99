/**
 * The one way vsi runs an external program (helm, …): an argument array, never a shell string; output captured;
 * every line shown under --debug goes through the redaction of src/output; failures become VsiErrors; an abort
 * (Ctrl-C, --timeout) kills the child.
 *
 *   const result = await runCommand('helm', ['version', '--short'], {signal})
 *
 * execa is loaded on first use, so commands that never run a program do not pay for it.
 */
import {ExitCode, VsiError} from '../errors.js'
import {debug, debugEnabled} from '../output/debug.js'
import {redact} from '../output/redact.js'

export interface RunOptions {
  /** Kills the child (SIGTERM, then SIGKILL after a grace period) when it aborts. */
  signal?: AbortSignal
  /** Extra environment variables on top of vsi's own environment. */
  env?: Record<string, string>
  cwd?: string
  /** Each output line as it arrives (already redacted), e.g. to stream Helm's output under --debug. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void
  /** Return a non-zero exit as a result instead of throwing (for probes such as `helm list`). */
  allowFailure?: boolean
  /** Hint for the error when the program is not on the PATH (e.g. how to install it). */
  missingHint?: string
}

export interface RunResult {
  /** The command line as a user would type it (for messages and --dry-run). */
  commandLine: string
  exitCode: number
  stdout: string
  stderr: string
}

/** Grace period between SIGTERM and SIGKILL when a run is cancelled. */
const KILL_GRACE_MS = 3000
/** How many lines of stderr a failure message quotes. */
const STDERR_LINES = 12

export async function runCommand(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const commandLine = formatCommandLine(file, args)
  // Arguments show up in `ps` and shell history: a value registered as secret must travel by env or stdin instead.
  if (redact(commandLine) !== commandLine) {
    throw new VsiError(`refusing to run ${file}: a secret would appear in its arguments`, {code: 'internal'})
  }
  debug(`$ ${commandLine}`)
  const {execa} = await import('execa')
  const child = execa(file, [...args], {
    reject: false,
    shell: false,
    stdin: 'ignore',
    cwd: options.cwd,
    // NO_COLOR keeps ANSI escapes out of what vsi captures and quotes.
    env: {NO_COLOR: '1', ...options.env},
    cancelSignal: options.signal,
    forceKillAfterDelay: KILL_GRACE_MS,
  })
  const forward = options.onLine ?? (debugEnabled() ? (line: string) => debug(`  ${line}`) : undefined)
  if (forward) {
    followLines(child.stdout, (line) => forward(redact(line), 'stdout'))
    followLines(child.stderr, (line) => forward(redact(line), 'stderr'))
  }
  const result = await child
  const stdout = typeof result.stdout === 'string' ? result.stdout : ''
  const stderr = typeof result.stderr === 'string' ? result.stderr : ''

  // Ctrl-C in a terminal reaches the whole process group: the child may die of SIGINT before vsi's handler runs.
  if ((result.isCanceled && processInterrupted()) || result.signal === 'SIGINT') {
    throw new VsiError(`${file} was stopped: interrupted`, {code: 'interrupted', exitCode: ExitCode.interrupted})
  }
  if (result.isCanceled) {
    throw new VsiError(`${file} was stopped: ${reasonOf(options.signal)}`, {code: 'cancelled'})
  }
  if (result.failed && result.exitCode === undefined) {
    const code = (result.cause as NodeJS.ErrnoException | undefined)?.code
    if (code === 'ENOENT') {
      throw new VsiError(`${file} was not found on the PATH`, {code: 'command-not-found', hint: options.missingHint})
    }
    throw new VsiError(`could not run ${file}: ${redact(result.shortMessage ?? String(result.cause))}`, {code: 'command-failed', cause: result.cause})
  }
  const exitCode = result.exitCode ?? 1
  if (exitCode !== 0 && !options.allowFailure) {
    const quoted = lastLines(stderr || stdout, STDERR_LINES)
    throw new VsiError(`${redact(commandLine)} failed with exit code ${exitCode}${quoted ? `:\n${redact(quoted)}` : ''}`, {
      code: 'command-failed',
    })
  }
  return {commandLine, exitCode, stdout, stderr}
}

/** Shell-quotes only what needs it, so a printed command can be pasted into a shell. */
export function formatCommandLine(file: string, args: readonly string[]): string {
  return [file, ...args].map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`)).join(' ')
}

function followLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (!stream) return
  let pending = ''
  stream.on('data', (chunk: Buffer | string) => {
    const lines = (pending + chunk.toString()).split('\n')
    pending = lines.pop() ?? ''
    for (const line of lines) onLine(line.replace(/\r$/, ''))
  })
  stream.on('end', () => {
    if (pending !== '') onLine(pending)
  })
}

function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n')
}

function reasonOf(signal: AbortSignal | undefined): string {
  const reason: unknown = signal?.reason
  if (reason instanceof Error && reason.name !== 'AbortError') return reason.message
  return typeof reason === 'string' ? reason : 'interrupted'
}

let interrupt: AbortController | undefined

/** Whether Ctrl-C (SIGINT) or SIGTERM has reached vsi since a command asked for interruptSignal(). */
export function processInterrupted(): boolean {
  return interrupt?.signal.aborted === true
}

/**
 * One AbortSignal for the whole process that fires on Ctrl-C (SIGINT) or SIGTERM: pass it to runCommand so the
 * child is killed with vsi instead of being left running.
 */
export function interruptSignal(): AbortSignal {
  if (!interrupt) {
    const controller = new AbortController()
    interrupt = controller
    // A listener that stays: execa's exit cleanup (signal-exit) re-raises the signal when only its own are left.
    // A second Ctrl-C ends vsi at once.
    const onSignal = (name: NodeJS.Signals) => {
      if (controller.signal.aborted) process.exit(130)
      controller.abort(new Error(`interrupted (${name})`))
    }
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
  }
  return interrupt.signal
}

/** Exit codes are part of vsi's contract with scripts and CI: keep them stable. */
export const ExitCode = {
  ok: 0,
  /** A check or an operation against Vault or the cluster failed. */
  failed: 1,
  /** The command line or an input file was wrong; nothing was changed. */
  usage: 2,
  /** Stopped by Ctrl-C (SIGINT) or SIGTERM, as a shell reports a command killed by SIGINT (128 + 2). */
  interrupted: 130,
} as const

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]

export interface VsiErrorOptions {
  /** A stable, machine-readable class for `--json` consumers, e.g. `vault-unreachable`. */
  code: string
  exitCode?: ExitCodeValue
  /** What the user can do about it. */
  hint?: string
  /** A partial result that still belongs in the `--json` envelope (e.g. the checks that did run). */
  result?: unknown
  cause?: unknown
}

/** The one error type vsi throws on purpose; anything else is a bug and is reported as `internal`. */
export class VsiError extends Error {
  readonly code: string
  readonly exitCode: ExitCodeValue
  readonly hint?: string
  readonly result?: unknown

  constructor(message: string, options: VsiErrorOptions) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    this.name = 'VsiError'
    this.code = options.code
    this.exitCode = options.exitCode ?? ExitCode.failed
    this.hint = options.hint
    this.result = options.result
  }
}

export function usageError(message: string, hint?: string): VsiError {
  return new VsiError(message, {code: 'usage', exitCode: ExitCode.usage, hint})
}

export function inputError(message: string, hint?: string): VsiError {
  return new VsiError(message, {code: 'invalid-input', exitCode: ExitCode.usage, hint})
}

interface OclifErrorShape {
  oclif?: {exit?: number}
  parse?: unknown
}

/** Maps anything thrown inside a command to a VsiError, so there is one place that decides exit codes. */
export function toVsiError(error: unknown): VsiError {
  if (error instanceof VsiError) return error
  if (error instanceof Error) {
    const oclif = (error as OclifErrorShape).oclif
    // oclif's flag and argument parser throws CLIError subclasses carrying `oclif.exit` (2 for usage errors).
    if (oclif && (oclif.exit === ExitCode.usage || (error as OclifErrorShape).parse)) {
      return usageError(firstLine(error.message), 'Run the command with --help to see its flags.')
    }
    if (oclif?.exit === 0) return new VsiError(error.message, {code: 'exit', exitCode: ExitCode.ok})
    return new VsiError(error.message, {code: 'internal', cause: error})
  }
  return new VsiError(String(error), {code: 'internal'})
}

/** oclif lists several parse errors under a header line ("The following errors occurred:"); the first real one counts. */
function firstLine(message: string): string {
  const lines = message.split('\n').map((line) => line.replace(/^\s*[-*]\s+/, '').trim())
  return lines.find((line) => line !== '' && !/^The following errors? occurred:?$/.test(line)) ?? message
}

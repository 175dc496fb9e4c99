import {Command, Flags} from '@oclif/core'
import type {Input, ParserOutput} from '@oclif/core/interfaces'

import {ExitCode, toVsiError} from '../errors.js'
import {processInterrupted} from '../exec/run.js'
import {parseErrorAsUsage} from './parse-errors.js'
import {debug, enableDebug} from '../output/debug.js'
import {errorEnvelope, successEnvelope} from '../output/envelope.js'
import {redact, redactDeep} from '../output/redact.js'
import {errColor} from '../output/terminal.js'

/** oclif's FlagOutput and ArgOutput, which its package does not export. */
type ParsedMap = {[name: string]: unknown}

/**
 * Every vsi command extends this: `--json` with one envelope, `--debug`, one error path that maps to exit codes,
 * and redaction of everything printed.
 */
export abstract class VsiCommand<T> extends Command {
  static override enableJsonFlag = true

  static override baseFlags = {
    debug: Flags.boolean({
      description: 'Print debug output and stack traces to stderr (tokens and secrets are redacted).',
      helpGroup: 'GLOBAL',
    }),
  }

  private readonly warnings: string[] = []

  abstract override run(): Promise<T>

  override async init(): Promise<void> {
    await super.init()
    const argvBeforeDoubleDash = this.argv.slice(0, this.argv.includes('--') ? this.argv.indexOf('--') : undefined)
    if (argvBeforeDoubleDash.includes('--debug')) enableDebug()
  }

  /** Piped stdin is read only where `-` asks for it: oclif would otherwise take it as the first missing argument. */
  protected override async parse<F extends ParsedMap, B extends ParsedMap, A extends ParsedMap>(
    options?: Input<F, B, A>,
    argv?: string[],
  ): Promise<ParserOutput<F, B, A>> {
    const input = options ?? (this.ctor as unknown as Input<F, B, A>)
    const args = Object.fromEntries(Object.entries(input.args ?? {}).map(([name, arg]) => [name, {...arg, ignoreStdin: true}]))
    // A command class's inherited statics (baseFlags, enableJsonFlag, strict) are not copied by a spread.
    const {baseFlags, enableJsonFlag, strict} = input
    return super.parse<F, B, A>({...input, baseFlags, enableJsonFlag, strict, args} as Input<F, B, A>, argv)
  }

  override log(message = '', ...args: unknown[]): void {
    super.log(redact(message), ...args)
  }

  override logJson(json: unknown): void {
    // Plain JSON, one document: CI parses it, so no colour and nothing else on stdout.
    process.stdout.write(`${JSON.stringify(redactDeep(json), null, 2)}\n`)
  }

  override warn(input: string | Error): string | Error {
    const message = redact(typeof input === 'string' ? input : input.message)
    this.warnings.push(message)
    if (!this.jsonEnabled()) process.stderr.write(`${errColor.yellow('Warning:')} ${message}\n`)
    return input
  }

  protected override toSuccessJson(result: unknown): unknown {
    // The code the process exits with, as the envelope promises: a command may set one on success (plan's 3).
    return successEnvelope(this.commandName(), result, this.warnings, typeof process.exitCode === 'number' ? process.exitCode : 0)
  }

  protected override toErrorJson(error: unknown): unknown {
    return errorEnvelope(this.commandName(), toVsiError(error), this.warnings)
  }

  /** As the user typed it: `template render`, not oclif's internal `template:render`. */
  private commandName(): string {
    return (this.id ?? '').replaceAll(':', ' ')
  }

  override async catch(error: unknown): Promise<void> {
    // Ctrl-C at a prompt: the user chose to stop; exit as a shell does after SIGINT, with nothing to add.
    if (error instanceof Error && error.name === 'ExitPromptError') {
      process.exitCode = 130
      return
    }
    const vsiError = toVsiError(parseErrorAsUsage(error, Object.keys(this.ctor.flags ?? {})) ?? error)
    // Ctrl-C during a run (the child it ran is already killed): whatever failed after it is its echo, not news.
    if (vsiError.exitCode === ExitCode.interrupted || processInterrupted()) {
      process.exitCode = ExitCode.interrupted
      return
    }
    process.exitCode = vsiError.exitCode
    if (this.jsonEnabled()) {
      this.logJson(this.toErrorJson(vsiError))
      return
    }
    const lines = [`${errColor.red('Error:')} ${vsiError.message}`]
    if (vsiError.hint) lines.push(`${errColor.dim('Hint:')} ${vsiError.hint}`)
    process.stderr.write(`${redact(lines.join('\n'))}\n`)
    const cause = vsiError.code === 'internal' ? (vsiError.cause ?? vsiError) : vsiError.cause
    if (cause instanceof Error && cause.stack) debug(cause.stack)
    else if (vsiError.code === 'internal') process.stderr.write('Run again with --debug for the stack trace.\n')
  }
}

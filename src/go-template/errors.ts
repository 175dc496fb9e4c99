/** A template that Go's text/template would refuse to parse. `message` is Go's text; line/col are 1-based. */
export class TemplateSyntaxError extends Error {
  override readonly name = 'TemplateSyntaxError'
  constructor(
    message: string,
    readonly line: number,
    readonly col: number,
  ) {
    super(message)
  }
}

/** A failure while executing a template, worded as Go's ExecError. line/col (1-based) locate the failing node. */
export class TemplateExecError extends Error {
  override readonly name = 'TemplateExecError'
  constructor(
    message: string,
    readonly line: number,
    readonly col: number,
  ) {
    super(message)
  }
}

/** Thrown by template functions: the executor reports it as `error calling <name>: <message>`. */
export class FuncError extends Error {
  override readonly name = 'FuncError'
}

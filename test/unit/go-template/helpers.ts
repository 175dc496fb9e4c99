import type {RenderContext} from '../../../src/go-template/index.js'
import {parseTemplate, renderTemplate, TemplateExecError, TemplateSyntaxError} from '../../../src/go-template/index.js'

/** Renders with the template named "t", so messages read `template: t:...` as in Go's own tests. */
export function render(text: string, context: RenderContext = {}): string {
  return renderTemplate(parseTemplate(text, {name: 't'}), context)
}

export function syntaxError(text: string): TemplateSyntaxError {
  try {
    parseTemplate(text, {name: 't'})
  } catch (error) {
    if (error instanceof TemplateSyntaxError) return error
    throw error
  }
  throw new Error(`expected a syntax error for ${JSON.stringify(text)}`)
}

export function execError(text: string, context: RenderContext = {}): TemplateExecError {
  try {
    render(text, context)
  } catch (error) {
    if (error instanceof TemplateExecError) return error
    throw error
  }
  throw new Error(`expected an execution error for ${JSON.stringify(text)}`)
}

/** The KV v2 secret of the tutorial, shaped as consul-template's *dependency.Secret. */
export const KV2_SECRET = {
  Data: {
    data: {username: 'db-readonly-username', password: 'db-secret-password'},
    metadata: {
      created_time: '2024-05-06T07:08:09.123456Z',
      custom_metadata: null,
      deletion_time: '',
      destroyed: false,
      version: 1,
    },
  },
}

/**
 * Go text/template with Vault Agent's (consul-template's) functions, for linting `agent-inject-template-*`
 * annotations and rendering them locally. Pure: no I/O; secrets and environment come from the caller.
 */
export type {FieldReference, SecretCall} from './analysis.js'
export {fieldReferences, secretCalls} from './analysis.js'
export {fromGoBytes, goBytes} from './bytes.js'
export {TemplateExecError, TemplateSyntaxError} from './errors.js'
export {formatGoValue} from './fmt.js'
export type {ParsedTemplate, RenderContext, TemplateParseOptions} from './template.js'
export {defaultTemplate} from './default-template.js'
export {KNOWN_FUNCTIONS, parseTemplate, renderTemplate} from './template.js'
export {GoStruct, isDeletedKvV2, JsonNumber, parseVaultJson, stringSlice} from './values.js'

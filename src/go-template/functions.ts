/** The shape of a template function: Go parameter types decide how arguments are converted and checked. */

/** `value` is a reflect.Value parameter (gets missing values as-is); `any` is interface{} (gets nil for them). */
export type ParamType = 'value' | 'any' | 'string' | 'int' | 'float64' | 'bool' | '[]string' | '[]any' | 'map' | 'time' | 'sprig.certificate'

export const PARAM_TYPE_NAMES: Record<ParamType, string> = {
  value: 'reflect.Value',
  any: 'interface {}',
  string: 'string',
  int: 'int',
  float64: 'float64',
  bool: 'bool',
  '[]string': '[]string',
  '[]any': '[]interface {}',
  map: 'map[string]interface {}',
  time: 'time.Time',
  'sprig.certificate': 'sprig.certificate',
}

/** What a function can reach besides its arguments. */
export interface CallContext {
  secret?: (path: string, ...params: string[]) => unknown
  listSecrets?: (path: string) => readonly string[]
  pkiCert?: (path: string, data: Readonly<Record<string, string>>) => unknown
  env: Readonly<Record<string, string>>
  now: () => Date
  executeTemplate: (name: string, data: unknown) => string
}

export interface GoFunc {
  params: ParamType[]
  variadic?: ParamType
  /** and/or evaluate their arguments lazily and return the deciding one. */
  shortCircuit?: 'and' | 'or'
  /** Throw (any Error) to make the template fail with `error calling <name>: <message>`. */
  call: (args: unknown[], context: CallContext) => unknown
}

import {validateContainer, type ContainerLike} from './container-validation.js'
import type {KubeObject} from './types.js'

/** One field error as field.Error renders it into a StatusCause. */
export interface Cause {
  reason: string
  message: string
  field: string
}

const quote = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : String(v))

export const fieldError = {
  required: (field: string, detail = ''): Cause => ({reason: 'FieldValueRequired', message: `Required value${detail ? `: ${detail}` : ''}`, field}),
  invalid: (field: string, value: unknown, detail: string): Cause => ({reason: 'FieldValueInvalid', message: `Invalid value: ${quote(value)}: ${detail}`, field}),
  duplicate: (field: string, value: unknown): Cause => ({reason: 'FieldValueDuplicate', message: `Duplicate value: ${quote(value)}`, field}),
  forbidden: (field: string, detail: string): Cause => ({reason: 'FieldValueForbidden', message: `Forbidden: ${detail}`, field}),
  /** field.NotSupported; `shown` is the bad value as ErrorBody prints it (%q for a string, %#v for a slice) */
  notSupported: (field: string, shown: string, valid: string[]): Cause => ({
    reason: 'FieldValueNotSupported',
    message: `Unsupported value: ${shown}${valid.length ? `: supported values: ${valid.map((v) => JSON.stringify(v)).join(', ')}` : ''}`,
    field,
  }),
}

export const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/

const QUALIFIED_NAME_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"

/** validation.IsQualifiedName, as used for label and annotation keys. */
export function qualifiedNameErrors(key: string): string[] {
  const parts = key.split('/')
  let name = key
  const errs: string[] = []
  if (parts.length === 2) {
    const [prefix, n] = parts
    name = n
    if (!prefix) errs.push('prefix part must be non-empty')
    else if (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix)) {
      errs.push(
        "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      )
    }
  } else if (parts.length > 2) {
    return [
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ]
  }
  if (!name) errs.push('name part must be non-empty')
  else if (name.length > 63) errs.push('name part must be no more than 63 characters')
  if (name && !QUALIFIED_NAME.test(name)) errs.push(QUALIFIED_NAME_MSG)
  return errs
}

export function validateMetadata(meta: {annotations?: Record<string, string> | null; labels?: Record<string, string> | null}, path: string, annotationsField: string): Cause[] {
  const causes: Cause[] = []
  for (const key of Object.keys(meta.labels ?? {})) for (const e of qualifiedNameErrors(key)) causes.push(fieldError.invalid(`${path}labels`, key, e))
  for (const value of Object.values(meta.labels ?? {})) {
    if (value.length > 63 || (value && !QUALIFIED_NAME.test(value))) {
      causes.push(fieldError.invalid(`${path}labels`, value, "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"))
    }
  }
  for (const key of Object.keys(meta.annotations ?? {})) for (const e of qualifiedNameErrors(key.toLowerCase())) causes.push(fieldError.invalid(annotationsField, key, e))
  return causes
}

export function validateName(obj: KubeObject, dnsLabel = false): Cause[] {
  const name = obj.metadata.name
  if (!name && !obj.metadata.generateName) return [fieldError.required('metadata.name', 'name or generateName is required')]
  if (!name) return []
  const ok = dnsLabel ? DNS1123_LABEL.test(name) && name.length <= 63 : DNS1123_SUBDOMAIN.test(name) && name.length <= 253
  if (ok) return []
  return [
    fieldError.invalid(
      'metadata.name',
      name,
      dnsLabel
        ? "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
        : "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ),
  ]
}

interface PodSpecLike {
  containers?: Array<{name: string} & ContainerLike>
  initContainers?: Array<{name: string} & ContainerLike>
  volumes?: Array<{name: string}>
}

/** The pod-spec checks that catch what an injector or a patch can break: names, duplicates, dangling mounts. */
export function validatePodSpec(spec: PodSpecLike | undefined, path: string): Cause[] {
  const causes: Cause[] = []
  if (!spec?.containers?.length) return [fieldError.required(`${path}.containers`)]
  const volumes = new Set<string>()
  spec.volumes?.forEach((v, i) => {
    if (volumes.has(v.name)) causes.push(fieldError.duplicate(`${path}.volumes[${i}].name`, v.name))
    volumes.add(v.name)
  })
  const names = new Set<string>()
  const check = (list: PodSpecLike['containers'], field: string) =>
    list?.forEach((c, i) => {
      if (names.has(c.name)) causes.push(fieldError.duplicate(`${path}.${field}[${i}].name`, c.name))
      names.add(c.name)
      causes.push(...validateContainer(c, `${path}.${field}[${i}]`))
      const paths = new Set<string>()
      c.volumeMounts?.forEach((m, j) => {
        if (!volumes.has(m.name)) causes.push({reason: 'FieldValueNotFound', message: `Not found: ${quote(m.name)}`, field: `${path}.${field}[${i}].volumeMounts[${j}].name`})
        if (paths.has(m.mountPath)) causes.push(fieldError.invalid(`${path}.${field}[${i}].volumeMounts[${j}].mountPath`, m.mountPath, 'must be unique'))
        paths.add(m.mountPath)
      })
    })
  check(spec.initContainers, 'initContainers')
  check(spec.containers, 'containers')
  return causes
}

import type {ResourceType} from './resources.js'

/** A metav1.Status failure, built as apimachinery/pkg/api/errors/errors.go builds it. */
export interface Status {
  kind: 'Status'
  apiVersion: 'v1'
  metadata: Record<string, never>
  status: 'Failure'
  message: string
  reason: string
  details?: {name?: string; group?: string; kind?: string; causes?: Array<{reason?: string; message: string; field?: string}>; retryAfterSeconds?: number}
  code: number
}

export class StatusError extends Error {
  constructor(readonly status: Status) {
    super(status.message)
  }

  get code(): number {
    return this.status.code
  }
}

function failure(code: number, reason: string, message: string, details?: Status['details']): StatusError {
  const status: Status = {kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? {details} : {}), code}
  return new StatusError(status)
}

export const PATCH_MEDIA_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml']
/** The media types the built-in kinds' serializers read (CodecFactory.SupportedMediaTypes: JSON, YAML, protobuf). */
export const BODY_MEDIA_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf']

/** `deployments.apps`, or `pods` for the core group: GroupResource.String(). */
export function qualified(resource: string, group: string): string {
  return group ? `${resource}.${group}` : resource
}

function details(type: ResourceType, name?: string): NonNullable<Status['details']> {
  return {...(name ? {name} : {}), ...(type.group ? {group: type.group} : {}), kind: type.resource}
}

export const errors = {
  notFound: (type: ResourceType, name: string) =>
    failure(404, 'NotFound', `${qualified(type.resource, type.group)} "${name}" not found`, details(type, name)),
  alreadyExists: (type: ResourceType, name: string) =>
    failure(409, 'AlreadyExists', `${qualified(type.resource, type.group)} "${name}" already exists`, details(type, name)),
  conflict: (type: ResourceType, name: string) =>
    failure(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualified(type.resource, type.group)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      details(type, name),
    ),
  /** NewConflict(qualifiedResource, name, err): `Operation cannot be fulfilled on <resource> "<name>": <err>`. */
  conflictBecause: (type: ResourceType, name: string, reason: string) =>
    failure(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(type.resource, type.group)} "${name}": ${reason}`, details(type, name)),
  /** errors.NewApplyConflict (fieldmanager/internal/conflict.go NewConflictError): 409 with one cause per field. */
  applyConflict: (message: string, causes: Array<{message: string; field: string}>) =>
    failure(409, 'Conflict', message, {causes: causes.map((c) => ({reason: 'FieldManagerConflict', ...c}))}),
  forbidden: (type: ResourceType, name: string | undefined, reason: string) => {
    const what = qualified(type.resource, type.group)
    const message = name ? `${what} "${name}" is forbidden: ${reason}` : `${what} is forbidden: ${reason}`
    return failure(403, 'Forbidden', message, details(type, name))
  },
  /** Forbidden on a non-resource URL such as /api (NewForbidden with an empty GroupResource). */
  forbiddenPath: (reason: string) => failure(403, 'Forbidden', `forbidden: ${reason}`, {}),
  invalid: (type: ResourceType, name: string, causes: Array<{reason: string; message: string; field: string}>) =>
    failure(
      422,
      'Invalid',
      `${kindQualified(type)} "${name}" is invalid: ${causes.length === 1 ? `${causes[0].field}: ${causes[0].message}` : `[${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}]`}`,
      // StatusDetails' fields are omitempty: an empty name (options, reviews) is left out
      {...(name ? {name} : {}), ...(type.group ? {group: type.group} : {}), kind: type.kind, causes},
    ),
  badRequest: (message: string) => failure(400, 'BadRequest', message),
  /**
   * A patch whose result does not decode (handlers/patch.go): NewInvalid with an empty GroupKind and name, one
   * field error on the path "patch" quoting the patch (or the patched JSON) and the decoder's message.
   */
  invalidPatch: (value: string, detail: string) =>
    failure(422, 'Invalid', ` "" is invalid: patch: Invalid value: ${JSON.stringify(value)}: ${detail}`, {
      causes: [{reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(value)}: ${detail}`, field: 'patch'}],
    }),
  /** A JSON patch that cannot be applied: NewGenericServerResponse(422, …) keeps only its generic message. */
  patchNotApplicable: () => failure(422, 'Invalid', 'the server rejected our request due to an error in our request', {}),
  /** An admission webhook's denial: ToStatusErr gives code 400 and no reason. */
  webhookDenied: (webhook: string, message: string) => {
    const status = failure(400, '', `admission webhook "${webhook}" denied the request: ${message}`)
    delete (status.status as Partial<Status>).reason
    return status
  },
  /**
   * negotiation.NewUnsupportedMediaTypeError: a patch lists the handler's patch types in installer.go's order (JSON
   * patch, merge patch, strategic merge patch, apply YAML); a body the serializer cannot read lists its media types.
   */
  unsupportedMediaType: (accepted: string[] = PATCH_MEDIA_TYPES) =>
    failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`),
  methodNotSupported: (type: ResourceType, verb: string) =>
    failure(405, 'MethodNotAllowed', `${verb} is not supported on resources of kind "${qualified(type.resource, type.group)}"`, {
      ...(type.group ? {group: type.group} : {}),
      kind: type.resource,
    }),
  /** NewGenericServerResponse(405, "", {}, "", …): no resource named, empty details. */
  methodNotAllowedRoute: () => failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {}),
  unauthorized: () => failure(401, 'Unauthorized', 'Unauthorized'),
  internal: (message: string) =>
    failure(500, 'InternalError', `Internal error occurred: ${message}`, {causes: [{message}]}),
  /** For fault injection: the reason and message the API server uses for each code. */
  forCode: (code: number, message?: string) => {
    switch (code) {
      case 500:
        return errors.internal(message ?? 'injected fault')
      case 503:
        return failure(503, 'ServiceUnavailable', message ?? 'the server is currently unable to handle the request', {})
      case 504:
        return failure(504, 'Timeout', message ?? 'the server was unable to return a response in the time allotted, but may still be processing the request', {})
      case 429:
        return failure(429, 'TooManyRequests', message ?? 'the server has received too many requests and has asked us to try again later', {retryAfterSeconds: 1})
      case 401:
        return errors.unauthorized()
      default:
        return failure(code, code >= 500 ? 'InternalError' : 'BadRequest', message ?? `injected fault (${code})`)
    }
  },
}

/** `Deployment.apps`: how field-validation errors name the kind (schema.GroupKind.String()). */
function kindQualified(type: ResourceType): string {
  return type.group ? `${type.kind}.${type.group}` : type.kind
}

/** The page a real server returns for an unknown path: a bare 404 Status with message "the server could not find the requested resource". */
export const notFoundPath = () => failure(404, 'NotFound', 'the server could not find the requested resource', {})

import {VsiError} from '../errors.js'
import {unreachableReason} from '../network-errors.js'

/** What vsi was doing when the API server answered: names the verb and resource in every error message. */
export interface KubeOperation {
  /** The RBAC verb: get, list, create, patch, … */
  verb: string
  /** The RBAC resource, qualified by group as the API server prints it: `deployments.apps`, `pods/exec`. */
  resource: string
  /** The kind as a user would say it, for "not found" messages: `deployment`. */
  kind?: string
  name?: string
  namespace?: string
}

/** The cluster being talked to, for messages that must say where. */
export interface KubeTarget {
  server: string
  context?: string
}

/** An error from the Kubernetes API with its HTTP status and Status `reason`, for callers that branch on them. */
export class KubeApiError extends VsiError {
  constructor(
    message: string,
    readonly status: number,
    readonly reason: string | undefined,
    options: {code: string; hint?: string; cause?: unknown},
  ) {
    super(message, options)
    this.name = 'KubeApiError'
  }
}

export function isNotFound(error: unknown): boolean {
  return error instanceof KubeApiError && error.status === 404
}

/** RBAC refused the call: for a check, "cannot tell" rather than "broken". */
export function isForbidden(error: unknown): error is KubeApiError {
  return error instanceof KubeApiError && error.status === 403
}

export function isAlreadyExists(error: unknown): boolean {
  return error instanceof KubeApiError && error.status === 409 && error.reason === 'AlreadyExists'
}

interface StatusBody {
  message?: string
  reason?: string
  details?: {name?: string; kind?: string}
}

/** client-node 1.x: `ApiException.body` is the raw response text (undefined for 401), never a parsed Status. */
function parseStatus(body: unknown): StatusBody {
  if (body !== null && typeof body === 'object') return body as StatusBody
  if (typeof body !== 'string' || body.trim() === '') return {}
  try {
    const parsed = JSON.parse(body) as unknown
    return parsed !== null && typeof parsed === 'object' ? (parsed as StatusBody) : {message: body}
  } catch {
    return {message: body.slice(0, 300)}
  }
}

function where(op: KubeOperation): string {
  return op.namespace ? ` in namespace "${op.namespace}"` : ''
}

function objectName(op: KubeOperation): string {
  return op.name ? `${op.resource} "${op.name}"` : op.resource
}

/** Maps an HTTP status (from REST or a refused WebSocket upgrade) and its Status body to a VsiError. */
export function statusError(status: number, body: unknown, op: KubeOperation, target: KubeTarget, cause?: unknown): KubeApiError {
  const parsed = parseStatus(body)
  const serverMessage = parsed.message?.trim()
  const reason = parsed.reason
  const make = (code: string, message: string, hint?: string) => new KubeApiError(message, status, reason, {code, hint, cause})
  const namespaceFlag = op.namespace ? ` -n ${op.namespace}` : ''
  switch (true) {
    case status === 401:
      return make(
        'kube-unauthorized',
        `the Kubernetes API server at ${target.server} rejected the credentials${target.context ? ` of context "${target.context}"` : ''} (401 Unauthorized)`,
        'The token or client certificate in your kubeconfig is invalid or expired: log in to the cluster again (e.g. `minikube update-context`) or pick another --context.',
      )
    case status === 403: {
      const detail = serverMessage?.includes(' is forbidden: ') ? serverMessage.split(' is forbidden: ').slice(1).join(' is forbidden: ') : serverMessage
      return make(
        'kube-forbidden',
        `not allowed to ${op.verb} ${objectName(op)}${where(op)}${detail ? `: ${detail}` : ''}`,
        `Ask a cluster admin for "${op.verb}" on "${op.resource}", or check with: kubectl auth can-i ${op.verb} ${op.resource}${namespaceFlag}`,
      )
    }
    // The API server answers a request into a missing namespace with the namespace's own NotFound
    // (kubernetes/kubernetes staging/src/k8s.io/apiserver/pkg/admission/plugin/namespace/lifecycle/admission.go).
    case status === 404 && parsed.details?.kind === 'namespaces' && op.resource !== 'namespaces':
      return make(
        'kube-namespace-not-found',
        `namespace "${parsed.details.name ?? op.namespace}" does not exist${target.context ? ` in context "${target.context}"` : ''}`,
        `Create it (kubectl create namespace ${parsed.details.name ?? op.namespace}) or pick another with -n.`,
      )
    case status === 404:
      return make(
        'kube-not-found',
        op.name ? `${op.kind ?? op.resource} "${op.name}" not found${where(op)}` : (serverMessage ?? `${op.resource} not found`),
        op.name ? `List what exists with: kubectl get ${op.resource.split('/')[0]}${namespaceFlag}` : undefined,
      )
    case status === 409:
      return make(reason === 'AlreadyExists' ? 'kube-already-exists' : 'kube-conflict', serverMessage ?? `conflict on ${objectName(op)}`)
    case status === 400 || status === 415 || status === 422:
      return make('kube-invalid', `the API server refused to ${op.verb} ${objectName(op)}${where(op)}: ${serverMessage ?? `HTTP ${status}`}`)
    case status === 429 || status >= 500:
      return make(
        'kube-server-error',
        `the Kubernetes API server at ${target.server} failed to ${op.verb} ${objectName(op)} (HTTP ${status}${serverMessage ? `: ${serverMessage}` : ''})`,
        'This is a problem on the cluster side; retry, and check the control plane (kubectl get --raw /readyz).',
      )
    default:
      return make('kube-error', `${op.verb} ${objectName(op)}${where(op)} failed: HTTP ${status}${serverMessage ? `: ${serverMessage}` : ''}`)
  }
}

interface SystemErrorShape {
  name?: string
  code?: string
  errno?: string
  type?: string
  message?: string
  cause?: unknown
}

function systemCode(error: SystemErrorShape): string | undefined {
  const code = error.code ?? error.errno
  if (typeof code === 'string') return code
  const cause = error.cause as SystemErrorShape | undefined
  return cause && typeof cause === 'object' ? systemCode(cause) : undefined
}

function isTlsFailure(code: string | undefined, message: string): boolean {
  return (
    (code !== undefined && (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/.test(code) || code.startsWith('ERR_TLS'))) ||
    /certificate|self[- ]signed|ssl3?_|tls/i.test(message)
  )
}

/** The aborts vsi itself causes when --timeout runs out. */
export function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')
}

export function timeoutError(what: string, hint?: string): VsiError {
  return new VsiError(`timed out ${what}`, {code: 'timeout', hint: hint ?? 'Raise --timeout if the cluster is just slow.'})
}

/** Network-level failures: the request never got an HTTP answer. */
export function transportError(error: unknown, op: KubeOperation, target: KubeTarget): VsiError {
  if (error instanceof VsiError) return error
  if (isAbort(error)) return timeoutError(`waiting for the Kubernetes API server to ${op.verb} ${objectName(op)}`)
  const shape = (error ?? {}) as SystemErrorShape
  const message = shape.message ?? String(error)
  const code = systemCode(shape)
  if (isTlsFailure(code, message)) {
    return new VsiError(`TLS handshake with the Kubernetes API server at ${target.server} failed: ${message}`, {
      code: 'kube-tls',
      hint: "The cluster's certificate does not match the kubeconfig's certificate-authority: refresh the kubeconfig of this cluster.",
      cause: error,
    })
  }
  const unreachable = unreachableReason(code)
  if (unreachable) {
    return new VsiError(`cannot reach the Kubernetes API server at ${target.server}: ${unreachable}`, {
      code: 'kube-unreachable',
      hint: `Is the cluster running (e.g. \`minikube status\`)? Check the server of ${target.context ? `context "${target.context}"` : 'the current context'} with \`kubectl cluster-info\`.`,
      cause: error,
    })
  }
  return new VsiError(`request to the Kubernetes API server at ${target.server} failed: ${message}`, {code: 'kube-error', cause: error})
}

interface ApiExceptionShape {
  code: number
  body?: unknown
}

function isApiException(error: unknown): error is ApiExceptionShape {
  return error instanceof Error && typeof (error as Partial<ApiExceptionShape>).code === 'number' && /^HTTP-Code: /.test(error.message)
}

/** The one place a client-node failure becomes a VsiError. */
export function kubeError(error: unknown, op: KubeOperation, target: KubeTarget): VsiError {
  if (isApiException(error)) return statusError(error.code, error.body, op, target, error)
  return transportError(error, op, target)
}

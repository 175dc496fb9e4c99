// What a backend handler hands back, mirroring the (response, error) pairs of Vault's Go
// handlers so that one renderer (render.ts) can pick status codes the way Vault does.

export interface AuthBlock {
  client_token: string
  accessor: string
  policies: string[]
  token_policies: string[]
  metadata: Record<string, string> | null
  lease_duration: number
  renewable: boolean
  entity_id: string
  token_type: string
  orphan: boolean
  mfa_requirement: null
  num_uses: number
}

export interface ResponseReply {
  kind: 'response'
  data: Record<string, unknown> | null
  warnings: string[]
  auth?: AuthBlock
  leaseDuration?: number
}

/** The handler returned (nil, nil): 204 for writes, 404 for reads and lists. */
export interface NilReply {
  kind: 'nil'
}

/**
 * logical.ErrorResponse(msg): the message is what the client sees. The paired Go error
 * only picks the status: none or ErrInvalidRequest → 400, ErrPermissionDenied → 403,
 * ErrUnsupportedPath → 404.
 */
export interface ErrorResponseReply {
  kind: 'errorResponse'
  message: string
  status: 400 | 403 | 404
}

/**
 * A bare Go error. On normal requests Vault core wraps it in a multierror ("1 error
 * occurred: …"); on login requests it does not. `status` is set for logical.CodedError.
 */
export interface GoErrorReply {
  kind: 'goError'
  message: string
  status?: number
  /** Why, when Vault only logs it (e.g. a failed TokenReview); shown in the request log. */
  reason?: string
}

/**
 * logical.RespondWithStatusCode: the whole envelope with a chosen status (KV soft-delete 404s). Without a response
 * (RespondWithStatusCode(nil, …)) there is no HTTPRawBody and http/logical.go respondRaw writes the status alone.
 */
export interface RawReply {
  kind: 'raw'
  status: number
  response?: ResponseReply
}

export type Reply = ResponseReply | NilReply | ErrorResponseReply | GoErrorReply | RawReply

export const ok = (data: Record<string, unknown> | null, warnings: string[] = []): ResponseReply => ({kind: 'response', data, warnings})
export const nil = (): NilReply => ({kind: 'nil'})
export const errorResponse = (message: string, status: 400 | 403 | 404 = 400): ErrorResponseReply => ({kind: 'errorResponse', message, status})
export const goError = (message: string, status?: number, reason?: string): GoErrorReply => ({kind: 'goError', message, status, reason})
export const withStatus = (status: number, response?: ResponseReply): RawReply => ({kind: 'raw', status, response})
export const listOf = (keys: string[]): ResponseReply => ok({keys})

export const PERMISSION_DENIED = 'permission denied'
export const UNSUPPORTED_PATH = 'unsupported path'
export const UNSUPPORTED_OPERATION = 'unsupported operation'

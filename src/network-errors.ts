/**
 * Why a request got no HTTP answer, in a few words, by Node's system error code. The one table behind both
 * "cannot reach the Kubernetes API server" and "Cannot reach Vault".
 */
const UNREACHABLE_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found (DNS)',
  EAI_AGAIN: 'DNS lookup failed',
  ETIMEDOUT: 'connection timed out',
  ECONNABORTED: 'timed out',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed',
}

/** The reason for a system error code that means "the server could not be reached"; undefined for any other code. */
export function unreachableReason(code: string | undefined): string | undefined {
  return code !== undefined && Object.hasOwn(UNREACHABLE_REASONS, code) ? UNREACHABLE_REASONS[code] : undefined
}

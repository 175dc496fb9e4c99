// Service-account JWT checks of the Kubernetes auth method before it calls TokenReview
// (vault-plugin-auth-kubernetes path_login.go parseAndValidateJWT, using hashicorp/cap jwt
// Validator.ValidateAllowMissingIatNbfExp): parse, optional signature check against
// pem_keys, issuer, audience and time claims.
import {constants, createPublicKey, verify, X509Certificate, type KeyObject} from 'node:crypto'

const ALGORITHMS: Record<string, {hash: string; kind: 'rsa' | 'pss' | 'ec'}> = {
  RS256: {hash: 'sha256', kind: 'rsa'},
  RS384: {hash: 'sha384', kind: 'rsa'},
  RS512: {hash: 'sha512', kind: 'rsa'},
  PS256: {hash: 'sha256', kind: 'pss'},
  PS384: {hash: 'sha384', kind: 'pss'},
  PS512: {hash: 'sha512', kind: 'pss'},
  ES256: {hash: 'sha256', kind: 'ec'},
  ES384: {hash: 'sha384', kind: 'ec'},
  ES512: {hash: 'sha512', kind: 'ec'},
}

/** go-jose's DefaultLeeway (clock skew) and cap's default exp/nbf leeway, in seconds. */
const CLOCK_SKEW = 60
const DEFAULT_LEEWAY = 150

export interface ServiceAccountClaims {
  name: string
  namespace: string
  uid: string
  secretName: string
  audiences: string[]
}

/**
 * How a JWT check failed. `signature` failures become a bare 403 "permission denied";
 * `claims` failures a 403 carrying the validator's message.
 */
export class JwtError extends Error {
  constructor(
    readonly kind: 'signature' | 'claims',
    message: string,
  ) {
    super(message)
  }
}

/** parsePublicKeyPEM: an RSA or ECDSA public key, or a certificate carrying one. */
export function parsePemKey(pem: string): KeyObject {
  const fail = new Error('data does not contain any valid RSA or ECDSA public keys')
  let key: KeyObject
  try {
    key = pem.includes('CERTIFICATE') ? new X509Certificate(pem).publicKey : createPublicKey(pem)
  } catch {
    throw fail
  }
  if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'ec') throw fail
  return key
}

function decodeSegment(segment: string): unknown {
  if (!/^[A-Za-z0-9_-]*$/.test(segment)) throw new Error('illegal base64 data')
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'))
}

function signatureValid(signingInput: string, signature: Buffer, alg: string, keys: KeyObject[]): boolean {
  const spec = ALGORITHMS[alg]!
  return keys.some((key) => {
    try {
      if (spec.kind === 'pss') return verify(spec.hash, Buffer.from(signingInput), {key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST}, signature)
      if (spec.kind === 'ec') return verify(spec.hash, Buffer.from(signingInput), {key, dsaEncoding: 'ieee-p1363'}, signature)
      return verify(spec.hash, Buffer.from(signingInput), key, signature)
    } catch {
      return false
    }
  })
}

export interface JwtCheck {
  jwt: string
  publicKeys: KeyObject[]
  /** Set only when issuer validation is on and an issuer is configured. */
  issuer?: string
  audience?: string
  nowMs: number
}

export function validateServiceAccountJwt(check: JwtCheck): ServiceAccountClaims {
  const parts = check.jwt.split('.')
  const signatureError = (msg: string): JwtError => new JwtError('signature', `error verifying token signature: ${msg}`)
  if (parts.length !== 3) throw signatureError('go-jose/go-jose: compact JWS format must have three parts')
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string]
  let header: {alg?: unknown}
  let claims: Record<string, unknown>
  try {
    header = decodeSegment(headerPart) as {alg?: unknown}
    claims = decodeSegment(payloadPart) as Record<string, unknown>
  } catch (error) {
    throw signatureError(`go-jose/go-jose: ${(error as Error).message}`)
  }
  const alg = typeof header.alg === 'string' ? header.alg : ''
  if (!(alg in ALGORITHMS)) {
    throw signatureError(`go-jose/go-jose: unexpected signature algorithm "${alg}"; expected ${JSON.stringify(Object.keys(ALGORITHMS))}`)
  }
  const signature = Buffer.from(signaturePart, 'base64url')
  if (check.publicKeys.length > 0 && !signatureValid(`${headerPart}.${payloadPart}`, signature, alg, check.publicKeys)) {
    throw signatureError('failed to verify id token signature')
  }
  if (signature.length === 0) throw new JwtError('claims', 'invalid algorithm (alg) header parameter: token must be signed')
  if (check.issuer !== undefined && claims['iss'] !== check.issuer) throw new JwtError('claims', 'invalid issuer (iss) claim')
  const audiences = typeof claims['aud'] === 'string' ? [claims['aud']] : Array.isArray(claims['aud']) ? claims['aud'].map(String) : []
  if (check.audience !== undefined && !audiences.includes(check.audience)) {
    throw new JwtError('claims', 'invalid audience (aud) claim: audience claim does not match any expected audience')
  }
  checkTimes(claims, check.nowMs / 1000)
  return {...serviceAccountOf(claims), audiences}
}

function checkTimes(claims: Record<string, unknown>, now: number): void {
  const num = (k: string): number => (typeof claims[k] === 'number' ? (claims[k] as number) : 0)
  const iat = num('iat')
  let exp = num('exp')
  let nbf = num('nbf')
  if (iat === 0 && exp === 0 && nbf === 0) return
  if (exp === 0) exp = Math.max(iat, nbf) + DEFAULT_LEEWAY
  if (nbf === 0) nbf = iat !== 0 ? iat : exp - DEFAULT_LEEWAY
  if (now + CLOCK_SKEW < nbf) throw new JwtError('claims', 'invalid not before (nbf) claim: token not yet valid')
  if (now - CLOCK_SKEW > exp) throw new JwtError('claims', 'invalid expiration time (exp) claim: token is expired')
  if (iat !== 0 && now + CLOCK_SKEW < iat) throw new JwtError('claims', 'invalid issued at (iat) claim: token issued in the future')
}

/** Projected-token claims under "kubernetes.io" win over the legacy secret-token claims. */
function serviceAccountOf(claims: Record<string, unknown>): Omit<ServiceAccountClaims, 'audiences'> {
  const str = (v: unknown): string => (typeof v === 'string' ? v : '')
  const legacy = {
    name: str(claims['kubernetes.io/serviceaccount/service-account.name']),
    uid: str(claims['kubernetes.io/serviceaccount/service-account.uid']),
    namespace: str(claims['kubernetes.io/serviceaccount/namespace']),
    secretName: str(claims['kubernetes.io/serviceaccount/secret.name']),
  }
  const projected = claims['kubernetes.io'] as {namespace?: unknown; serviceaccount?: {name?: unknown; uid?: unknown}} | undefined
  if (projected === undefined || projected === null || typeof projected !== 'object') return legacy
  const sa = projected.serviceaccount
  return {
    namespace: str(projected.namespace),
    name: sa ? str(sa.name) : legacy.name,
    uid: sa ? str(sa.uid) : legacy.uid,
    secretName: legacy.secretName,
  }
}

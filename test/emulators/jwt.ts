/**
 * RS256 JSON Web Tokens for the emulators: the Kubernetes emulator signs service-account tokens with it, and any
 * emulator can decode them. Node's crypto only, no dependency.
 *
 *   createSigningKey(): SigningKey                       one RSA-2048 key (cached per process: generating is slow)
 *   signJwt(claims, key): string                         header {alg: RS256, kid}
 *   verifyJwt(token, key): JwtClaims | undefined         signature only; callers check exp/aud themselves
 *   decodeJwt(token): {header, claims} | undefined       no verification
 */
import {createHash, createSign, createVerify, generateKeyPairSync, type KeyObject} from 'node:crypto'

export type JwtClaims = Record<string, unknown>

export interface SigningKey {
  privateKey: KeyObject
  publicKey: KeyObject
  kid: string
  publicKeyPem: string
}

let cached: SigningKey | undefined

export function createSigningKey(): SigningKey {
  if (cached) return cached
  const {privateKey, publicKey} = generateKeyPairSync('rsa', {modulusLength: 2048})
  const publicKeyPem = publicKey.export({type: 'spki', format: 'pem'}).toString()
  // The API server's kid is the base64url SHA-256 of the DER public key.
  const kid = createHash('sha256').update(publicKey.export({type: 'spki', format: 'der'})).digest('base64url')
  cached = {privateKey, publicKey, kid, publicKeyPem}
  return cached
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

export function signJwt(claims: JwtClaims, key: SigningKey): string {
  const signingInput = `${encode({alg: 'RS256', kid: key.kid})}.${encode(claims)}`
  const signature = createSign('RSA-SHA256').update(signingInput).sign(key.privateKey).toString('base64url')
  return `${signingInput}.${signature}`
}

export function decodeJwt(token: string): {header: JwtClaims; claims: JwtClaims} | undefined {
  const parts = token.split('.')
  if (parts.length !== 3) return undefined
  try {
    return {
      header: JSON.parse(Buffer.from(parts[0], 'base64url').toString()) as JwtClaims,
      claims: JSON.parse(Buffer.from(parts[1], 'base64url').toString()) as JwtClaims,
    }
  } catch {
    return undefined
  }
}

export function verifyJwt(token: string, key: Pick<SigningKey, 'publicKey'>): JwtClaims | undefined {
  const parts = token.split('.')
  const decoded = decodeJwt(token)
  if (!decoded || decoded.header.alg !== 'RS256') return undefined
  const ok = createVerify('RSA-SHA256').update(`${parts[0]}.${parts[1]}`).verify(key.publicKey, Buffer.from(parts[2], 'base64url'))
  return ok ? decoded.claims : undefined
}

/**
 * sprig v3.3.0's crypto functions (Masterminds/sprig crypto.go) as consul-template offers them under `sprig_`:
 * derivePassword, encryptAES/decryptAES, bcrypt/htpasswd, genPrivateKey, buildCustomCert and the genCA /
 * genSelfSignedCert / genSignedCert families, plus randInt and shuffle (functions.go, huandu/xstrings).
 * The deterministic ones give Go's bytes; the random ones give what Go's would, with other random bits.
 */
import {createCipheriv, createDecipheriv, createHash, createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, randomInt, scryptSync, sign, X509Certificate} from 'node:crypto'
import type {KeyObject} from 'node:crypto'
import {createRequire} from 'node:module'
import type * as BcryptModule from 'bcryptjs'
import {isIPv4, isIPv6} from 'node:net'

import {fromGoBytes, goBytes, validUtf8} from './bytes.js'
import {bitString, children, der, explicit, implicit, integer, oid, readElement, sequence, TAG, unsigned} from './der.js'
import {formatGoValue} from './fmt.js'
import {decodeBase64} from './gostd.js'
import type {GoFunc, ParamType} from './functions.js'
import {GoStruct} from './values.js'

const fn = (params: ParamType[], call: (args: unknown[]) => unknown): GoFunc => ({params, call: (args) => call(args)})
const str = (value: unknown): string => value as string

// ---------- derivePassword: Master Password's algorithm, as sprig writes it ----------

const MASTER_PASSWORD_SEED = 'com.lyndir.masterpassword'
const PASSWORD_TEMPLATES: Record<string, string[]> = {
  maximum: ['anoxxxxxxxxxxxxxxxxx', 'axxxxxxxxxxxxxxxxxno'],
  long: ['CvcvnoCvcvCvcv', 'CvcvCvcvnoCvcv', 'CvcvCvcvCvcvno', 'CvccnoCvcvCvcv', 'CvccCvcvnoCvcv', 'CvccCvcvCvcvno', 'CvcvnoCvccCvcv', 'CvcvCvccnoCvcv',
    'CvcvCvccCvcvno', 'CvcvnoCvcvCvcc', 'CvcvCvcvnoCvcc', 'CvcvCvcvCvccno', 'CvccnoCvccCvcv', 'CvccCvccnoCvcv', 'CvccCvccCvcvno', 'CvcvnoCvccCvcc',
    'CvcvCvccnoCvcc', 'CvcvCvccCvccno', 'CvccnoCvcvCvcc', 'CvccCvcvnoCvcc', 'CvccCvcvCvccno'],
  medium: ['CvcnoCvc', 'CvcCvcno'],
  short: ['Cvcn'],
  basic: ['aaanaaan', 'aannaaan', 'aaannaaa'],
  pin: ['nnnn'],
}
const TEMPLATE_CHARACTERS: Record<string, string> = {
  V: 'AEIOU',
  C: 'BCDFGHJKLMNPQRSTVWXYZ',
  v: 'aeiou',
  c: 'bcdfghjklmnpqrstvwxyz',
  A: 'AEIOUBCDFGHJKLMNPQRSTVWXYZ',
  a: 'AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz',
  n: '0123456789',
  o: "@&%?,=[]_:-+*$#!'^~;()/.",
  x: 'AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()',
}

const uint32 = (n: number): Buffer => {
  const buffer = Buffer.alloc(4)
  buffer.writeUInt32BE(n >>> 0)
  return buffer
}

function derivePassword(counter: number, passwordType: string, password: string, user: string, site: string): string {
  if (!Object.hasOwn(PASSWORD_TEMPLATES, passwordType)) return `cannot find password template ${passwordType}`
  const templates = PASSWORD_TEMPLATES[passwordType]
  const seed = Buffer.from(MASTER_PASSWORD_SEED)
  const salt = Buffer.concat([seed, uint32(goBytes(user).length), goBytes(user)])
  const key = scryptSync(goBytes(password), salt, 64, {N: 32768, r: 8, p: 2, maxmem: 128 * 32768 * 8 * 2 * 2})
  const siteBytes = goBytes(site)
  const digest = createHmac('sha256', key).update(Buffer.concat([seed, uint32(siteBytes.length), siteBytes, uint32(counter)])).digest()
  const template = templates[digest[0] % templates.length]
  return [...template].map((element, i) => TEMPLATE_CHARACTERS[element][digest[i + 1] % TEMPLATE_CHARACTERS[element].length]).join('')
}

// ---------- AES: AES-256-CBC, the password's bytes zero-padded or cut to 32 as the key, a random IV in front ----------

function aesKey(password: string): Buffer {
  const key = Buffer.alloc(32)
  goBytes(password).copy(key, 0, 0, 32)
  return key
}

function encryptAES(password: string, plaintext: string): string {
  if (plaintext === '') return ''
  const iv = randomBytes(16)
  // node's PKCS#7 padding is sprig's: always 1 to 16 bytes of the pad length.
  const cipher = createCipheriv('aes-256-cbc', aesKey(password), iv)
  return Buffer.concat([iv, cipher.update(goBytes(plaintext)), cipher.final()]).toString('base64')
}

/** base64.StdEncoding.DecodeString's bytes, or its error (Go's offsets): the decoder b64dec uses. */
function decodeStd(text: string): Buffer {
  return goBytes(decodeBase64(text, false))
}

/** sprig checks no padding: what Go does with a wrong password or short input, panics included, is reproduced. */
function decryptAES(password: string, crypt64: string): string {
  if (crypt64 === '') return ''
  const clean = crypt64.replace(/[\r\n]/g, '')
  const crypt = decodeStd(crypt64)
  // DecodeString's buffer has DecodedLen's capacity; crypt[:16] panics past it.
  if (crypt.length < 16) throw new Error(`runtime error: slice bounds out of range [:16] with capacity ${(clean.length / 4) * 3}`)
  const body = crypt.subarray(16)
  if (body.length % 16 !== 0) throw new Error('crypto/cipher: input not full blocks')
  if (body.length === 0) throw new Error('runtime error: index out of range [-1]')
  const decipher = createDecipheriv('aes-256-cbc', aesKey(password), crypt.subarray(0, 16)).setAutoPadding(false)
  const decrypted = Buffer.concat([decipher.update(body), decipher.final()])
  const end = decrypted.length - decrypted[decrypted.length - 1]
  if (end < 0) throw new Error(`runtime error: slice bounds out of range [:${end}]`)
  return fromGoBytes(decrypted.subarray(0, end))
}

// ---------- bcrypt (golang.org/x/crypto/bcrypt at DefaultCost 10, $2a$) ----------

/** bcryptjs, loaded on first use (template functions are synchronous, so through require, not import()). */
type Bcrypt = typeof BcryptModule
let bcryptjs: Bcrypt | undefined
const bcryptLibrary = (): Bcrypt => (bcryptjs ??= createRequire(import.meta.url)('bcryptjs') as Bcrypt)

function bcrypt(input: string): string {
  const password = goBytes(input)
  if (password.length > 72) return 'failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes'
  // bcryptjs writes $2b$ salts; Go writes $2a$, which hashes the same for passwords up to 72 bytes.
  const salt = bcryptLibrary().genSaltSync(10).replace(/^\$2b\$/, '$2a$')
  return bcryptLibrary().hashSync(input, salt)
}

// ---------- keys ----------

interface PrivateKey {
  kind: 'rsa' | 'ecdsa' | 'ed25519' | 'x25519' | 'dsa'
  key?: KeyObject
  /** DSA: p, q, g, y, x (node can neither import nor sign with a raw DSA key; Go's x509 signs with none). */
  dsa?: bigint[]
}

function pemEncode(type: string, bytes: Buffer): string {
  const lines = bytes.toString('base64').match(/.{1,64}/g) ?? []
  return `-----BEGIN ${type}-----\n${lines.map((line) => `${line}\n`).join('')}-----END ${type}-----\n`
}

/** encoding/pem.Decode's first block: its type and bytes. */
function pemDecode(text: string): {type: string; bytes: Buffer} | undefined {
  const match = /-----BEGIN ([^\n-]*)-----\r?\n((?:[^\n:]*:[^\n]*\r?\n)*\r?\n?)?([A-Za-z0-9+/=\s]*?)-----END \1-----/.exec(text)
  if (!match) return undefined
  return {type: match[1], bytes: Buffer.from(match[3].replace(/\s/g, ''), 'base64')}
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n
  let b = base % modulus
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus
    b = (b * b) % modulus
  }
  return result
}

/** A DSA key from node's PKCS#8 (p, q, g in the algorithm's parameters, x in the key), with y = g^x mod p. */
function dsaFromPkcs8(bytes: Buffer): bigint[] {
  const [, algorithm, keyOctets] = children(readElement(bytes).content)
  const [p, q, g] = children(children(algorithm.content)[1].content).map((e) => unsigned(e.content))
  const x = unsigned(readElement(keyOctets.content).content)
  return [p, q, g, modPow(g, x, p), x]
}

function kindOf(key: KeyObject): PrivateKey['kind'] {
  const type = key.asymmetricKeyType
  if (type === 'rsa' || type === 'ed25519' || type === 'x25519' || type === 'dsa') return type
  if (type === 'ec') return 'ecdsa'
  throw new Error(`x509: PKCS#8 wrapping contained private key with unknown algorithm: ${type}`)
}

/** pemBlockForKey: PKCS#1 for RSA, SEC 1 for ECDSA, sprig's own SEQUENCE for DSA, PKCS#8 for the others. */
function keyPem(priv: PrivateKey): string {
  if (priv.kind === 'dsa') return pemEncode('DSA PRIVATE KEY', sequence(integer(0n), ...priv.dsa!.map(integer)))
  if (priv.kind === 'rsa') return pemEncode('RSA PRIVATE KEY', priv.key!.export({type: 'pkcs1', format: 'der'}))
  if (priv.kind === 'ecdsa') return pemEncode('EC PRIVATE KEY', priv.key!.export({type: 'sec1', format: 'der'}))
  return pemEncode('PRIVATE KEY', priv.key!.export({type: 'pkcs8', format: 'der'}))
}

function generateKey(type: string): PrivateKey | undefined {
  switch (type) {
    case '':
    case 'rsa':
      return {kind: 'rsa', key: generateKeyPairSync('rsa', {modulusLength: 4096}).privateKey}
    case 'dsa': {
      const {privateKey} = generateKeyPairSync('dsa', {modulusLength: 2048, divisorLength: 256})
      return {kind: 'dsa', dsa: dsaFromPkcs8(privateKey.export({type: 'pkcs8', format: 'der'}))}
    }
    case 'ecdsa':
      return {kind: 'ecdsa', key: generateKeyPairSync('ec', {namedCurve: 'P-256'}).privateKey}
    case 'ed25519':
      return {kind: 'ed25519', key: generateKeyPairSync('ed25519').privateKey}
    default:
      return undefined
  }
}

/** sprig's parsePrivateKeyPEM, with its messages. */
function parsePrivateKeyPem(text: string): PrivateKey {
  const block = pemDecode(text)
  if (!block) throw new Error('no PEM data in input')
  const load = (type: 'pkcs8' | 'pkcs1' | 'sec1', what: string): PrivateKey => {
    try {
      const key = createPrivateKey({key: block.bytes, format: 'der', type})
      return {kind: kindOf(key), key}
    } catch (error) {
      throw new Error(`${what}: ${(error as Error).message}`)
    }
  }
  if (block.type === 'PRIVATE KEY') {
    const key = load('pkcs8', 'decoding PEM as PKCS#8')
    return key.kind === 'dsa' ? {kind: 'dsa', dsa: dsaFromPkcs8(block.bytes)} : key
  }
  if (!block.type.endsWith(' PRIVATE KEY')) throw new Error(`no private key data in PEM block of type ${block.type}`)
  switch (block.type.slice(0, -12)) {
    case 'RSA':
      return load('pkcs1', 'parsing RSA private key from PEM')
    case 'EC':
      return load('sec1', 'parsing EC private key from PEM')
    case 'DSA':
      try {
        const fields = children(readElement(block.bytes).content).map((e) => unsigned(e.content))
        if (fields.length !== 6) throw new Error('asn1: syntax error: sequence truncated')
        return {kind: 'dsa', dsa: fields.slice(1)}
      } catch (error) {
        throw new Error(`parsing DSA private key from PEM: ${(error as Error).message}`)
      }
    default:
      throw new Error(`invalid private key type ${block.type}`)
  }
}

// ---------- certificates (crypto/x509 CreateCertificate, as sprig's getBaseCertTemplate fills it) ----------

interface CertTemplate {
  cn: string
  ips: Buffer[]
  dnsNames: string[]
  daysValid: number
  isCA: boolean
}

interface Parent {
  subject: Buffer
  subjectKeyId?: Buffer
  spki: Buffer
}

/** net.ParseIP, as 4 bytes for IPv4 (marshalSANs writes To4() when it has one), else 16. */
function parseIp(text: string): Buffer | undefined {
  if (isIPv4(text)) return Buffer.from(text.split('.').map(Number))
  if (!isIPv6(text) || text.includes('%')) return undefined
  let tail: number[] = []
  let body = text
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  if (v4) {
    tail = v4[1].split('.').map(Number)
    body = text.slice(0, -v4[1].length)
    body = body.endsWith('::') ? body : body.replace(/:$/, '')
  }
  const [head, rest] = body.split('::')
  const groups = (part: string | undefined): number[] => (part ? part.split(':').filter((g) => g !== '').flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]) : [])
  const front = groups(head)
  const back = [...groups(rest), ...tail]
  const bytes = rest === undefined ? [...front, ...tail] : [...front, ...Array(16 - front.length - back.length).fill(0), ...back]
  const ip = Buffer.from(bytes)
  const mapped = ip.subarray(0, 12).equals(Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]))
  return mapped ? ip.subarray(12) : ip
}

function goList(values: unknown, what: (value: unknown) => string): string[] {
  return ((values as unknown[] | null) ?? []).map((value) => {
    if (typeof value !== 'string') throw new Error(what(value))
    return value
  })
}

/** encoding/asn1 writes a string as PrintableString when it can, else UTF8String. */
function asn1String(text: string): Buffer {
  return /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(text) ? der(TAG.printableString, Buffer.from(text)) : der(TAG.utf8String, goBytes(text))
}

function asn1Time(date: Date): Buffer {
  const iso = date.toISOString()
  const digits = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`
  const year = date.getUTCFullYear()
  return year >= 1950 && year < 2050 ? der(TAG.utcTime, Buffer.from(digits.slice(2))) : der(TAG.generalizedTime, Buffer.from(digits))
}

const extension = (id: string, critical: boolean, value: Buffer): Buffer =>
  sequence(oid(id), ...(critical ? [der(TAG.boolean, Buffer.from([0xff]))] : []), der(TAG.octetString, value))

/** The signature algorithm Go picks for a signing key (signingParamsForPublicKey), and how node signs with it. */
function signingParams(priv: PrivateKey): {algorithm: Buffer; hash: string | null} {
  if (priv.kind === 'rsa') return {algorithm: sequence(oid('1.2.840.113549.1.1.11'), der(TAG.null)), hash: 'sha256'}
  if (priv.kind === 'ed25519') return {algorithm: sequence(oid('1.3.101.112')), hash: null}
  if (priv.kind === 'ecdsa') {
    const curve = priv.key!.asymmetricKeyDetails?.namedCurve
    if (curve === 'secp384r1') return {algorithm: sequence(oid('1.2.840.10045.4.3.3')), hash: 'sha384'}
    if (curve === 'secp521r1') return {algorithm: sequence(oid('1.2.840.10045.4.3.4')), hash: 'sha512'}
    return {algorithm: sequence(oid('1.2.840.10045.4.3.2')), hash: 'sha256'}
  }
  throw new Error('x509: certificate private key does not implement crypto.Signer')
}

function publicKeyInfo(priv: PrivateKey): Buffer {
  if (priv.kind === 'dsa') throw new Error('x509: unsupported public key type: *dsa.PublicKey')
  return createPublicKey(priv.key!).export({type: 'spki', format: 'der'})
}

function createCertificate(template: CertTemplate, signee: PrivateKey, parent: Parent | 'self', signer: PrivateKey): string {
  const {algorithm, hash} = signingParams(signer)
  const spki = publicKeyInfo(signee)
  if (parent !== 'self' && !publicKeyInfo(signer).equals(parent.spki)) throw new Error("x509: provided PrivateKey doesn't match parent's PublicKey")
  const subject = sequence(...(template.cn === '' ? [] : [der(TAG.set, sequence(oid('2.5.4.3'), asn1String(template.cn)))]))
  const issuer = parent === 'self' ? subject : parent.subject
  const now = new Date()
  const notAfter = new Date(now.getTime() + template.daysValid * 86_400_000)
  const keyBits = children(readElement(spki).content)[1].content.subarray(1)
  // KeyEncipherment | DigitalSignature (| CertSign for a CA), bits reversed as marshalKeyUsage writes them.
  const keyUsage = template.isCA ? bitString(Buffer.from([0xa4]), 2) : bitString(Buffer.from([0xa0]), 5)
  const extensions = [
    extension('2.5.29.15', true, keyUsage),
    extension('2.5.29.37', false, sequence(oid('1.3.6.1.5.5.7.3.1'), oid('1.3.6.1.5.5.7.3.2'))),
    extension('2.5.29.19', true, sequence(...(template.isCA ? [der(TAG.boolean, Buffer.from([0xff]))] : []))),
  ]
  // A CA without a SubjectKeyId gets the first 160 bits of the SHA-256 of its public key (Go 1.25+, go.dev/issue/71746;
  // earlier Go took SHA-1; Vault 2.x is built with a newer Go); a certificate names its issuer's.
  if (template.isCA) extensions.push(extension('2.5.29.14', false, der(TAG.octetString, createHash('sha256').update(keyBits).digest().subarray(0, 20))))
  if (parent !== 'self' && !issuer.equals(subject) && parent.subjectKeyId) extensions.push(extension('2.5.29.35', false, sequence(implicit(0, parent.subjectKeyId))))
  if (template.dnsNames.length > 0 || template.ips.length > 0) {
    const names = [...template.dnsNames.map((name) => implicit(2, Buffer.from(name, 'latin1'))), ...template.ips.map((ip) => implicit(7, ip))]
    extensions.push(extension('2.5.29.17', template.cn === '', sequence(...names)))
  }
  const tbs = sequence(
    explicit(0, integer(2n)),
    integer(BigInt(`0x${randomBytes(16).toString('hex')}`)),
    algorithm,
    issuer,
    sequence(asn1Time(now), asn1Time(notAfter)),
    subject,
    spki,
    explicit(3, sequence(...extensions)),
  )
  const signature = sign(hash, tbs, signer.key!)
  return pemEncode('CERTIFICATE', sequence(tbs, algorithm, bitString(signature)))
}

function parentOf(ca: GoStruct): {parent: Parent; key: PrivateKey} {
  const block = pemDecode(str(ca.field('Cert').value))
  if (!block) throw new Error('unable to decode certificate')
  let parent: Parent
  try {
    new X509Certificate(block.bytes)
    const tbs = children(children(readElement(block.bytes).content)[0].content)
    const fields = tbs[0].tag === 0xa0 ? tbs.slice(1) : tbs
    const extensions = tbs.find((e) => e.tag === 0xa3)
    const ski = extensions && children(readElement(extensions.content).content).find((e) => children(e.content)[0].content.equals(oid('2.5.29.14').subarray(2)))
    parent = {subject: fields[4].raw, spki: fields[5].raw, subjectKeyId: ski && readElement(children(ski.content).at(-1)!.content).content}
  } catch (error) {
    throw new Error(`error parsing certificate: decodedSignerCert.Bytes: ${(error as Error).message}`)
  }
  try {
    return {parent, key: parsePrivateKeyPem(str(ca.field('Key').value))}
  } catch (error) {
    throw new Error(`error parsing private key: ${(error as Error).message}`)
  }
}

function certificate(cert: string, key: string): GoStruct {
  return new GoStruct('sprig.certificate', [
    ['Cert', cert],
    ['Key', key],
  ])
}

function baseTemplate(cn: unknown, ips: unknown, dns: unknown, days: unknown, isCA = false): CertTemplate {
  const ipTexts = goList(ips, (value) => `error parsing ip: ${formatGoValue(value)} is not a string`)
  const parsed = ipTexts.map((text) => {
    const ip = parseIp(text)
    if (!ip) throw new Error(`error parsing ip: ${text}`)
    return ip
  })
  const dnsNames = goList(dns, (value) => `error processing alternate dns name: ${formatGoValue(value)} is not a string`)
  return {cn: str(cn), ips: parsed, dnsNames, daysValid: Number(days), isCA}
}

const rsa2048 = (): PrivateKey => ({kind: 'rsa', key: generateKeyPairSync('rsa', {modulusLength: 2048}).privateKey})

function withPemKey(pem: unknown): PrivateKey {
  try {
    return parsePrivateKeyPem(str(pem))
  } catch (error) {
    throw new Error(`parsing private key: ${(error as Error).message}`)
  }
}

function signCertificate(template: CertTemplate, signee: PrivateKey, parent: Parent | 'self', signer: PrivateKey): GoStruct {
  let cert: string
  try {
    cert = createCertificate(template, signee, parent, signer)
  } catch (error) {
    throw new Error(`error creating certificate: ${(error as Error).message}`)
  }
  return certificate(cert, keyPem(signee))
}

function selfSigned(template: CertTemplate, priv: PrivateKey): GoStruct {
  return signCertificate(template, priv, 'self', priv)
}

/** generateSignedCertificateWithKeyInternal: the CA is read before the template is built. */
function signedBy(ca: unknown, template: () => CertTemplate, priv: PrivateKey): GoStruct {
  const {parent, key} = parentOf(ca as GoStruct)
  return signCertificate(template(), priv, parent, key)
}

function buildCustomCert(b64cert: string, b64key: string): GoStruct {
  let cert: Buffer
  let key: Buffer
  try {
    cert = decodeStd(b64cert)
  } catch {
    throw new Error('unable to decode base64 certificate')
  }
  try {
    key = decodeStd(b64key)
  } catch {
    throw new Error('unable to decode base64 private key')
  }
  const block = pemDecode(cert.toString('latin1'))
  if (!block) throw new Error('unable to decode certificate')
  try {
    new X509Certificate(block.bytes)
  } catch (error) {
    throw new Error(`error parsing certificate: decodedCert.Bytes: ${(error as Error).message}`)
  }
  try {
    parsePrivateKeyPem(key.toString('latin1'))
  } catch (error) {
    throw new Error(`error parsing private key: ${(error as Error).message}`)
  }
  return certificate(fromGoBytes(cert), fromGoBytes(key))
}

// ---------- random ----------

/** math/rand.Intn(max-min) + min; Intn panics on n <= 0. */
function randInt(min: bigint, max: bigint): bigint {
  const n = max - min
  if (n <= 0n) throw new Error('invalid argument to Intn')
  if (n < 2n ** 48n) return min + BigInt(randomInt(Number(n)))
  return min + (BigInt(`0x${randomBytes(16).toString('hex')}`) % n)
}

/** xstrings.Shuffle: the runes ([]rune turns each invalid byte into U+FFFD) in a random order. */
function shuffle(text: string): string {
  const runes = [...validUtf8(text)]
  for (let i = runes.length - 1; i > 0; i--) {
    const j = randomInt(i + 1)
    ;[runes[i], runes[j]] = [runes[j], runes[i]]
  }
  return runes.join('')
}

export const CRYPTO_SPRIG: Record<string, GoFunc> = {
  derivePassword: fn(['int', 'string', 'string', 'string', 'string'], ([counter, type, password, user, site]) =>
    derivePassword(Number(counter), str(type), str(password), str(user), str(site)),
  ),
  encryptAES: fn(['string', 'string'], ([password, plaintext]) => encryptAES(str(password), str(plaintext))),
  decryptAES: fn(['string', 'string'], ([password, crypt]) => decryptAES(str(password), str(crypt))),
  bcrypt: fn(['string'], ([input]) => bcrypt(str(input))),
  htpasswd: fn(['string', 'string'], ([user, password]) => (str(user).includes(':') ? `invalid username: ${str(user)}` : `${str(user)}:${bcrypt(str(password))}`)),
  genPrivateKey: fn(['string'], ([type]) => {
    const key = generateKey(str(type))
    return key ? keyPem(key) : `Unknown type ${str(type)}`
  }),
  buildCustomCert: fn(['string', 'string'], ([cert, key]) => buildCustomCert(str(cert), str(key))),
  genCA: fn(['string', 'int'], ([cn, days]) => selfSigned(baseTemplate(cn, null, null, days, true), rsa2048())),
  genCAWithKey: fn(['string', 'int', 'string'], ([cn, days, pem]) => selfSigned(baseTemplate(cn, null, null, days, true), withPemKey(pem))),
  genSelfSignedCert: fn(['string', '[]any', '[]any', 'int'], ([cn, ips, dns, days]) => {
    const key = rsa2048()
    return selfSigned(baseTemplate(cn, ips, dns, days), key)
  }),
  genSelfSignedCertWithKey: fn(['string', '[]any', '[]any', 'int', 'string'], ([cn, ips, dns, days, pem]) => {
    const key = withPemKey(pem)
    return selfSigned(baseTemplate(cn, ips, dns, days), key)
  }),
  genSignedCert: fn(['string', '[]any', '[]any', 'int', 'sprig.certificate'], ([cn, ips, dns, days, ca]) => {
    const key = rsa2048()
    return signedBy(ca, () => baseTemplate(cn, ips, dns, days), key)
  }),
  genSignedCertWithKey: fn(['string', '[]any', '[]any', 'int', 'sprig.certificate', 'string'], ([cn, ips, dns, days, ca, pem]) => {
    const key = withPemKey(pem)
    return signedBy(ca, () => baseTemplate(cn, ips, dns, days), key)
  }),
  randInt: fn(['int', 'int'], ([min, max]) => randInt(min as bigint, max as bigint)),
  shuffle: fn(['string'], ([s]) => shuffle(str(s))),
}

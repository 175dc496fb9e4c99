/**
 * The little DER (ASN.1) that sprig's certificate functions need: Go's crypto/x509 writes certificates with
 * encoding/asn1, and node:crypto can sign but not build them.
 */

export const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  printableString: 0x13,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const

function lengthBytes(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length])
  const bytes: number[] = []
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256)
  return Buffer.from([0x80 | bytes.length, ...bytes])
}

export function der(tag: number, ...contents: Buffer[]): Buffer {
  const body = Buffer.concat(contents)
  return Buffer.concat([Buffer.from([tag]), lengthBytes(body.length), body])
}

export const sequence = (...items: Buffer[]): Buffer => der(TAG.sequence, ...items)

/** An INTEGER in the fewest bytes (two's complement, so a leading 0x00 keeps a high bit positive). */
export function integer(value: bigint): Buffer {
  if (value < 0n) throw new Error('negative integers are not written here')
  let hex = value.toString(16)
  if (hex.length % 2) hex = `0${hex}`
  let bytes = Buffer.from(hex, 'hex')
  if (bytes[0] & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes])
  return der(TAG.integer, bytes)
}

export function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number)
  const bytes = [parts[0] * 40 + parts[1]]
  for (const part of parts.slice(2)) {
    const chunk = [part & 0x7f]
    for (let n = Math.floor(part / 128); n > 0; n = Math.floor(n / 128)) chunk.unshift((n & 0x7f) | 0x80)
    bytes.push(...chunk)
  }
  return der(TAG.oid, Buffer.from(bytes))
}

export const bitString = (bytes: Buffer, unusedBits = 0): Buffer => der(TAG.bitString, Buffer.from([unusedBits]), bytes)

/** A context-specific tag: [n] EXPLICIT wraps an element, [n] IMPLICIT replaces the tag of a primitive. */
export const explicit = (n: number, inner: Buffer): Buffer => der(0xa0 | n, inner)
export const implicit = (n: number, bytes: Buffer): Buffer => der(0x80 | n, bytes)

export interface DerElement {
  tag: number
  /** The whole element, header included. */
  raw: Buffer
  content: Buffer
}

/** Reads the element at `offset`; throws on truncated input. */
export function readElement(data: Buffer, offset = 0): DerElement & {end: number} {
  if (offset + 2 > data.length) throw new Error('asn1: syntax error: data truncated')
  const tag = data[offset]
  let length = data[offset + 1]
  let start = offset + 2
  if (length & 0x80) {
    const count = length & 0x7f
    if (count === 0 || count > 4 || start + count > data.length) throw new Error('asn1: syntax error: bad length')
    length = 0
    for (let i = 0; i < count; i++) length = length * 256 + data[start + i]
    start += count
  }
  const end = start + length
  if (end > data.length) throw new Error('asn1: syntax error: data truncated')
  return {tag, raw: data.subarray(offset, end), content: data.subarray(start, end), end}
}

/** The elements inside a constructed element's content. */
export function children(content: Buffer): DerElement[] {
  const out: DerElement[] = []
  for (let at = 0; at < content.length; ) {
    const element = readElement(content, at)
    out.push(element)
    at = element.end
  }
  return out
}

export const unsigned = (content: Buffer): bigint => (content.length === 0 ? 0n : BigInt(`0x${content.toString('hex')}`))

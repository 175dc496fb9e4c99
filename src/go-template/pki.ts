/**
 * consul-template's pkiCert result (dependency/vault_pki.go): the PEM blocks of a `pki/issue/ROLE` answer sorted into
 * a `dependency.PemEncoded` value — Cert (the certificate that is not a CA), Key (the block whose type ends in
 * PRIVATE KEY), CA (the first CA certificate) and CAChain (each CA certificate once) — with a `Data` method returning
 * itself, so that `.Data.Cert` reads as `.Cert` does. Vault Agent issues the certificate; vsi only sorts an answer a
 * caller supplies (a fixture).
 */
import {X509Certificate} from 'node:crypto'

import {GoStruct, isGoMap, nilStringSlice, stringSlice} from './values.js'

interface PemBlock {
  type: string
  /** The block as pem.EncodeToMemory writes it again: base64 in lines of 64, ending in a newline. */
  text: string
}

/** The PEM blocks of a text, in order (headers are not carried over, as Vault's PEMs have none). */
function pemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = []
  for (const match of text.matchAll(/-----BEGIN ([^-\n]+)-----\s*\n([\s\S]*?)-----END \1-----/g)) {
    const base64 = match[2].replace(/\s+/g, '')
    const lines = base64.match(/.{1,64}/g) ?? []
    blocks.push({type: match[1], text: `-----BEGIN ${match[1]}-----\n${lines.join('\n')}${lines.length > 0 ? '\n' : ''}-----END ${match[1]}-----\n`})
  }
  return blocks
}

/** What fetchPEMs gathers from the answer's data: every string value, and the strings of `ca_chain`. */
function pemText(data: Record<string, unknown>): string {
  // Go ranges over the map in random order; vsi takes the keys sorted, so CAChain's order is stable.
  let text = ''
  for (const key of Object.keys(data).sort()) {
    const value = data[key]
    if (typeof value === 'string') text += value + '\n'
    else if (Array.isArray(value) && key === 'ca_chain') for (const item of value) if (typeof item === 'string') text += item + '\n'
  }
  return text
}

function isCaCertificate(block: PemBlock): boolean {
  try {
    return new X509Certificate(block.text).ca
  } catch {
    throw new Error('x509: malformed certificate')
  }
}

/** The PemEncoded value for a Vault answer (`{data: {certificate, private_key, issuing_ca, ca_chain, …}}`). */
export function pemEncoded(response: unknown): GoStruct {
  const data = isGoMap(response) && isGoMap(response.data) ? response.data : isGoMap(response) ? response : {}
  let cert = ''
  let key = ''
  let ca = ''
  const chain: string[] = []
  for (const block of pemBlocks(pemText(data))) {
    if (block.type.endsWith('PRIVATE KEY')) key = block.text
    else if (isCaCertificate(block)) {
      if (ca === '') ca = block.text
      if (!chain.includes(block.text)) chain.push(block.text)
    } else cert = block.text
  }
  const value: GoStruct = new GoStruct(
    'dependency.PemEncoded',
    [
      ['Cert', cert],
      ['Key', key],
      ['CA', ca],
      ['CAChain', chain.length === 0 ? nilStringSlice() : stringSlice(chain)],
    ],
    {Data: {params: [], call: () => value}},
  )
  return value
}

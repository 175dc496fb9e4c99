import {constants, inflateSync} from 'node:zlib'

/**
 * SPDY/3.1 framing as moby/spdystream speaks it (kubectl port-forward tunnels it through a WebSocket):
 * a frame parser, header-block (de)compression with the SPDY/3 zlib dictionary, and frame builders.
 */

const WORDS = [
  'options', 'head', 'post', 'put', 'delete', 'trace', 'accept', 'accept-charset', 'accept-encoding', 'accept-language',
  'accept-ranges', 'age', 'allow', 'authorization', 'cache-control', 'connection', 'content-base', 'content-encoding',
  'content-language', 'content-length', 'content-location', 'content-md5', 'content-range', 'content-type', 'date',
  'etag', 'expect', 'expires', 'from', 'host', 'if-match', 'if-modified-since', 'if-none-match', 'if-range',
  'if-unmodified-since', 'last-modified', 'location', 'max-forwards', 'pragma', 'proxy-authenticate',
  'proxy-authorization', 'range', 'referer', 'retry-after', 'server', 'te', 'trailer', 'transfer-encoding', 'upgrade',
  'user-agent', 'vary', 'via', 'warning', 'www-authenticate', 'method', 'get', 'status', '200 OK', 'version',
  'HTTP/1.1', 'url', 'public', 'set-cookie', 'keep-alive', 'origin',
]
const TAIL =
  '100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505' +
  '203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized' +
  '403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable' +
  'Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT' +
  'chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,' +
  'text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.'

/** The SPDY/3 header dictionary (draft-mbelshe-httpbis-spdy-00 §2.6.10.1): length-prefixed words, then a tail. */
export const SPDY_DICTIONARY = Buffer.concat([
  ...WORDS.map((w) => {
    const len = Buffer.alloc(4)
    len.writeUInt32BE(w.length)
    return Buffer.concat([len, Buffer.from(w, 'latin1')])
  }),
  Buffer.from(TAIL, 'latin1'),
])

export const FrameType = {SynStream: 1, SynReply: 2, RstStream: 3, Settings: 4, Ping: 6, GoAway: 7, Headers: 8, WindowUpdate: 9} as const
export const FLAG_FIN = 0x01

export type Frame =
  | {control: true; type: number; flags: number; data: Buffer}
  | {control: false; streamId: number; flags: number; data: Buffer}

/** Splits a byte stream into frames; keeps the incomplete remainder for the next chunk. */
export class FrameReader {
  private buffer = Buffer.alloc(0)

  push(chunk: Buffer): Frame[] {
    this.buffer = Buffer.concat([this.buffer, chunk])
    const frames: Frame[] = []
    while (this.buffer.length >= 8) {
      const length = this.buffer.readUIntBE(5, 3)
      if (this.buffer.length < 8 + length) break
      const flags = this.buffer[4]
      const data = this.buffer.subarray(8, 8 + length)
      if (this.buffer[0] & 0x80) frames.push({control: true, type: this.buffer.readUInt16BE(2), flags, data})
      else frames.push({control: false, streamId: this.buffer.readUInt32BE(0) & 0x7fffffff, flags, data})
      this.buffer = this.buffer.subarray(8 + length)
    }
    return frames
  }
}

/** Inflates the peer's header blocks: one zlib stream for the whole connection, sync-flushed per frame. */
export class HeaderDecoder {
  private compressed = Buffer.alloc(0)
  private consumed = 0

  decode(block: Buffer): Record<string, string> {
    this.compressed = Buffer.concat([this.compressed, block])
    const all = inflateSync(this.compressed, {dictionary: SPDY_DICTIONARY, finishFlush: constants.Z_SYNC_FLUSH})
    const out = all.subarray(this.consumed)
    this.consumed = all.length
    const headers: Record<string, string> = {}
    let pos = 4
    for (let n = out.readUInt32BE(0); n > 0; n--) {
      const nameLen = out.readUInt32BE(pos)
      const name = out.subarray(pos + 4, pos + 4 + nameLen).toString()
      pos += 4 + nameLen
      const valueLen = out.readUInt32BE(pos)
      headers[name.toLowerCase()] = out.subarray(pos + 4, pos + 4 + valueLen).toString()
      pos += 4 + valueLen
    }
    return headers
  }
}

/**
 * Our header blocks, as a valid zlib stream that never compresses: a zlib header naming the dictionary, then per
 * frame one stored (uncompressed) deflate block, which keeps the stream byte-aligned between frames.
 */
const SYNC_MARKER = Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff])

export class HeaderEncoder {
  private started = false

  encode(headers: Record<string, string>): Buffer {
    const parts: Buffer[] = []
    const u32 = (n: number) => {
      const b = Buffer.alloc(4)
      b.writeUInt32BE(n)
      return b
    }
    parts.push(u32(Object.keys(headers).length))
    for (const [k, v] of Object.entries(headers)) parts.push(u32(Buffer.byteLength(k)), Buffer.from(k), u32(Buffer.byteLength(v)), Buffer.from(v))
    const raw = Buffer.concat(parts)
    const stored = Buffer.alloc(5)
    stored[0] = 0x00
    stored.writeUInt16LE(raw.length, 1)
    stored.writeUInt16LE(~raw.length & 0xffff, 3)
    const prefix = this.started ? Buffer.alloc(0) : Buffer.concat([Buffer.from([0x78, 0x20]), u32(adler32Of(SPDY_DICTIONARY))])
    this.started = true
    // An empty stored block, as Z_SYNC_FLUSH writes: Go's inflater only hands data out when it reaches a block
    // boundary, and must not have to read past this frame to find one.
    return Buffer.concat([prefix, stored, raw, SYNC_MARKER])
  }
}

function adler32Of(data: Buffer): number {
  let a = 1
  let b = 0
  for (const byte of data) {
    a = (a + byte) % 65521
    b = (b + a) % 65521
  }
  return ((b << 16) | a) >>> 0
}

export function controlFrame(type: number, flags: number, data: Buffer): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt16BE(0x8003, 0)
  head.writeUInt16BE(type, 2)
  head[4] = flags
  head.writeUIntBE(data.length, 5, 3)
  return Buffer.concat([head, data])
}

export function dataFrame(streamId: number, flags: number, data: Buffer): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(streamId & 0x7fffffff, 0)
  head[4] = flags
  head.writeUIntBE(data.length, 5, 3)
  return Buffer.concat([head, data])
}

export function streamIdFrame(type: number, streamId: number, rest: Buffer = Buffer.alloc(0), flags = 0): Buffer {
  const id = Buffer.alloc(4)
  id.writeUInt32BE(streamId & 0x7fffffff)
  return controlFrame(type, flags, Buffer.concat([id, rest]))
}

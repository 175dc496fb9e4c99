import {connect, type Socket} from 'node:net'

import {controlFrame, dataFrame, FLAG_FIN, FrameReader, FrameType, HeaderDecoder, HeaderEncoder, streamIdFrame, type Frame} from './spdy.js'

interface Stream {
  id: number
  type: string
  port: number
  requestId: string
}

interface Pair {
  error?: Stream
  data?: Stream
  socket?: Socket
}

/**
 * The kubelet's SPDY port-forward protocol (pkg/kubelet/cri/streaming/portforward/httpstream.go): the client opens
 * an `error` and a `data` stream per connection, both carrying `port` and `requestID` headers; the server answers
 * each SYN_STREAM, splices the data stream to TCP, writes failures on the error stream and closes both at the end.
 */
export class SpdyPortForwardSession {
  private readonly reader = new FrameReader()
  private readonly decoder = new HeaderDecoder()
  private readonly encoder = new HeaderEncoder()
  private readonly pairs = new Map<string, Pair>()
  private readonly byStream = new Map<number, Pair>()

  constructor(
    private readonly write: (bytes: Buffer) => void,
    private readonly target: (port: number) => {host: string; port: number} | string,
  ) {}

  receive(chunk: Buffer): void {
    for (const frame of this.reader.push(chunk)) this.handle(frame)
  }

  /** The transport went away: drop every spliced connection. */
  close(): void {
    for (const pair of this.pairs.values()) pair.socket?.destroy()
    this.pairs.clear()
  }

  private handle(frame: Frame): void {
    if (!frame.control) return this.onData(frame.streamId, frame.flags, frame.data)
    switch (frame.type) {
      case FrameType.SynStream:
        return this.onSynStream(frame.data.readUInt32BE(0) & 0x7fffffff, this.decoder.decode(frame.data.subarray(10)))
      case FrameType.Headers:
        this.decoder.decode(frame.data.subarray(4))
        return
      case FrameType.Ping:
        return this.write(controlFrame(FrameType.Ping, 0, frame.data))
      case FrameType.RstStream:
        this.byStream.get(frame.data.readUInt32BE(0) & 0x7fffffff)?.socket?.destroy()
        return
      case FrameType.GoAway:
        return this.close()
    }
  }

  private onSynStream(id: number, headers: Record<string, string>): void {
    this.write(streamIdFrame(FrameType.SynReply, id, this.encoder.encode({})))
    const stream: Stream = {id, type: headers.streamtype, port: Number(headers.port), requestId: headers.requestid ?? String(id)}
    const pair = this.pairs.get(stream.requestId) ?? {}
    this.pairs.set(stream.requestId, pair)
    this.byStream.set(id, pair)
    if (stream.type === 'error') pair.error = stream
    else if (stream.type === 'data') pair.data = stream
    if (pair.error && pair.data && !pair.socket) this.splice(pair)
  }

  private splice(pair: Pair): void {
    const {data, error} = pair as Required<Pair>
    const finish = () => {
      this.write(dataFrame(data.id, FLAG_FIN, Buffer.alloc(0)))
      this.write(dataFrame(error.id, FLAG_FIN, Buffer.alloc(0)))
      this.pairs.delete(data.requestId)
    }
    const target = this.target(data.port)
    if (typeof target === 'string') {
      this.write(dataFrame(error.id, 0, Buffer.from(target)))
      return finish()
    }
    const socket = connect(target.port, target.host)
    pair.socket = socket
    socket.on('data', (chunk) => this.write(dataFrame(data.id, 0, chunk)))
    socket.on('error', (e) => this.write(dataFrame(error.id, 0, Buffer.from(`error forwarding port ${data.port}: ${e.message}`))))
    socket.on('close', finish)
  }

  private onData(streamId: number, flags: number, payload: Buffer): void {
    const pair = this.byStream.get(streamId)
    if (!pair?.socket || pair.data?.id !== streamId) return
    if (payload.length) pair.socket.write(payload)
    if (flags & FLAG_FIN) pair.socket.end()
  }
}

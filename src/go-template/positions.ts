/** Maps offsets in a template's text to lines and columns, in our units and in Go's. */
export class TextPositions {
  private readonly lineStarts = [0]

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.lineStarts.push(i + 1)
  }

  /** 1-based line of an offset. */
  line(pos: number): number {
    let low = 0
    let high = this.lineStarts.length - 1
    while (low < high) {
      const mid = (low + high + 1) >> 1
      if (this.lineStarts[mid] <= pos) low = mid
      else high = mid - 1
    }
    return low + 1
  }

  /** line: 1-based; col: 1-based in characters; goCol: Go's 0-based byte offset within the line. */
  at(pos: number): {line: number; col: number; goCol: number} {
    const line = this.line(pos)
    const prefix = this.text.slice(this.lineStarts[line - 1], pos)
    return {line, col: [...prefix].length + 1, goCol: Buffer.byteLength(prefix, 'utf8')}
  }
}

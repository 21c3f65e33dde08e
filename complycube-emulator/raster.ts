/**
 * An RGB picture drawn with a few primitives and encoded as PNG, in plain Node (zlib deflates the
 * pixels, zlib's CRC-32 seals each chunk): enough for the emulator's synthetic images, no image
 * library needed. Shapes are anti-aliased by sampling each edge pixel 4×4 times.
 */
import { crc32, deflateSync } from 'node:zlib';
import { glyphRows, GLYPH_HEIGHT, GLYPH_WIDTH } from './pixel-font';

/** A colour as red, green and blue, 0–255. */
export type Rgb = readonly [number, number, number];

/** A box in pixels: its left, top, width and height. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const SAMPLES = 4;

export class Raster {
  private readonly pixels: Buffer;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb,
  ) {
    this.pixels = Buffer.alloc(width * height * 3);
    this.fillRect({ x: 0, y: 0, width, height }, background);
  }

  /** Paints one pixel, `alpha` (0–1) of `colour` over what is there; off the picture, nothing. */
  plot(x: number, y: number, colour: Rgb, alpha = 1): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height || alpha <= 0) return;
    const at = (y * this.width + x) * 3;
    for (let channel = 0; channel < 3; channel += 1) {
      const under = this.pixels[at + channel]!;
      this.pixels[at + channel] = Math.round(under + (colour[channel]! - under) * Math.min(1, alpha));
    }
  }

  fillRect(box: Box, colour: Rgb, alpha = 1): void {
    for (let y = Math.max(0, box.y); y < Math.min(this.height, box.y + box.height); y += 1) {
      for (let x = Math.max(0, box.x); x < Math.min(this.width, box.x + box.width); x += 1)
        this.plot(x, y, colour, alpha);
    }
  }

  /** Fills every pixel of `box` by how much of it lies `inside` the shape (coordinates in pixels). */
  fillShape(box: Box, inside: (x: number, y: number) => boolean, colour: Rgb, alpha = 1): void {
    for (let y = Math.floor(box.y); y < Math.ceil(box.y + box.height); y += 1) {
      for (let x = Math.floor(box.x); x < Math.ceil(box.x + box.width); x += 1) {
        let covered = 0;
        for (let sy = 0; sy < SAMPLES; sy += 1) {
          for (let sx = 0; sx < SAMPLES; sx += 1) {
            if (inside(x + (sx + 0.5) / SAMPLES, y + (sy + 0.5) / SAMPLES)) covered += 1;
          }
        }
        this.plot(x, y, colour, (alpha * covered) / (SAMPLES * SAMPLES));
      }
    }
  }

  fillEllipse(cx: number, cy: number, rx: number, ry: number, colour: Rgb, alpha = 1): void {
    const box = { x: cx - rx, y: cy - ry, width: 2 * rx, height: 2 * ry };
    this.fillShape(box, (x, y) => ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1, colour, alpha);
  }

  fillRoundedRect(box: Box, radius: number, colour: Rgb, alpha = 1): void {
    const inside = (x: number, y: number) => {
      const dx = Math.max(box.x + radius - x, 0, x - (box.x + box.width - radius));
      const dy = Math.max(box.y + radius - y, 0, y - (box.y + box.height - radius));
      return dx * dx + dy * dy <= radius * radius;
    };
    this.fillShape(box, inside, colour, alpha);
  }

  /** An outline `thickness` pixels wide just inside `box`. */
  strokeRect(box: Box, thickness: number, colour: Rgb, alpha = 1): void {
    const { x, y, width, height } = box;
    this.fillRect({ x, y, width, height: thickness }, colour, alpha);
    this.fillRect({ x, y: y + height - thickness, width, height: thickness }, colour, alpha);
    this.fillRect({ x, y: y + thickness, width: thickness, height: height - 2 * thickness }, colour, alpha);
    this.fillRect(
      { x: x + width - thickness, y: y + thickness, width: thickness, height: height - 2 * thickness },
      colour,
      alpha,
    );
  }

  /** Text in the 5×7 pixel font, each font pixel `scale` pixels square; answers the width drawn. */
  text(x: number, y: number, text: string, scale: number, colour: Rgb, alpha = 1): number {
    const advance = (GLYPH_WIDTH + 1) * scale;
    [...text.toUpperCase()].forEach((character, index) => {
      glyphRows(character).forEach((row, gy) => {
        for (let gx = 0; gx < GLYPH_WIDTH; gx += 1) {
          if (row[gx] !== '#') continue;
          this.fillRect(
            { x: x + index * advance + gx * scale, y: y + gy * scale, width: scale, height: scale },
            colour,
            alpha,
          );
        }
      });
    });
    return text.length * advance - scale;
  }

  /** The width `text` takes at `scale`. */
  static textWidth(text: string, scale: number): number {
    return text.length * (GLYPH_WIDTH + 1) * scale - scale;
  }

  static readonly textHeight = (scale: number): number => GLYPH_HEIGHT * scale;

  /** The picture as a PNG: 8-bit RGB, one deflated IDAT, no filtering. */
  toPng(): Buffer {
    const stride = this.width * 3;
    const rows = Buffer.alloc((stride + 1) * this.height);
    for (let y = 0; y < this.height; y += 1) this.pixels.copy(rows, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
    const header = Buffer.alloc(13);
    header.writeUInt32BE(this.width, 0);
    header.writeUInt32BE(this.height, 4);
    header.set([8, 2, 0, 0, 0], 8);
    return Buffer.concat([
      PNG_SIGNATURE,
      chunk('IHDR', header),
      chunk('IDAT', deflateSync(rows, { level: 9 })),
      chunk('IEND', Buffer.alloc(0)),
    ]);
  }
}

function chunk(type: string, data: Buffer): Buffer {
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

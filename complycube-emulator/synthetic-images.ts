/**
 * The images the emulator gives seeded applicants: a passport-like card and a face, drawn here,
 * plainly synthetic (marked SPECIMEN and SYNTHETIC, no real person's). Deterministic: the same
 * bytes every time, each drawn once per process.
 */
import { Raster, type Rgb } from './raster';

const NAVY: Rgb = [31, 59, 115];
const GOLD: Rgb = [212, 175, 55];
const INK: Rgb = [43, 47, 54];
const MUTED: Rgb = [90, 100, 114];
const STAMP: Rgb = [192, 57, 43];
const SKIN: Rgb = [239, 196, 161];
const SKIN_SHADE: Rgb = [217, 169, 136];
const HAIR: Rgb = [74, 55, 40];

/** The card's fine background lines, as on security paper. */
function guilloche(picture: Raster, top: number, bottom: number): void {
  for (let wave = 0; wave < 9; wave += 1) {
    const base = top + ((bottom - top) * (wave + 0.5)) / 9;
    for (let x = 0; x < picture.width; x += 1) {
      const y = base + 7 * Math.sin(x / 23 + wave * 0.9) + 3 * Math.sin(x / 7 + wave);
      picture.plot(x, Math.round(y), [120, 170, 160], 0.35);
    }
  }
}

/** A grey head-and-shoulders outline in the card's photo box. */
function photoSilhouette(picture: Raster, box: { x: number; y: number; width: number; height: number }): void {
  picture.fillRect(box, [200, 204, 210]);
  const cx = box.x + box.width / 2;
  const bottom = box.y + box.height;
  const shade: Rgb = [138, 144, 153];
  picture.fillShape(
    { x: box.x, y: bottom - 50, width: box.width, height: 50 },
    (x, y) => ((x - cx) / 52) ** 2 + ((y - bottom) / 42) ** 2 <= 1,
    shade,
  );
  picture.fillRect({ x: cx - 11, y: box.y + 80, width: 22, height: 30 }, shade);
  picture.fillEllipse(cx, box.y + 58, 27, 34, shade);
  picture.strokeRect(box, 1, MUTED, 0.6);
}

function drawPassport(): Buffer {
  const picture = new Raster(480, 300, [236, 242, 238]);
  guilloche(picture, 60, 228);

  picture.fillRect({ x: 0, y: 0, width: 480, height: 56 }, NAVY);
  picture.text(20, 11, 'PASSPORT', 3, [255, 255, 255]);
  picture.text(20, 39, 'EMULATOR - NOT A REAL DOCUMENT', 1, [190, 205, 230]);
  picture.fillEllipse(446, 28, 19, 19, GOLD);
  picture.fillEllipse(446, 28, 14, 14, NAVY);
  picture.fillEllipse(446, 28, 6, 6, GOLD);

  photoSilhouette(picture, { x: 20, y: 72, width: 120, height: 150 });

  const fields: [label: string, valueWidth: number][] = [
    ['TYPE / CODE', 64],
    ['SURNAME', 150],
    ['GIVEN NAMES', 196],
    ['NATIONALITY', 112],
    ['DATE OF BIRTH', 124],
    ['DATE OF EXPIRY', 124],
  ];
  fields.forEach(([label, valueWidth], row) => {
    const y = 72 + row * 26;
    picture.text(160, y, label, 1, MUTED);
    picture.fillRoundedRect({ x: 160, y: y + 10, width: valueWidth, height: 9 }, 2, INK, 0.75);
  });

  // The stamp that says what this is, over whatever lies beneath.
  const stamp = { x: 300, y: 176, width: 157, height: 36 };
  picture.strokeRect(stamp, 2, STAMP, 0.6);
  picture.text(stamp.x + 8, stamp.y + 8, 'SPECIMEN', 3, STAMP, 0.6);

  picture.fillRect({ x: 0, y: 232, width: 480, height: 68 }, [248, 249, 246]);
  picture.text(20, 242, 'P<EMUSPECIMEN<<SYNTHETIC'.padEnd(36, '<'), 2, INK);
  picture.text(20, 268, '000000000<0EMU9001011X3001019'.padEnd(36, '<'), 2, INK);
  picture.strokeRect({ x: 0, y: 0, width: 480, height: 300 }, 2, NAVY, 0.7);
  return picture.toPng();
}

function drawFace(): Buffer {
  const picture = new Raster(240, 300, [0, 0, 0]);
  for (let y = 0; y < 300; y += 1) {
    const fade = (top: number, bottom: number) => Math.round(top + ((bottom - top) * y) / 299);
    picture.fillRect({ x: 0, y, width: 240, height: 1 }, [fade(223, 195), fade(231, 207), fade(239, 219)]);
  }
  const cx = 120;
  // Shoulders and neck, the head, then the hair (around the head and down to its hairline), then ears.
  picture.fillEllipse(cx, 322, 115, 92, [61, 90, 128]);
  picture.fillRoundedRect({ x: cx - 22, y: 180, width: 44, height: 60 }, 12, SKIN_SHADE);
  const inHead = (x: number, y: number) => ((x - cx) / 50) ** 2 + ((y - 140) / 60) ** 2 <= 1;
  picture.fillEllipse(cx, 140, 50, 60, SKIN);
  const hairline = (x: number) => 96 + 16 * ((x - cx) / 50) ** 2;
  const inHair = (x: number, y: number) =>
    ((x - cx) / 57) ** 2 + ((y - 120) / 68) ** 2 <= 1 && y < 150 && !(inHead(x, y) && y >= hairline(x));
  picture.fillShape({ x: 60, y: 50, width: 120, height: 100 }, inHair, HAIR);
  picture.fillEllipse(cx - 50, 142, 9, 15, SKIN_SHADE);
  picture.fillEllipse(cx + 50, 142, 9, 15, SKIN_SHADE);

  for (const side of [-1, 1]) {
    const ex = cx + side * 20;
    picture.fillRoundedRect({ x: ex - 11, y: 121, width: 22, height: 4 }, 2, HAIR);
    picture.fillEllipse(ex, 136, 9, 5, [255, 255, 255]);
    picture.fillEllipse(ex, 136, 4, 4, [59, 42, 30]);
  }
  picture.fillEllipse(cx, 158, 5, 10, SKIN_SHADE, 0.7);
  picture.fillEllipse(cx, 179, 15, 4, [184, 106, 94]);

  picture.text((240 - Raster.textWidth('SYNTHETIC', 2)) / 2, 276, 'SYNTHETIC', 2, [255, 255, 255], 0.85);
  return picture.toPng();
}

let passport: Buffer | undefined;
let face: Buffer | undefined;

/** A 480×300 passport-like card (PNG) marked SPECIMEN: what seeded applicants upload as their front image. */
export function syntheticPassportPng(): Buffer {
  passport ??= drawPassport();
  return passport;
}

/** A 240×300 drawn head and shoulders (PNG) marked SYNTHETIC: seeded applicants' live photo. */
export function syntheticFacePng(): Buffer {
  face ??= drawFace();
  return face;
}

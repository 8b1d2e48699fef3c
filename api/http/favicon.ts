import { Router, type Response } from 'express';

/**
 * The desk's icon: a white check on the console's navy, as SVG (what the pages link) and as a 16×16 ICO drawn from
 * the same shape (what browsers and feed readers ask `/favicon.ico` for without reading a page). Both are built
 * here, so no binary file sits in the repository.
 */

const NAVY = [0x13, 0x29, 0x4b] as const;
const WHITE = [0xff, 0xff, 0xff] as const;

export const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">' +
  '<rect width="16" height="16" rx="3" fill="#13294b"/>' +
  '<path d="M3.5 8.5l3 3 6-7" fill="none" stroke="#fff" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/>' +
  '</svg>';

/** Distance from (x, y) to the segment (ax, ay)–(bx, by): the check is two thick strokes. */
function toSegment(x: number, y: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - (ax + t * dx), y - (ay + t * dy));
}

/** A 16×16, 32-bit ICO: header, one directory entry, a BITMAPINFOHEADER, pixels bottom-up (BGRA), the AND mask. */
function drawIco(): Buffer {
  const size = 16;
  const pixels = Buffer.alloc(size * size * 4);
  for (let row = 0; row < size; row++) {
    const y = size - 1 - row + 0.5; // bottom-up
    for (let col = 0; col < size; col++) {
      const x = col + 0.5;
      const onCheck = Math.min(toSegment(x, y, 3.5, 8.5, 6.5, 11.5), toSegment(x, y, 6.5, 11.5, 12.5, 4.5)) <= 1;
      const corner = Math.min(x, size - x) < 1 && Math.min(y, size - y) < 1;
      const [r, g, b] = onCheck ? WHITE : NAVY;
      pixels.set([b, g, r, corner ? 0 : 0xff], (row * size + col) * 4);
    }
  }
  const mask = Buffer.alloc(size * 4); // 1 bit a pixel, rows padded to 4 bytes; alpha already says what shows
  const info = Buffer.alloc(40);
  info.writeUInt32LE(40, 0);
  info.writeInt32LE(size, 4);
  info.writeInt32LE(size * 2, 8); // an ICO's bitmap counts the mask's rows too
  info.writeUInt16LE(1, 12);
  info.writeUInt16LE(32, 14);
  info.writeUInt32LE(pixels.length + mask.length, 20);
  const image = Buffer.concat([info, pixels, mask]);
  const header = Buffer.alloc(6 + 16);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // icon
  header.writeUInt16LE(1, 4); // one image
  header.writeUInt8(size, 6);
  header.writeUInt8(size, 7);
  header.writeUInt16LE(1, 10); // planes
  header.writeUInt16LE(32, 12); // bits per pixel
  header.writeUInt32LE(image.length, 14);
  header.writeUInt32LE(header.length, 18);
  return Buffer.concat([header, image]);
}

export const FAVICON_ICO = drawIco();

/** `/favicon.ico` and `/favicon.svg`, cached for a day: they change only with a release. */
export function faviconRoutes(): Router {
  const router = Router();
  const send = (type: string, body: string | Buffer) => (_req: unknown, res: Response) =>
    res.set({ 'Cache-Control': 'public, max-age=86400', 'X-Content-Type-Options': 'nosniff' }).type(type).send(body);
  router.get('/favicon.ico', send('image/x-icon', FAVICON_ICO));
  router.get('/favicon.svg', send('image/svg+xml', FAVICON_SVG));
  return router;
}

/** What every page's head links. */
export const FAVICON_LINK = '<link rel="icon" href="/favicon.svg" type="image/svg+xml" />';

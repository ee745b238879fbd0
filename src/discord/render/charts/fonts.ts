/**
 * The one font family every chart uses, shipped as an npm package so rendering is identical on any
 * machine (resvg is told not to look at system fonts). DejaVu Sans covers Latin, Greek, Cyrillic and
 * the typographic symbols we print (−, …, ·, ≤).
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const FONT_DIR = join(dirname(require.resolve("dejavu-fonts-ttf/package.json")), "ttf");

export const FONT_FAMILY = "DejaVu Sans";

export const FONT_FILES = {
  regular: join(FONT_DIR, "DejaVuSans.ttf"),
  bold: join(FONT_DIR, "DejaVuSans-Bold.ttf"),
} as const;

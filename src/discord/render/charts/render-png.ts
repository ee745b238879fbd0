/**
 * SVG → PNG with resvg and only the bundled DejaVu fonts, so output does not depend on the
 * host's installed fonts.
 */
import { Resvg } from "@resvg/resvg-js";
import { FONT_FAMILY, FONT_FILES } from "./fonts.js";
import type { ThemeName } from "./theme.js";

export interface ChartImage {
  png: Buffer;
  svg: string;
  /** PNG size in pixels (the SVG's size × `scale`). */
  width: number;
  height: number;
}

/** Options every chart accepts. */
export interface ChartOptions {
  theme?: ThemeName | undefined;
  /**
   * Pixel density; default 2 so text stays crisp when Discord shows the image on a high-DPI
   * screen or the viewer opens it full size.
   */
  scale?: number | undefined;
}

export const DEFAULT_SCALE = 2;

/** @throws if `svg` is not well-formed or `scale` is not a positive finite number */
export function rasterizeSvg(svg: string, scale: number = DEFAULT_SCALE): ChartImage {
  if (!(Number.isFinite(scale) && scale > 0)) throw new Error("rasterizeSvg requires a positive scale");
  const image = new Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    font: {
      loadSystemFonts: false,
      fontFiles: [FONT_FILES.regular, FONT_FILES.bold],
      defaultFontFamily: FONT_FAMILY,
      sansSerifFamily: FONT_FAMILY,
    },
    logLevel: "off",
  }).render();
  return { png: image.asPng(), svg, width: image.width, height: image.height };
}

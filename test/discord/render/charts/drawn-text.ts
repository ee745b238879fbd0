/**
 * Every line of text a chart's SVG draws, as written there (XML-escaped), in document order:
 * labels drawn as glyph outlines carry their text in `aria-label`, the rest are `<text>` elements.
 */
export function drawnTexts(svg: string): string[] {
  return Array.from(svg.matchAll(/<path aria-label="([^"]*)"|<text [^>]*>([^<]*)<\/text>/g), (m) => m[1] ?? m[2] ?? "");
}

/** How many times `label` is drawn. */
export function timesDrawn(svg: string, label: string): number {
  return drawnTexts(svg).filter((t) => t === label).length;
}

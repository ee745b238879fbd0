/**
 * What a user typed, quoted back in a message: cut to `max` characters with an ellipsis. Cut by
 * code points, so an emoji or other astral character is never split into a lone surrogate
 * (which Discord cannot display and may refuse).
 * @example quoteInput("😀".repeat(50), 3) // => "😀😀😀…"
 */
export function quoteInput(text: string, max = 40): string {
  if (text.length <= max) return text;
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max).join("")}…` : text;
}

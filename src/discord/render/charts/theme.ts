/**
 * Colours for both Discord themes.
 *
 * Every chart paints an opaque card rather than a transparent background. Discord shows
 * attachments on at least four backgrounds (light, dark, "ash", "onyx"/AMOLED black, plus custom
 * client themes), and anti-aliased text edges composited onto an unknown colour cannot be
 * guaranteed legible; with an opaque card, contrast is a property of the image alone. The card
 * colours are Discord's own embed surfaces, so the image sits naturally in the matching theme.
 * The bot cannot know a viewer's theme, so `dark` (the majority setting) is the default.
 */

export type ThemeName = "dark" | "light";

export interface Theme {
  name: ThemeName;
  background: string;
  text: string;
  mutedText: string;
  grid: string;
  axis: string;
  /** Fill and stripe of the "not enough data" hatch. */
  missingFill: string;
  missingStripe: string;
  positive: string;
  negative: string;
  /** Diverging scale stops at −1, 0, +1 (blue → neutral → red). */
  diverging: readonly [string, string, string];
  /** Categorical series colours; used with dash patterns once they run out. */
  palette: readonly string[];
}

// Okabe & Ito (2008) colour-blind-safe set. Black is unusable on the dark card and yellow on the
// light card, so each theme swaps those for a neutral grey that reads on its own background.
const OKABE_ITO = {
  orange: "#E69F00",
  skyBlue: "#56B4E9",
  bluishGreen: "#009E73",
  yellow: "#F0E442",
  blue: "#0072B2",
  vermilion: "#D55E00",
  reddishPurple: "#CC79A7",
} as const;

export const THEMES: Readonly<Record<ThemeName, Theme>> = {
  dark: {
    name: "dark",
    background: "#2b2d31",
    text: "#f2f3f5",
    mutedText: "#b5bac1",
    grid: "#3c3e45",
    axis: "#6d6f78",
    missingFill: "#2b2d31",
    missingStripe: "#4e5058",
    positive: OKABE_ITO.skyBlue,
    negative: "#F07D3A",
    diverging: ["#2c6fcf", "#3a3d44", "#cf3a40"],
    palette: [
      OKABE_ITO.skyBlue,
      OKABE_ITO.orange,
      OKABE_ITO.bluishGreen,
      OKABE_ITO.reddishPurple,
      OKABE_ITO.yellow,
      "#3d8fd1", // Okabe–Ito blue lifted so it keeps 3:1 contrast on the dark card
      OKABE_ITO.vermilion,
      "#c8ccd2",
    ],
  },
  light: {
    name: "light",
    background: "#ffffff",
    text: "#1f2023",
    mutedText: "#5c5e66",
    grid: "#e6e7ea",
    axis: "#9a9ca3",
    missingFill: "#ffffff",
    missingStripe: "#c9cbd0",
    positive: OKABE_ITO.blue,
    negative: OKABE_ITO.vermilion,
    diverging: ["#2166ac", "#f4f4f5", "#b2182b"],
    palette: [
      OKABE_ITO.blue,
      OKABE_ITO.vermilion,
      OKABE_ITO.bluishGreen,
      OKABE_ITO.reddishPurple,
      OKABE_ITO.orange,
      OKABE_ITO.skyBlue,
      "#1f2023",
      "#8a8d94",
    ],
  },
};

/** Dash patterns layered on the palette so series beyond its length stay distinguishable. */
export const DASH_PATTERNS: readonly (string | undefined)[] = [undefined, "7 4", "2 3", "9 3 2 3"];

export function resolveTheme(name: ThemeName | undefined): Theme {
  return THEMES[name ?? "dark"];
}

/**
 * How series lines join at their points: bevel, because rasteriser time of a 10 × 1,000-point
 * chart halves against round joins (resvg builds every round join's arc) and at a 2 px stroke
 * drawn at 1× the two cannot be told apart.
 */
export const LINE_JOIN = "bevel";

export function seriesStyle(theme: Theme, index: number): { color: string; dash: string | undefined } {
  const n = theme.palette.length;
  return {
    color: theme.palette[index % n] as string,
    dash: DASH_PATTERNS[Math.floor(index / n) % DASH_PATTERNS.length],
  };
}

type Vec3 = readonly [number, number, number];

function hexToLinearRgb(hex: string): Vec3 {
  const n = Number.parseInt(hex.slice(1), 16);
  const toLinear = (c: number): number => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return [toLinear((n >> 16) & 255), toLinear((n >> 8) & 255), toLinear(n & 255)];
}

function linearRgbToHex([r, g, b]: Vec3): string {
  const toByte = (c: number): string => {
    const clamped = Math.min(1, Math.max(0, c));
    const s = clamped <= 0.0031308 ? 12.92 * clamped : 1.055 * clamped ** (1 / 2.4) - 0.055;
    return Math.round(s * 255)
      .toString(16)
      .padStart(2, "0");
  };
  return `#${toByte(r)}${toByte(g)}${toByte(b)}`;
}

// OKLab (Ottosson 2020): interpolating here keeps perceived lightness changing evenly, so the
// scale has no muddy or over-bright band between its stops.
function linearRgbToOklab([r, g, b]: Vec3): Vec3 {
  const l = Math.cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
  const m = Math.cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
  const s = Math.cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
  return [
    0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s,
    1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s,
    0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s,
  ];
}

function oklabToLinearRgb([L, a, b]: Vec3): Vec3 {
  const l = (L + 0.3963377774 * a + 0.2158037573 * b) ** 3;
  const m = (L - 0.1055613458 * a - 0.0638541728 * b) ** 3;
  const s = (L - 0.0894841775 * a - 1.291485548 * b) ** 3;
  return [
    4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s,
    -1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s,
    -0.0041960863 * l - 0.7034186147 * m + 1.707614701 * s,
  ];
}

function mixOklab(from: string, to: string, t: number): string {
  const a = linearRgbToOklab(hexToLinearRgb(from));
  const b = linearRgbToOklab(hexToLinearRgb(to));
  return linearRgbToHex(oklabToLinearRgb([a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t]));
}

const divergingCache = new Map<Theme, Map<number, string>>();

/** Colour for a correlation in [−1, 1] (values outside are clamped); NaN gets the missing-data fill. */
export function divergingColor(theme: Theme, value: number): string {
  if (Number.isNaN(value)) return theme.missingFill;
  const [low, mid, high] = theme.diverging;
  const v = Math.min(1, Math.max(-1, value));
  // A 50-model heatmap asks for 2,500 colours; each costs two colour-space round trips.
  let cache = divergingCache.get(theme);
  if (cache === undefined) divergingCache.set(theme, (cache = new Map<number, string>()));
  let color = cache.get(v);
  if (color === undefined) {
    color = v < 0 ? mixOklab(mid, low, -v) : mixOklab(mid, high, v);
    if (cache.size >= 10_000) cache.clear();
    cache.set(v, color);
  }
  return color;
}

function relativeLuminance(hex: string): number {
  const [r, g, b] = hexToLinearRgb(hex);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Whichever of near-white / near-black has the higher WCAG contrast ratio on `background`. */
export function readableTextOn(background: string): string {
  const l = relativeLuminance(background);
  const onWhite = (1.0 + 0.05) / (l + 0.05);
  const onBlack = (l + 0.05) / 0.05;
  return onWhite >= onBlack ? "#ffffff" : "#111214";
}

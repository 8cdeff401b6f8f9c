/**
 * Series colours, shared by the HTML/SVG/PNG charts and (as the nearest ANSI
 * colour) by the terminal charts, so that a scheduler keeps its colour.
 * The first eight are the Okabe-Ito palette, chosen to stay apart for the
 * common forms of colour blindness; then Tableau's darker tones.
 */
export const SERIES_COLORS = [
  '#0072B2', // blue
  '#E69F00', // orange
  '#009E73', // bluish green
  '#D55E00', // vermillion
  '#CC79A7', // reddish purple
  '#56B4E9', // sky blue
  '#000000', // black
  '#8C8C8C', // grey
  '#9D755D', // brown
  '#B279A2', // mauve
  '#4C78A8', // steel blue
  '#72B7B2', // teal
] as const;

/** Beyond the colours, series also differ by dash pattern. */
export const SERIES_DASHES: readonly (readonly number[])[] = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3]];

export function seriesColor(index: number): string {
  return SERIES_COLORS[index % SERIES_COLORS.length];
}

export function seriesDash(index: number): readonly number[] {
  return SERIES_DASHES[Math.floor(index / SERIES_COLORS.length) % SERIES_DASHES.length];
}

import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** The legend-bound selection of the specs: it holds the series the reader has hidden. */
const HIDDEN_STORE = 'hidden_store';
const HIDDEN_ENTRY = `(length(data("${HIDDEN_STORE}")) && hidden["series"] && indexof(hidden["series"], datum.value) >= 0)`;

/**
 * Vega-Lite fades the legend entries that are *not* selected; here the
 * selection is the set of hidden series, so fade the selected ones instead.
 */
function fadeHiddenLegendEntries(spec: vega.Spec): void {
  for (const legend of spec.legends ?? []) {
    for (const part of ['labels', 'symbols'] as const) {
      const update = legend.encode?.[part]?.update as Record<string, unknown> | undefined;
      if (update && JSON.stringify(update.opacity ?? '').includes(HIDDEN_STORE)) {
        update.opacity = [{ test: HIDDEN_ENTRY, value: 0.3 }, { value: 1 }];
      }
    }
  }
}

/** Vega-Lite to the Vega specification that both the browser and Node render. */
export function toVega(spec: TopLevelSpec): vega.Spec {
  const compiled = compile(spec).spec;
  fadeHiddenLegendEntries(compiled);
  return compiled;
}

/** The chart as a standalone SVG document, rendered in Node (no canvas, no browser). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(toVega(spec)), { renderer: 'none', logLevel: vega.Warn });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * SVG to PNG with resvg. Text needs a font installed on the system (DejaVu
 * Sans from Debian's fonts-dejavu-core is what the charts ask for first).
 */
export function svgToPng(svg: string, scale = 2): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}

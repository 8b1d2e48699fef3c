import { html, type SafeHtml } from '../http/html';

/**
 * Horizontal SVG bars, one row each, with their figures written beside them: readable without colour, JavaScript or
 * hovering. The console's dashboard and its SLA review draw every chart with it.
 */

export interface Bar {
  label: string;
  value: number;
  text: string;
  cls?: string;
}

/** An attainment bar's colour: met from 95 %, a warning from 80 %, breached below. */
export const attainmentClass = (attainment: number) =>
  attainment >= 0.95 ? 'met' : attainment >= 0.8 ? 'warning' : 'breached';

export interface BarChartLayout {
  /** Bars are scaled to this (or to the largest value, if larger). */
  max?: number;
  /** Width of a full bar, px. */
  track?: number;
  /** Room right of a full bar for its figure, px (e.g. 130 for "100% (120 of 120)"). */
  figureRoom?: number;
}

export function barChart(id: string, title: string, items: Bar[], layout: BarChartLayout = {}): SafeHtml {
  const { max, track = 260, figureRoom = 130 } = layout;
  // Room for the longest label at about 7 px a character (11 px type), so none is cut at the chart's left edge.
  const LABEL = Math.max(80, Math.ceil(Math.max(0, ...items.map((b) => b.label.length)) * 7) + 12);
  const W = LABEL + track + figureRoom;
  const ROW = 22;
  const top = Math.max(max ?? 0, ...items.map((b) => b.value), 1);
  const h = items.length * ROW + 8;
  return html`<svg id="${id}" viewBox="0 0 ${W} ${h}" width="${W}" height="${h}" role="img" aria-label="${title}">
    <title>${title}</title>
    ${items.map((b, i) => {
      const y = 4 + i * ROW;
      const w = (track * b.value) / top;
      return html`<text x="${LABEL - 6}" y="${y + 14}" text-anchor="end">${b.label}</text
        ><rect class="track" x="${LABEL}" y="${y + 2}" width="${track}" height="${ROW - 6}"></rect>
        <rect class="bar ${b.cls ?? ''}" x="${LABEL}" y="${y + 2}" width="${w.toFixed(1)}" height="${ROW - 6}"
          ><title>${b.label}: ${b.text}</title></rect
        ><text x="${(LABEL + w + 4).toFixed(1)}" y="${y + 14}">${b.text}</text>`;
    })}
  </svg>`;
}

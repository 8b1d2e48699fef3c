import { html, type SafeHtml } from '../http/html';

/** Horizontal SVG bars with their figures written beside them: readable without colour, JavaScript or hovering. */

export interface Bar {
  label: string;
  value: number;
  text: string;
  cls?: string;
}

export function bars(id: string, title: string, items: Bar[], max?: number): SafeHtml {
  // Room for the longest label at about 7 px a character (11 px type).
  const LABEL = Math.max(80, Math.ceil(Math.max(0, ...items.map((b) => b.label.length)) * 7) + 12);
  const TRACK = 260;
  const W = LABEL + TRACK + 130; // the figure beside a full bar: "100% (120 of 120)"
  const ROW = 22;
  const top = Math.max(max ?? 0, ...items.map((b) => b.value), 1);
  const h = items.length * ROW + 8;
  return html`<svg id="${id}" viewBox="0 0 ${W} ${h}" width="${W}" height="${h}" role="img" aria-label="${title}">
    <title>${title}</title>
    ${items.map((b, i) => {
      const y = 4 + i * ROW;
      const w = (TRACK * b.value) / top;
      return html`<text x="${LABEL - 6}" y="${y + 14}" text-anchor="end">${b.label}</text
        ><rect class="track" x="${LABEL}" y="${y + 2}" width="${TRACK}" height="${ROW - 6}"></rect>
        <rect class="bar ${b.cls ?? ''}" x="${LABEL}" y="${y + 2}" width="${w.toFixed(1)}" height="${ROW - 6}"
          ><title>${b.label}: ${b.text}</title></rect
        ><text x="${(LABEL + w + 4).toFixed(1)}" y="${y + 14}">${b.text}</text>`;
    })}
  </svg>`;
}

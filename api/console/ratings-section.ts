import type { BusinessCalendar } from '../../domain/calendar';
import { LOW_RATING, type RatingRecord } from '../../desk/ratings';
import { html, type SafeHtml } from '../http/html';
import { when } from './time';

/** What the customer thought of each resolution, shown to agents under the ticket's status (nothing before any). */
export function ratingsSection(
  cal: BusinessCalendar,
  ratings: readonly RatingRecord[],
  names: ReadonlyMap<string, string>,
): SafeHtml | '' {
  if (!ratings.length) return '';
  const several = ratings.length > 1;
  return html`<section id="ratings" aria-labelledby="ratings-title">
    <h2 id="ratings-title">Customer's rating${several ? 's' : ''}</h2>
    <ul>
      ${ratings.map(
        (r) =>
          html`<li data-score="${r.score}" data-resolution="${r.resolution}">
            <strong class="${r.score <= LOW_RATING ? 'sla breached' : ''}">${r.score} of 5</strong>
            ${several ? `for resolution ${r.resolution} ` : ''}(resolved ${when(cal, r.resolvedAt)}; rated
            ${when(cal, r.ratedAt)}${r.agent ? `, assigned to ${names.get(r.agent) ?? r.agent}` : ''})${
              r.comment ? html`: <q>${r.comment}</q>` : ''
            }
          </li>`,
      )}
    </ul>
  </section>`;
}

import { CSRF_FIELD } from './csrf';
import { html, type SafeHtml } from './html';

/**
 * The form that asks only for an address and mails something to it (the portal's sign-in link, a customer's
 * ticket links): the same field, error and accessibility wiring on both pages.
 */
export function emailRequestForm(p: {
  action: string;
  csrf: string;
  value: string;
  error?: string;
  submit: string;
}): SafeHtml {
  return html`<form method="post" action="${p.action}" novalidate>
    <input type="hidden" name="${CSRF_FIELD}" value="${p.csrf}" />
    <div class="field">
      <label for="email">Your email address</label>
      ${p.error ? html`<p class="error" id="email-error">${p.error}</p>` : ''}
      <input
        type="email"
        id="email"
        name="email"
        value="${p.value}"
        autocomplete="email"
        required${p.error ? html` aria-invalid="true" aria-describedby="email-error"` : ''}
        autofocus
      />
    </div>
    <button type="submit">${p.submit}</button>
  </form>`;
}

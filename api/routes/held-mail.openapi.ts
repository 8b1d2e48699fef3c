import { heldMailParam } from '../schemas';
import { API_ERRORS, anyObject, type Operation, type ResourceDocs } from '../openapi-operation';

/** Releasing or discarding mail held for want of proof (api/routes/held-mail.ts). */

export const docs: ResourceDocs = {
  operations: (['release', 'discard'] as const).map((decision): Operation => ({
    method: 'post',
    path: `/api/v1/tickets/{id}/held-mail/{messageId}/${decision}`,
    tag: 'Channels',
    access: 'agent',
    params: heldMailParam.shape,
    summary: decision === 'release' ? 'Release a held mail' : 'Discard a held mail',
    description:
      decision === 'release'
        ? "A mail naming this ticket whose sender proved nothing is held: an internal note (its `mail.held.status` is `pending`; `messageId` is that note's id in the thread) whose files are listed to agents only, marked `held`, and count against no quota. Releasing adds its text to the thread as the customer's message (it counts from now: it resumes a ticket waiting on the customer) and its files become the ticket's, within the ticket's quota (413 when they do not fit: nothing changes). A mail held under an agent's address cannot be released (409). Answers `{status: 'released', message, files}`."
        : "Deletes a held mail's files; the note stays in the thread, marked `discarded`. Answers `{status: 'discarded', files}`.",
    success: { status: 200, description: 'the decision', schema: anyObject },
    errors: [...API_ERRORS, 403, 404, 409, ...(decision === 'release' ? ([413] as const) : [])],
    errorNotes: {
      409: "the mail was already released or discarded; or (release) it was held under an agent's address, or the ticket is closed",
    },
  })),
};

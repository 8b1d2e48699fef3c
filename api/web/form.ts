import multer from 'multer';
import { z } from 'zod';
import { PRIORITIES, type SlaPolicy } from '../../domain/policy';
import { LIVE_SUPPORT_TOOLS } from '../../domain/ticket';
import type { OpenTicketInput } from '../../desk/tickets';

/** The web form's fields, their validation in words people understand, and what becomes of them. */

export const FORM_FIELDS = ['email', 'name', 'subject', 'description', 'category', 'priority', 'errorMessage', 'contact', 'liveTool'] as const;
export type FormField = (typeof FORM_FIELDS)[number];
export type FormValues = Record<FormField, string>;
export type FormErrors = Partial<Record<FormField | 'screenshots', string>>;

export const CONTACTS = { web: 'On the private ticket page', email: 'By email', live: 'In a live support session' } as const;
export const TOOL_NAMES: Record<(typeof LIVE_SUPPORT_TOOLS)[number], string> = { 'google-meet': 'Google Meet', teamviewer: 'TeamViewer' };
/** The hidden field that only bots fill in. */
export const HONEYPOT = 'website';

export const EMPTY_FORM: FormValues = {
  email: '', name: '', subject: '', description: '', category: '', priority: 'normal', errorMessage: '', contact: 'web', liveTool: '',
};

/** Only strings count: a field sent twice, or as nested `a[b]` syntax, reads as empty and fails validation. */
export function readValues(body: unknown): FormValues {
  const raw = (body ?? {}) as Record<string, unknown>;
  const values = { ...EMPTY_FORM };
  for (const f of FORM_FIELDS) values[f] = typeof raw[f] === 'string' ? (raw[f] as string) : '';
  return values;
}

export const honeypotFilled = (body: unknown) => {
  const v = (body as Record<string, unknown> | undefined)?.[HONEYPOT];
  return typeof v === 'string' && v.trim() !== '';
};

const required = (max: number, missing: string) =>
  z.string().trim().min(1, missing).max(max, `Keep this under ${max.toLocaleString('en')} characters`);
const optional = (max: number) =>
  z.string().trim().max(max, `Keep this under ${max.toLocaleString('en')} characters`).transform((s) => s || undefined);

function schemaFor(policy: SlaPolicy) {
  return z
    .object({
      email: required(254, 'Enter your email address').pipe(z.email('Enter an email address like name@example.com')),
      name: optional(120),
      subject: required(200, 'Enter a subject: a few words about the problem'),
      // Leaves room for the footer (contact preference, screenshot names) within the API's 20,000.
      description: required(19_000, 'Describe what happened and what you expected'),
      category: z.string().refine((c) => policy.categories.includes(c), 'Choose a category'),
      priority: z.enum(PRIORITIES as unknown as [string, ...string[]], 'Choose a priority'),
      errorMessage: optional(10_000),
      contact: z.enum(Object.keys(CONTACTS) as [keyof typeof CONTACTS], 'Choose how we should reach you'),
      liveTool: z.union([z.enum(LIVE_SUPPORT_TOOLS), z.literal('')]),
    })
    .superRefine((v, ctx) => {
      if (v.contact === 'live' && !v.liveTool) ctx.addIssue({ code: 'custom', path: ['liveTool'], message: 'Choose Google Meet or TeamViewer for live support' });
    });
}
export type ValidForm = z.infer<ReturnType<typeof schemaFor>>;

export function validateForm(values: FormValues, policy: SlaPolicy): { data: ValidForm; errors: null } | { data: null; errors: FormErrors } {
  const r = schemaFor(policy).safeParse(values);
  if (r.success) return { data: r.data, errors: null };
  const errors: FormErrors = {};
  for (const issue of r.error.issues) {
    const field = issue.path[0] as FormField;
    errors[field] ??= issue.message;
  }
  return { data: null, errors };
}

export interface AcceptedFile {
  name: string;
  size: number;
}

/** Screenshot names are shown back to agents: no control characters, bounded length. */
const cleanName = (name: string) => name.replace(/[\p{Cc}\p{Cf}]/gu, '').slice(0, 120) || 'unnamed';

export function toTicketBody(form: ValidForm, files: AcceptedFile[]): OpenTicketInput {
  const live = form.contact === 'live' && form.liveTool ? form.liveTool : undefined;
  const footer = [
    '',
    '--',
    'Submitted through the web form.',
    `Preferred contact: ${CONTACTS[form.contact].toLowerCase()}${live ? ` (${TOOL_NAMES[live]})` : ''}`,
    // Attachment storage comes later; until then agents at least see what the customer tried to send.
    ...(files.length ? [`Screenshots received (not stored yet): ${files.map((f) => `${cleanName(f.name)} (${Math.ceil(f.size / 1024)} KB)`).join(', ')}`] : []),
  ].join('\n');
  return {
    subject: form.subject,
    description: `${form.description}\n${footer}`,
    category: form.category,
    priority: form.priority,
    errorMessage: form.errorMessage,
    channel: 'web',
    liveSupportTool: live,
  };
}

// ---- screenshots: parsed into memory, checked, and (for now) only named in the ticket ----

export const UPLOAD = { maxFiles: 5, maxBytes: 2 * 1024 * 1024, types: ['image/png', 'image/jpeg', 'text/plain'] };

export class UploadRefused extends Error {}

export const parseUpload = multer({
  storage: multer.memoryStorage(),
  // Browsers send UTF-8 file names; multer's default would garble anything beyond ASCII.
  defParamCharset: 'utf8',
  limits: { files: UPLOAD.maxFiles, fileSize: UPLOAD.maxBytes, fields: 30, fieldSize: 100 * 1024, parts: 40 },
  fileFilter: (_req, file, cb) => {
    if (UPLOAD.types.includes(file.mimetype)) cb(null, true);
    else cb(new UploadRefused(`${cleanName(file.originalname)} is not a PNG, JPEG or plain-text file`));
  },
}).array('screenshots', UPLOAD.maxFiles);

/** What to tell the person when the upload is refused; their typed fields were parsed before the files. */
export function uploadErrorMessage(err: unknown): string {
  if (err instanceof UploadRefused) return `${err.message}. Choose the screenshots again.`;
  const code = (err as { code?: string }).code;
  if (code === 'LIMIT_FILE_SIZE') return 'Each screenshot must be 2 MB or smaller. Choose the screenshots again.';
  if (code === 'LIMIT_FILE_COUNT' || code === 'LIMIT_UNEXPECTED_FILE') return `Attach at most ${UPLOAD.maxFiles} screenshots. Choose them again.`;
  return 'The upload could not be read. Choose the screenshots again.';
}

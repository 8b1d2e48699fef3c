import multer from 'multer';
import { z } from 'zod';
import { refusedAddress } from '../../lib/email-address';
import { PRIORITIES, type SlaPolicy } from '../../domain/policy';
import { LIVE_SUPPORT_TOOLS } from '../../domain/ticket';
import { ATTACHMENT_POLICY } from '../../desk/attachments';
import type { OpenTicketInput } from '../../desk/tickets';

/** The web form's fields, their validation in words people understand, and what becomes of them. */

export const FORM_FIELDS = [
  'email',
  'name',
  'subject',
  'description',
  'category',
  'priority',
  'errorMessage',
  'contact',
  'liveTool',
] as const;
export type FormField = (typeof FORM_FIELDS)[number];
export type FormValues = Record<FormField, string>;
export type FormErrors = Partial<Record<FormField | 'screenshots', string>>;

export const CONTACTS = {
  web: 'On the private ticket page',
  email: 'By email',
  live: 'In a live support session',
} as const;
export const TOOL_NAMES: Record<(typeof LIVE_SUPPORT_TOOLS)[number], string> = {
  'google-meet': 'Google Meet',
  teamviewer: 'TeamViewer',
};
/** The hidden field that only bots fill in. */
export const HONEYPOT = 'website';

export const EMPTY_FORM: FormValues = {
  email: '',
  name: '',
  subject: '',
  description: '',
  category: '',
  priority: 'normal',
  errorMessage: '',
  contact: 'web',
  liveTool: '',
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
  z
    .string()
    .trim()
    .min(1, missing)
    .max(max, `Keep this under ${max.toLocaleString('en')} characters`);
const optional = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `Keep this under ${max.toLocaleString('en')} characters`)
    .transform((s) => s || undefined);

function schemaFor(policy: SlaPolicy) {
  return z
    .object({
      email: required(254, 'Enter your email address')
        .check(refusedAddress.for('This address '))
        .pipe(z.email('Enter an email address like name@example.com')),
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
      if (v.contact === 'live' && !v.liveTool)
        ctx.addIssue({
          code: 'custom',
          path: ['liveTool'],
          message: 'Choose Google Meet or TeamViewer for live support',
        });
    });
}
export type ValidForm = z.infer<ReturnType<typeof schemaFor>>;

export function validateForm(
  values: FormValues,
  policy: SlaPolicy,
): { data: ValidForm; errors: null } | { data: null; errors: FormErrors } {
  const r = schemaFor(policy).safeParse(values);
  if (r.success) return { data: r.data, errors: null };
  const errors: FormErrors = {};
  for (const issue of r.error.issues) {
    const field = issue.path[0] as FormField;
    errors[field] ??= issue.message;
  }
  return { data: null, errors };
}

export function toTicketBody(form: ValidForm): OpenTicketInput {
  const live = form.contact === 'live' && form.liveTool ? form.liveTool : undefined;
  const footer = [
    '',
    '--',
    'Submitted through the web form.',
    `Preferred contact: ${CONTACTS[form.contact].toLowerCase()}${live ? ` (${TOOL_NAMES[live]})` : ''}`,
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

// ---- screenshots: parsed into memory, then judged by the one attachment policy (desk/attachments.ts) ----

export const UPLOAD = {
  maxFiles: ATTACHMENT_POLICY.maxFilesPerMessage,
  maxBytes: ATTACHMENT_POLICY.maxFileBytes,
  /** Only a hint for the browser's file picker: the types are judged by content on arrival. */
  accept: 'image/png,image/jpeg,image/gif,image/webp,application/pdf,application/zip,text/plain,.txt,.log,.pdf,.zip',
};

export const parseUpload = multer({
  storage: multer.memoryStorage(),
  // Browsers send UTF-8 file names; multer's default would garble anything beyond ASCII.
  defParamCharset: 'utf8',
  limits: { files: UPLOAD.maxFiles, fileSize: UPLOAD.maxBytes, fields: 30, fieldSize: 100 * 1024, parts: 40 },
}).array('screenshots', UPLOAD.maxFiles);

/** What to tell the person when the upload is refused; their typed fields were parsed before the files. */
export function uploadErrorMessage(err: unknown): string {
  const code = (err as { code?: string }).code;
  if (code === 'LIMIT_FILE_SIZE')
    return `Each file must be ${UPLOAD.maxBytes / 1024 / 1024} MB or smaller. Choose the screenshots again.`;
  if (code === 'LIMIT_FILE_COUNT' || code === 'LIMIT_UNEXPECTED_FILE')
    return `Attach at most ${UPLOAD.maxFiles} screenshots. Choose them again.`;
  return 'The upload could not be read. Choose the screenshots again.';
}

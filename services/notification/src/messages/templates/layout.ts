/** The rendering of one message in every form a channel may need. */
export interface RenderedMessage {
  subject: string;
  text: string;
  html: string;
  /** Short form for SMS (one or two segments), or null when the message has no SMS form. */
  sms: string | null;
}

/** A block of an email: a paragraph, a list of label/value lines, or a button. */
export type Block =
  | { kind: 'paragraph'; text: string }
  | { kind: 'facts'; items: Array<[label: string, value: string]> }
  | { kind: 'action'; label: string; url: string; note?: string };

const escapeHtml = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const parisDateTime = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'full', timeStyle: 'short', timeZone: 'Europe/Paris' });
const parisDate = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'full', timeZone: 'Europe/Paris' });

export function frenchDateTime(iso: string): string {
  return parisDateTime.format(new Date(iso));
}

export function frenchDate(iso: string): string {
  return parisDate.format(new Date(iso));
}

/**
 * One sober layout, after the French state design system (DSFR): a white page, a blue-France title bar
 * (#000091), system fonts (Marianne is not installed in mail clients), one blue button, tables for
 * layout (mail clients ignore most CSS), a footer that says why the mail came. The plain-text part
 * says the same thing, line for line, for clients and screen readers that prefer it.
 */
export function renderEmail(subject: string, heading: string, blocks: Block[], footer: string): { text: string; html: string } {
  const text = [heading, '', ...blocks.flatMap((block) => [...textOf(block), '']), '—', footer].join('\n');
  const html = `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:0;background:#f6f6f6;font-family:Arial,Helvetica,sans-serif;color:#161616">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f6f6f6;padding:24px 0"><tr><td align="center">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" style="max-width:600px;width:100%;background:#ffffff;border:1px solid #dddddd">
<tr><td style="background:#000091;color:#ffffff;padding:16px 24px;font-size:20px;font-weight:bold">Relais</td></tr>
<tr><td style="padding:24px">
<h1 style="font-size:22px;line-height:28px;margin:0 0 16px 0;color:#161616">${escapeHtml(heading)}</h1>
${blocks.map(htmlOf).join('\n')}
</td></tr>
<tr><td style="padding:16px 24px;border-top:1px solid #dddddd;font-size:12px;line-height:18px;color:#666666">${escapeHtml(footer)}</td></tr>
</table></td></tr></table>
</body></html>
`;
  return { text, html };
}

function textOf(block: Block): string[] {
  switch (block.kind) {
    case 'paragraph':
      return [block.text];
    case 'facts':
      return block.items.map(([label, value]) => `${label} : ${value}`);
    case 'action':
      return [`${block.label} : ${block.url}`, ...(block.note ? [block.note] : [])];
  }
}

function htmlOf(block: Block): string {
  switch (block.kind) {
    case 'paragraph':
      return `<p style="font-size:16px;line-height:24px;margin:0 0 16px 0">${escapeHtml(block.text)}</p>`;
    case 'facts':
      return `<table role="presentation" cellpadding="0" cellspacing="0" style="margin:0 0 16px 0;font-size:16px;line-height:24px">${block.items
        .map(([label, value]) => `<tr><td style="padding:2px 16px 2px 0;color:#3a3a3a;vertical-align:top">${escapeHtml(label)}</td><td style="padding:2px 0;font-weight:bold">${escapeHtml(value)}</td></tr>`)
        .join('')}</table>`;
    case 'action':
      return `<p style="margin:24px 0 8px 0"><a href="${escapeHtml(block.url)}" style="display:inline-block;background:#000091;color:#ffffff;text-decoration:none;padding:10px 20px;font-size:16px">${escapeHtml(block.label)}</a></p>${
        block.note ? `<p style="font-size:14px;line-height:20px;color:#3a3a3a;margin:0 0 16px 0">${escapeHtml(block.note)}</p>` : ''
      }`;
  }
}

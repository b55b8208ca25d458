/**
 * Minimal document model for mails: paragraphs, lists and links, rendered to plain text and to
 * HTML. Every piece of text is escaped in HTML: names, reasons and facts typed by people end up here.
 */
export type Block =
  | { readonly p: string }
  | { readonly list: readonly string[] }
  | { readonly facts: readonly (readonly [label: string, value: string])[] }
  | { readonly link: { readonly href: string; readonly label: string } };

export const escapeHtml = (value: string): string => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** The service by the name its pages and the sender carry (« tp-sessions » is the code's, not the reader's). */
const FOOTER = 'Message envoyé automatiquement par le service « Sessions du titre professionnel ». Merci de ne pas répondre à ce message.';

export const renderText = (greeting: string, blocks: readonly Block[]): string => {
  const parts = [greeting];
  for (const block of blocks) {
    if ('p' in block) parts.push(block.p);
    else if ('list' in block) parts.push(block.list.map((item) => `- ${item}`).join('\n'));
    else if ('facts' in block) parts.push(block.facts.map(([label, value]) => `${label} : ${value}`).join('\n'));
    else parts.push(`${block.link.label} : ${block.link.href}`);
  }
  parts.push('--', FOOTER);
  return `${parts.join('\n\n')}\n`;
};

export const renderHtml = (title: string, greeting: string, blocks: readonly Block[]): string => {
  const body = blocks
    .map((block) => {
      if ('p' in block) return `<p>${escapeHtml(block.p)}</p>`;
      if ('list' in block) return `<ul>${block.list.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`;
      if ('facts' in block)
        return `<table role="presentation">${block.facts.map(([label, value]) => `<tr><th scope="row" style="text-align:left;padding-right:1em">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`).join('')}</table>`;
      return `<p><a href="${escapeHtml(block.link.href)}">${escapeHtml(block.link.label)}</a></p>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body style="font-family:Marianne,Arial,sans-serif;line-height:1.5;color:#161616">
<p>${escapeHtml(greeting)}</p>
${body}
<hr><p style="font-size:0.85em;color:#666">${escapeHtml(FOOTER)}</p>
</body></html>
`;
};

const frenchMonths = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'] as const;

/**
 * `2027-03-15` -> `15 mars 2027`, `2027-03-01` -> `1er mars 2027`: as `Intl` writes it in French but
 * the first of the month, an ordinal in French (« le 1er mars »); without loading ICU's data at a cold start.
 */
export const formatDate = (date: string): string => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return `${d === 1 ? '1er' : d} ${frenchMonths[m - 1] ?? ''} ${y}`;
};

const frenchWeekdays = ['dimanche', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi'] as const;

/** `2027-06-07` -> `lundi 7 juin 2027`: a day as an order of passage or a calendar names it. */
export const formatDayLong = (date: string): string => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return `${frenchWeekdays[new Date(Date.UTC(y, m - 1, d)).getUTCDay()] ?? ''} ${formatDate(date)}`;
};

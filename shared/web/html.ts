/**
 * HTML that escapes by default. `html\`<p>${value}</p>\`` escapes every interpolated value unless it
 * is itself `Html` (built by this tag, or explicitly trusted with `raw`). Arrays are joined, and
 * `undefined`, `null` and `false` render nothing, so conditionals read naturally.
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

export const escapeHtml = (value: string): string => value.replace(/[&<>"'`]/g, (char) => ESCAPES[char] ?? char);

export type Renderable = Html | string | number | boolean | null | undefined | readonly Renderable[];

const render = (value: Renderable): string => {
  if (value === undefined || value === null || value === false) return '';
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map((item: Renderable) => render(item)).join('');
  return escapeHtml(String(value));
};

export const html = (strings: TemplateStringsArray, ...values: Renderable[]): Html =>
  new Html(strings.reduce((out, chunk, index) => out + chunk + (index < values.length ? render(values[index]) : ''), ''));

/** Trusted markup only (constants written in this codebase), never user input. */
export const raw = (markup: string): Html => new Html(markup);

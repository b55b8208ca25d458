import type { FieldError } from '../errors.js';
import { CSRF_FIELD } from '../http/csrf.js';
import { html, type Html, type Renderable } from './html.js';

/**
 * Form building blocks. A form re-rendered after an error keeps what the user typed (`values`)
 * and links each message to its field: the summary lists links to `#f-<field>`, and each input
 * points at its message with `aria-describedby` and carries `aria-invalid`.
 */
export interface FormState {
  /** What the user sent, nested as the schema reads it. */
  readonly values: Record<string, unknown>;
  readonly errors: readonly FieldError[];
  readonly csrf: string;
  readonly idempotencyKey: string;
  /** Filled as fields render (before the summary, which reads it): the label of each field. */
  readonly labels?: Map<string, string>;
  /**
   * Set when a page holds the same form once per row (a withdrawal per habilitation): prefixes the
   * ids of the form's fields, so that no two fields share an id and the summary's links lead to this form's.
   */
  readonly idPrefix?: string;
}

const remember = (state: FormState, field: string, label: string): void => {
  state.labels?.set(field, label);
};

/** What the summary calls a field: its label, and its line for repeated rows (`candidates.0.x`). */
const summaryLabel = (state: FormState, field: string): string | undefined => {
  const label = state.labels?.get(field);
  if (!label) return undefined;
  const row = /\.(\d+)\./.exec(field);
  return row ? `${label}, ligne ${Number(row[1]) + 1}` : label;
};

export const idOf = (field: string): string => `f-${field.replace(/[^A-Za-z0-9_-]/g, '-')}`;

/** A field's id in its form: `idOf`, prefixed for a form repeated on the page. */
const idIn = (state: FormState, field: string): string => (state.idPrefix ? `${state.idPrefix}-${idOf(field)}` : idOf(field));

/** Value at a dotted path in nested form values, as text. */
const valueAt = (values: unknown, field: string): string => {
  let node: unknown = values;
  for (const segment of field.split('.')) {
    if (typeof node !== 'object' || node === null) return '';
    node = (node as Record<string, unknown>)[segment];
  }
  if (node === undefined || node === null) return '';
  if (Array.isArray(node)) return node.map(String).join(',');
  return String(node);
};

const valuesAt = (values: unknown, field: string): string[] => {
  let node: unknown = values;
  for (const segment of field.split('.')) {
    if (typeof node !== 'object' || node === null) return [];
    node = (node as Record<string, unknown>)[segment];
  }
  if (Array.isArray(node)) return node.map(String);
  return node === undefined || node === null || node === '' ? [] : [String(node)];
};

const errorFor = (state: FormState, field: string): string | undefined => state.errors.find((error) => error.field === field)?.message;

/**
 * The error summary at the top of a form: focused when the page comes back (a keyboard or screen
 * reader user starts from the errors, not from the top of the page), each entry a link to its field.
 */
export const errorSummary = (state: FormState): Html => {
  if (state.errors.length === 0) return html``;
  return html`<div class="error-summary" role="alert" tabindex="-1" id="erreurs" autofocus>
    <h2>Le formulaire contient ${state.errors.length} erreur${state.errors.length > 1 ? 's' : ''}</h2>
    <ul>
      ${state.errors.map((error) => {
        const label = error.field ? summaryLabel(state, error.field) : undefined;
        return html`<li>${error.field ? html`<a href="#${idIn(state, error.field)}">${label ? `${label} : ` : ''}${error.message}</a>` : error.message}</li>`;
      })}
    </ul>
  </div>`;
};

/** Hidden fields every form post carries: the CSRF token and a fresh idempotency key. */
const hiddenFields = (state: FormState): Html =>
  html`<input type="hidden" name="${CSRF_FIELD}" value="${state.csrf}" /><input type="hidden" name="idempotencyKey" value="${state.idempotencyKey}" />`;

export interface InputOptions {
  readonly type?: 'text' | 'date' | 'number' | 'email' | 'file' | 'time';
  readonly hint?: string;
  readonly required?: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly accept?: string;
  readonly autocomplete?: string;
}

const described = (id: string, hint: string | undefined, error: string | undefined): string => [hint ? `${id}-aide` : '', error ? `${id}-erreur` : ''].filter(Boolean).join(' ');

export const input = (state: FormState, field: string, label: string, options: InputOptions = {}): Html => {
  remember(state, field, label);
  const id = idIn(state, field);
  const error = errorFor(state, field);
  const describedBy = described(id, options.hint, error);
  return html`<div class="field${error ? ' has-error' : ''}">
    <label for="${id}">${label}${options.required ? html` <span class="req">(obligatoire)</span>` : ''}</label>
    ${options.hint ? html`<p class="hint" id="${id}-aide">${options.hint}</p>` : ''} ${error ? html`<p class="error" id="${id}-erreur">${error}</p>` : ''}
    <input
      id="${id}"
      name="${field}"
      type="${options.type ?? 'text'}"
      ${options.type === 'file' ? '' : html` value="${valueAt(state.values, field)}"`}${options.required ? html` required` : ''}${options.min !== undefined ? html` min="${options.min}"` : ''}${options.max !== undefined ? html` max="${options.max}"` : ''}${options.accept ? html` accept="${options.accept}"` : ''}${options.autocomplete ? html` autocomplete="${options.autocomplete}"` : ''}${describedBy ? html` aria-describedby="${describedBy}"` : ''}${error ? html` aria-invalid="true"` : ''}
    />
  </div>`;
};

export const textarea = (state: FormState, field: string, label: string, options: { hint?: string; required?: boolean } = {}): Html => {
  remember(state, field, label);
  const id = idIn(state, field);
  const error = errorFor(state, field);
  const describedBy = described(id, options.hint, error);
  return html`<div class="field${error ? ' has-error' : ''}">
    <label for="${id}">${label}${options.required ? html` <span class="req">(obligatoire)</span>` : ''}</label>
    ${options.hint ? html`<p class="hint" id="${id}-aide">${options.hint}</p>` : ''} ${error ? html`<p class="error" id="${id}-erreur">${error}</p>` : ''}
    <textarea
      id="${id}"
      name="${field}"
      rows="4"
      ${options.required ? html` required` : ''}${describedBy ? html` aria-describedby="${describedBy}"` : ''}${error ? html` aria-invalid="true"` : ''}
    >
${valueAt(state.values, field)}</textarea>
  </div>`;
};

export const select = (
  state: FormState,
  field: string,
  label: string,
  choices: readonly { value: string; label: string }[],
  options: { hint?: string; required?: boolean } = {},
): Html => {
  remember(state, field, label);
  const id = idIn(state, field);
  const error = errorFor(state, field);
  const current = valueAt(state.values, field);
  const describedBy = described(id, options.hint, error);
  return html`<div class="field${error ? ' has-error' : ''}">
    <label for="${id}">${label}${options.required ? html` <span class="req">(obligatoire)</span>` : ''}</label>
    ${options.hint ? html`<p class="hint" id="${id}-aide">${options.hint}</p>` : ''} ${error ? html`<p class="error" id="${id}-erreur">${error}</p>` : ''}
    <select
      id="${id}"
      name="${field}"
      ${options.required ? html` required` : ''}${describedBy ? html` aria-describedby="${describedBy}"` : ''}${error ? html` aria-invalid="true"` : ''}
    >
      <option value="">— Choisir —</option>
      ${choices.map((choice) => html`<option value="${choice.value}" ${choice.value === current ? html` selected` : ''}>${choice.label}</option>`)}
    </select>
  </div>`;
};

/** A group of checkboxes (or radios) in a fieldset with a legend. */
export const choices = (
  state: FormState,
  field: string,
  legend: string,
  items: readonly { value: string; label: string; hint?: string }[],
  options: { type?: 'checkbox' | 'radio'; hint?: string } = {},
): Html => {
  remember(state, field, legend);
  const id = idIn(state, field);
  const error = errorFor(state, field);
  const selected = valuesAt(state.values, field);
  const describedBy = described(id, options.hint, error);
  return html`<fieldset class="field${error ? ' has-error' : ''}" id="${id}" ${describedBy ? html` aria-describedby="${describedBy}"` : ''}>
    <legend>${legend}</legend>
    ${options.hint ? html`<p class="hint" id="${id}-aide">${options.hint}</p>` : ''} ${error ? html`<p class="error" id="${id}-erreur">${error}</p>` : ''}
    ${items.map(
      (item, index) =>
        html`<div class="choice">
          <input type="${options.type ?? 'checkbox'}" id="${id}-${index}" name="${field}" value="${item.value}" ${selected.includes(item.value) ? html` checked` : ''} /><label
            for="${id}-${index}"
            >${item.label}${item.hint ? html` <span class="hint">${item.hint}</span>` : ''}</label
          >
        </div>`,
    )}
  </fieldset>`;
};

/** A whole form: summary, hidden fields, the given fields and a submit button. */
export const form = (state: FormState, action: string, submitLabel: string, fields: Renderable, options: { multipart?: boolean; id?: string; presign?: string } = {}): Html =>
  html`${errorSummary(state)}
    <form
      method="post"
      action="${action}"
      ${options.multipart ? html` enctype="multipart/form-data"` : ''}${options.id ? html` id="${options.id}"` : ''}${options.presign ? html` data-presign="${options.presign}"` : ''}
      novalidate
    >
      ${hiddenFields(state)} ${fields}
      <p><button type="submit">${submitLabel}</button></p>
    </form>`;

/**
 * One line of a CSV file as the imports read it (agréments, the RNCP export): cells split on the
 * separator, a cell may be quoted (`"…"`, with `""` for a quote inside), so that a site with a
 * comma or a semicolon survives; cells trimmed.
 */
export const csvCells = (line: string, separator: ';' | ','): string[] => {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"' && cell.trim() === '') quoted = true;
    else if (char === separator) {
      cells.push(cell.trim());
      cell = '';
    } else cell += char;
  }
  cells.push(cell.trim());
  return cells;
};

/** A date as French files write it (dd/mm/yyyy) in ISO form; an ISO date as is; anything else undefined. */
export const isoDateOf = (value: string): string | undefined => {
  const french = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(value);
  if (french) return `${french[3]}-${french[2]}-${french[1]}`;
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : undefined;
};

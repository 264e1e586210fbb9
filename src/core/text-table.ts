// Plain-text tables for terminals and logs (the CLI, `momento info`, the benchmarks): columns
// padded to their widest cell, numeric columns right-aligned so that their digits line up.

/** A cell that reads as a number, with an optional unit or percent sign ('2.9 s', '12 KiB', '-'). */
const NUMERIC_CELL = /^[-+]?[\d.,]+(\s?[%a-z]*)?$/i;

const isNumericCell = (cell: string): boolean => cell === '' || cell === '-' || NUMERIC_CELL.test(cell);

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => isNumericCell(r[i] ?? '')));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

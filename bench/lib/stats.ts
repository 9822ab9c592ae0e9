// Small summaries of repeated measurements.

export interface Spread {
  min: number;
  median: number;
  max: number;
  /** How many values went into it. */
  n: number;
}

/** min / median / max of the values, rounded to `digits` decimals; undefined when empty. */
export function spread(values: number[], digits = 2): Spread | undefined {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return undefined;
  const mid = Math.floor(v.length / 2);
  const median = v.length % 2 === 1 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
  return {
    min: round(v[0]!, digits),
    median: round(median, digits),
    max: round(v.at(-1)!, digits),
    n: v.length,
  };
}

/** The value at quantile q (0..1) of already collected samples, nearest rank. */
export function quantile(values: number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const v = [...values].sort((a, b) => a - b);
  const i = Math.min(v.length - 1, Math.max(0, Math.ceil(q * v.length) - 1));
  return v[i];
}

export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** `median (min–max)` for a table cell, or `n/a`. */
export function formatSpread(s: Spread | undefined, digits = 1, unit = ''): string {
  if (!s) return 'n/a';
  const f = (x: number) => x.toFixed(digits);
  if (s.n === 1 || s.min === s.max) return `${f(s.median)}${unit}`;
  return `${f(s.median)}${unit} (${f(s.min)}–${f(s.max)})`;
}

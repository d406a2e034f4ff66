/**
 * "Did you mean ...?": the nearest allowed values to a misspelt one, so an error names the fix
 * instead of a list of hundreds of values.
 */

/**
 * Edit distance between two strings: insertions, deletions, substitutions and swaps of two
 * neighbouring characters each cost 1 (optimal string alignment), so `platfrom` is 1 from `platform`.
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[rows - 1][cols - 1];
}

/**
 * The candidates closest to `value` (up to 3, in the candidates' order), when they are close enough
 * to be a typo of it (at most one edit per three characters, and at most 3) or when `value`
 * abbreviates them. Empty otherwise.
 */
export function nearest(value: string, candidates: readonly string[]): string[] {
  const limit = Math.min(3, Math.max(1, Math.floor(value.length / 3)));
  let best = limit + 1;
  let found: string[] = [];
  for (const candidate of new Set(candidates)) {
    // Cheap bound first: the length difference alone already costs that many edits.
    if (Math.abs(candidate.length - value.length) > limit) {
      continue;
    }
    const distance = editDistance(value.toLowerCase(), candidate.toLowerCase());
    if (distance > limit) {
      continue;
    }
    if (distance < best) {
      best = distance;
      found = [candidate];
    } else if (distance === best) {
      found.push(candidate);
    }
  }
  if (found.length === 0 && value.length >= 3) {
    // An abbreviation (`prod` for `production`) is as clear a hint as a typo.
    found = [...new Set(candidates)].filter((c) => c.toLowerCase().startsWith(value.toLowerCase()));
  }
  return found.slice(0, 3);
}

/** Joins values for a sentence: `a`, `a or b`, `a, b or c`. */
export function orList(values: readonly string[]): string {
  return values.length <= 1 ? (values[0] ?? "") : `${values.slice(0, -1).join(", ")} or ${values.at(-1)}`;
}

/** `"did you mean X?"` / `"did you mean X or Y?"` for the nearest candidates, or undefined. */
export function didYouMean(value: string, candidates: readonly string[]): string | undefined {
  const close = nearest(value, candidates);
  return close.length > 0 ? `did you mean ${orList(close)}?` : undefined;
}

/**
 * The message for a value outside a fixed set: `is not <what>; did you mean <nearest>?` when one
 * is close, else `must be <what>: <every value>` (or only `must be <what>` for very long lists,
 * where `hint` says where the list lives).
 */
export function notOneOf(value: string, allowed: readonly string[], what: string, hint?: string): string {
  const suggestion = didYouMean(value, allowed);
  if (suggestion !== undefined) {
    return `is not ${what}; ${suggestion}`;
  }
  if (allowed.length <= 60) {
    return `must be ${what}: ${allowed.join(", ")}`;
  }
  return `must be ${what}${hint ? `; ${hint}` : ""}`;
}

/**
 * Output for people: the width to fit, colour only on a terminal (and never with `NO_COLOR`), text
 * elided in the middle rather than cut at the end, and a progress line on stderr that only a
 * terminal sees (never CI logs, pipes or files), so stdout stays the same from run to run.
 */

/** How the output is shaped; {@link terminalStyle} reads it from the process. */
export interface TerminalStyle {
  /** Columns to fit, or undefined for no limit. */
  readonly width?: number;
  readonly colour: boolean;
}

/** Width used when stdout is not a terminal and `COLUMNS` is unset: lines stay diffable. */
export const DEFAULT_WIDTH = 120;

/**
 * The style for a stream: width from `COLUMNS` (as shells export it), else the terminal's, else
 * {@link DEFAULT_WIDTH}; colour on a terminal unless `NO_COLOR` is set (https://no-color.org),
 * forced by a non-empty `FORCE_COLOR` other than `0`.
 */
export function terminalStyle(
  stream: { isTTY?: boolean; columns?: number },
  env: NodeJS.ProcessEnv = process.env,
): TerminalStyle {
  const columns = Number(env.COLUMNS);
  const width = Number.isInteger(columns) && columns >= 20 ? columns : (stream.columns ?? DEFAULT_WIDTH);
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "" && env.FORCE_COLOR !== "0";
  const colour = forced || (stream.isTTY === true && !env.NO_COLOR && env.TERM !== "dumb");
  return { width, colour };
}

/** Shortens `text` to `width` characters by replacing its middle with `…` (both ends stay readable). */
export function elide(text: string, width: number | undefined): string {
  const chars = [...text];
  if (width === undefined || chars.length <= width) {
    return text;
  }
  if (width <= 1) {
    return "…".slice(0, width);
  }
  const head = Math.ceil((width - 1) / 2);
  const tail = width - 1 - head;
  return `${chars.slice(0, head).join("")}…${tail > 0 ? chars.slice(-tail).join("") : ""}`;
}

/** Splits `text` into lines of at most `width` characters (hard wrap: values have no spaces to break at). */
export function wrap(text: string, width: number): string[] {
  const chars = [...text];
  const lines: string[] = [];
  for (let i = 0; i < chars.length; i += width) {
    lines.push(chars.slice(i, i + width).join(""));
  }
  return lines.length > 0 ? lines : [""];
}

const CODES = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  yellow: [33, 39],
  magenta: [35, 39],
  cyan: [36, 39],
};

/** ANSI styling when `on`, the text unchanged otherwise. */
export function paint(on: boolean, style: keyof typeof CODES, text: string): string {
  const [open, close] = CODES[style];
  return on ? `\u001b[${open}m${text}\u001b[${close}m` : text;
}

/** A one-line progress report, rewritten in place; silent unless `enabled`. */
export class Progress {
  private last = 0;
  private shown = false;

  constructor(
    private readonly enabled: boolean,
    private readonly out: { write(text: string): unknown } = process.stderr,
  ) {}

  /** Shows `text` (at most every 100 ms, so a fast loop does not flood the terminal). */
  update(text: string): void {
    const now = Date.now();
    if (!this.enabled || now - this.last < 100) {
      return;
    }
    this.last = now;
    this.shown = true;
    this.out.write(`\r\u001b[2K${text}`);
  }

  /** Erases the line, so the report that follows starts clean. */
  done(): void {
    if (this.shown) {
      this.out.write("\r\u001b[2K");
      this.shown = false;
    }
  }
}

/** Whether progress may be shown: stderr is a terminal, and not in CI. */
export function progressWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !env.CI && env.TERM !== "dumb";
}

/**
 * Kubernetes resource quantities (CPU in millicores, memory in bytes): parsing, formatting and the
 * messages config validation shows. Shared by every component that sizes pods.
 */

const CPU_QUANTITY = /^(\d+(?:\.\d{1,3})?)(m?)$/;
const MEMORY_QUANTITY = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;
const MEMORY_FACTOR: Record<string, number> = {
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

export const CPU_QUANTITY_MESSAGE = "must be a CPU quantity in cores or millicores, e.g. 500m, 2 or 0.5";
export const MEMORY_QUANTITY_MESSAGE =
  "must be a memory quantity: a number with Ki, Mi, Gi, Ti (powers of 1024) or k, M, G, T (powers of 1000), e.g. 512Mi or 2Gi";

/** Millicores of a CPU quantity (`500m` → 500, `2` → 2000), or undefined when malformed. */
export function parseCpu(quantity: string): number | undefined {
  const match = CPU_QUANTITY.exec(quantity);
  if (!match) {
    return undefined;
  }
  const value = Number(match[1]);
  if (match[2] === "m") {
    return Number.isInteger(value) ? value : undefined;
  }
  return Math.round(value * 1000);
}

/** Bytes of a memory quantity (`2Gi` → 2147483648, `1G` → 1e9), or undefined when malformed. */
export function parseMemory(quantity: string): number | undefined {
  const match = MEMORY_QUANTITY.exec(quantity);
  return match ? Math.round(Number(match[1]) * MEMORY_FACTOR[match[2] ?? ""]) : undefined;
}

export function cpuProblem(quantity: string): string | undefined {
  const millis = parseCpu(quantity);
  return millis === undefined || millis <= 0 ? CPU_QUANTITY_MESSAGE : undefined;
}

export function memoryProblem(quantity: string): string | undefined {
  if (/^\d+(\.\d+)?m$/.test(quantity)) {
    return `${MEMORY_QUANTITY_MESSAGE}; 'm' means thousandths of a byte, write Mi for mebibytes`;
  }
  const bytes = parseMemory(quantity);
  return bytes === undefined || bytes <= 0 ? MEMORY_QUANTITY_MESSAGE : undefined;
}

/** Millicores as a quantity: whole cores when exact (`16`), millicores otherwise (`10500m`). */
export function formatCpu(millis: number): string {
  return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
}

/** Bytes as the largest binary unit that divides them exactly (`44Gi`, `1536Mi`). */
export function formatMemory(bytes: number): string {
  for (const unit of ["Ei", "Pi", "Ti", "Gi", "Mi", "Ki"]) {
    const factor = MEMORY_FACTOR[unit];
    if (bytes >= factor && bytes % factor === 0) {
      return `${bytes / factor}${unit}`;
    }
  }
  return String(bytes);
}

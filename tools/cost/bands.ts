/**
 * The assessments' monthly cost figures per environment, and what an estimate says against them
 * and against the stack's own budget, in sentences: by how much, and which parts of the design
 * cost the difference. Every number is shown; none is adjusted to fit.
 */
import type { Estimate } from "./estimate";
import type { CostLine } from "./model";

export interface Band {
  /** The assessments' wording. */
  readonly text: string;
  readonly lowUsd?: number;
  readonly highUsd: number;
}

/** From the source assessments (development about $200, staging about $400, production $800-1,500). */
export const ASSESSMENT_BANDS: Readonly<Record<string, Band>> = {
  dev: { text: "about $200", highUsd: 200 },
  staging: { text: "about $400", highUsd: 400 },
  production: { text: "$800-1,500 depending on scale", lowUsd: 800, highUsd: 1500 },
};

export interface BudgetSettings {
  readonly monthlyLimitUsd: number;
  readonly actualAlertPercent: number;
  readonly forecastAlertPercent: number;
}

export interface Verdict {
  readonly band?: Band & { readonly verdict: "within" | "above" | "below"; readonly differenceUsd: number };
  readonly budget?: BudgetSettings & { readonly percentOfBudget: number };
  /** The comparison in plain sentences. */
  readonly sentences: readonly string[];
}

export const usd = (n: number): string =>
  `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** The lines that cost the most, as `resource: item (amount)`. */
function biggest(lines: readonly CostLine[], count: number): string[] {
  return [...lines]
    .sort((a, b) => b.monthlyUsd - a.monthlyUsd)
    .slice(0, count)
    .map((l) => `${l.resource}: ${l.item} (${usd(l.monthlyUsd)})`);
}

const total = (lines: readonly CostLine[]) => lines.reduce((n, l) => n + l.monthlyUsd, 0);

/**
 * The design choices behind the figure, each with what it costs a month, largest first: the fixed
 * control plane, node capacity, a Multi-AZ standby, read replicas, NAT gateways and interface
 * endpoints per AZ, cache nodes.
 */
export function designFacts(estimate: Estimate, bandUsd: number): string[] {
  const lines = estimate.lines;
  const of = (service: string) => lines.filter((l) => l.service === service);
  const facts: { text: string; usd: number }[] = [];
  const control = total(of("EKS control plane"));
  if (control > 0) {
    facts.push({
      text: `the EKS control plane is a fixed ${usd(control)} (${Math.round((100 * control) / bandUsd)} % of the assessments' figure)`,
      usd: control,
    });
  }
  const nodes = of("EC2 nodes").filter((l) => l.monthlyUsd > 0);
  if (nodes.length > 0) {
    facts.push({
      text: `node groups ${nodes.map((l) => l.item.split(",")[0]).join(" + ")}: ${usd(total(nodes))}`,
      usd: total(nodes),
    });
  }
  for (const l of of("RDS").filter((x) => x.item.includes("Multi-AZ"))) {
    facts.push({
      text: `the Multi-AZ standby of ${l.resource} doubles its ${l.unit === "instance-h" ? "instance" : "storage"}: ${usd(l.monthlyUsd / 2)}`,
      usd: l.monthlyUsd / 2,
    });
  }
  const replicas = new Set(
    of("RDS")
      .filter((l) => l.item.includes("read replica"))
      .map((l) => l.resource),
  );
  if (replicas.size > 0) {
    const cost = total(lines.filter((l) => replicas.has(l.resource)));
    facts.push({ text: `${replicas.size} read replica(s): ${usd(cost)}`, usd: cost });
  }
  const nat = of("NAT gateways");
  const gateways = new Set(nat.map((l) => l.resource)).size;
  if (gateways > 0) {
    facts.push({
      text: `${gateways} NAT gateway(s)${gateways > 1 ? " (one per AZ)" : ""} with their traffic: ${usd(total(nat))}`,
      usd: total(nat),
    });
  }
  const endpoints = of("VPC endpoints").filter((l) => l.unit === "AZ-h");
  if (endpoints.length > 0) {
    facts.push({
      text: `${endpoints.length} interface endpoint(s), billed per AZ: ${usd(total(of("VPC endpoints")))}`,
      usd: total(of("VPC endpoints")),
    });
  }
  const balancers = of("Load balancers");
  if (balancers.length > 0) {
    const addresses = of("Public IPv4").filter((l) => l.resourceType !== "aws:ec2/eip:Eip");
    const count = new Set(balancers.filter((l) => l.unit === "h").map((l) => l.resource)).size;
    const cost = total(balancers) + total(addresses);
    facts.push({ text: `${count} load balancer(s) with their public addresses: ${usd(cost)}`, usd: cost });
  }
  const cache = of("ElastiCache");
  if (cache.length > 0) {
    facts.push({
      text: `cache ${cache.map((l) => l.item).join(" + ")}: ${usd(total(cache))}`,
      usd: total(cache),
    });
  }
  return facts.sort((a, b) => b.usd - a.usd).map((f) => f.text);
}

/** Services that make up at least 80 % of the total, largest first. */
function drivers(estimate: Estimate): string {
  const sorted = [...estimate.byService].sort((a, b) => b.monthlyUsd - a.monthlyUsd);
  const picked: string[] = [];
  let covered = 0;
  for (const s of sorted) {
    if (covered >= 0.8 * estimate.totalUsd) {
      break;
    }
    covered += s.monthlyUsd;
    picked.push(
      `${s.label} ${usd(s.monthlyUsd)} (${Math.round((100 * s.monthlyUsd) / estimate.totalUsd)} %)`,
    );
  }
  return picked.join(", ");
}

function bandSentences(
  estimate: Estimate,
  environment: string,
  band: Band,
): { verdict: "within" | "above" | "below"; difference: number; sentences: string[] } {
  const total = estimate.totalUsd;
  if (total > band.highUsd) {
    const over = total - band.highUsd;
    return {
      verdict: "above",
      difference: over,
      sentences: [
        `The ${environment} estimate, ${usd(total)} a month, is ${usd(over)} (${Math.round((100 * over) / band.highUsd)} %) above the assessments' ${band.text}.`,
        `Where the money goes: ${drivers(estimate)}.`,
        `Why: ${designFacts(estimate, band.highUsd).join("; ")}.`,
        `The largest items: ${biggest(estimate.lines, 5).join("; ")}.`,
        "These are choices in the stack file; the figure comes down only by changing them, not by changing this estimate.",
      ],
    };
  }
  if (band.lowUsd !== undefined && total < band.lowUsd) {
    return {
      verdict: "below",
      difference: band.lowUsd - total,
      sentences: [
        `The ${environment} estimate, ${usd(total)} a month, is ${usd(band.lowUsd - total)} below the assessments' ${band.text}.`,
      ],
    };
  }
  return {
    verdict: "within",
    difference: 0,
    sentences: [
      `The ${environment} estimate, ${usd(total)} a month, is within the assessments' ${band.text}.`,
    ],
  };
}

/** The estimate against the environment's band (when the assessments give one) and the stack's budget. */
export function judge(estimate: Estimate, environment: string, budget?: BudgetSettings): Verdict {
  const sentences: string[] = [];
  const band = ASSESSMENT_BANDS[environment];
  let bandVerdict: Verdict["band"];
  if (band) {
    const { verdict, difference, sentences: said } = bandSentences(estimate, environment, band);
    bandVerdict = { ...band, verdict, differenceUsd: difference };
    sentences.push(...said);
  } else {
    sentences.push(`The assessments give no figure for environment '${environment}'.`);
  }
  if (estimate.savedBySleepUsd > 0) {
    sentences.push(
      `The sleep schedule saves ${usd(estimate.savedBySleepUsd)} a month; always on, the stack would cost ${usd(estimate.totalUsd + estimate.savedBySleepUsd)}.`,
    );
  }
  if (estimate.unpriced.length > 0) {
    sentences.push(
      `${estimate.unpriced.length} item(s) could not be priced and are not in the total (listed under NOT PRICED): the real figure may be higher.`,
    );
  }
  let budgetVerdict: Verdict["budget"];
  if (budget) {
    const percent = (100 * estimate.totalUsd) / budget.monthlyLimitUsd;
    budgetVerdict = { ...budget, percentOfBudget: percent };
    sentences.push(
      `The stack's budget is ${usd(budget.monthlyLimitUsd)} a month (platform:cost.budget): the estimate is ${Math.round(percent)} % of it.`,
    );
    if (percent > budget.forecastAlertPercent) {
      sentences.push(
        `The forecast alert (${budget.forecastAlertPercent} %) would fire every month: raise the budget or change the design.`,
      );
    } else if (percent > budget.actualAlertPercent) {
      sentences.push(
        `The actual-spend alert (${budget.actualAlertPercent} %) would fire late in every month: leave more headroom.`,
      );
    }
  }
  return { band: bandVerdict, budget: budgetVerdict, sentences };
}

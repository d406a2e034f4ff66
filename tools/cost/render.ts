/** Terminal (cli-table3) and Markdown rendering of an estimate, its assumptions and its verdict. */
import Table from "cli-table3";
import type { UsageAssumptions } from "../../infra/config/cost";
import { usd, type Verdict } from "./bands";
import { type Estimate, NOT_ESTIMATED, type Total } from "./estimate";
import type { CostLine } from "./model";

/** Compact table style: no rule between rows (as tools/offline/render.ts). */
const COMPACT = {
  style: { head: [], border: [] },
  chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
};

const amount = (n: number) =>
  n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const figure = (n: number) => n.toLocaleString("en-US", { maximumFractionDigits: 4 });

/** Every assumption the figures rest on, in words, with the config key that changes it. */
export function assumptions(estimate: Estimate, usage: UsageAssumptions, hoursPerMonth: number): string[] {
  const logs = usage.logsGbPerMonth;
  return [
    `${hoursPerMonth} hours a month; on-demand list prices as of ${estimate.pricesAsOf} (tools/cost/prices.yaml), by each resource's region.`,
    "Node groups at their desired size (the Cluster Autoscaler moves it between min and max), priced at the first instance type listed.",
    `Spot capacity at ${usage.spotDiscountPercent} % off the on-demand price (platform:cost.usage.spotDiscountPercent).`,
    `NAT gateways process ${usage.natProcessedGbPerMonth} GB a month in all (natProcessedGbPerMonth); interface endpoints ${usage.endpointProcessedGbPerMonth} GB (endpointProcessedGbPerMonth).`,
    `Load balancers average ${usage.loadBalancerCapacityUnits} capacity unit(s) an hour (loadBalancerCapacityUnits); one ALB per Ingress group, internet-facing ones pay a public IPv4 address per AZ.`,
    `CloudWatch Logs ingested per log group and month (logsGbPerMonth): control plane ${logs.controlPlane} GB, flow logs ${logs.flowLogs} GB, database ${logs.database} GB, cache ${logs.cache} GB, other ${logs.other} GB; stored for their whole retention, uncompressed (AWS bills the compressed size: lower).`,
    `Databases change ${usage.databaseDailyChangePercent} % of their storage a day (databaseDailyChangePercent): backups hold one full copy plus each retained day's changes, storage used = allocated; the free backup allowance is each instance's storage; cross-region copies transfer the changes.`,
    `S3 buckets hold ${usage.objectStorageGbPerBucket} GB each (objectStorageGbPerBucket); AWS Backup vaults ${usage.backupVaultGb} GB (backupVaultGb); WAF web ACLs see ${usage.wafMillionRequestsPerMonth} million requests (wafMillionRequestsPerMonth).`,
    "Performance Insights within its free 7 days; a stopped database still pays its storage and backups; EBS volumes of persistent volumes never sleep.",
  ];
}

function totalsTable(title: string, totals: readonly Total[], grand: number): string {
  const table = new Table({ head: [title, "USD / month"], colAligns: ["left", "right"], ...COMPACT });
  for (const t of totals) {
    table.push([t.label, amount(t.monthlyUsd)]);
  }
  table.push(["total", amount(grand)]);
  return table.toString();
}

function itemRow(l: CostLine): string[] {
  return [
    l.component,
    l.resource,
    l.item,
    `${figure(l.quantity)} ${l.unit}`,
    figure(l.unitPriceUsd),
    amount(l.monthlyUsd),
  ];
}

const ITEM_HEAD = ["component", "resource", "item", "quantity", "unit price", "USD / month"];

/** The whole report for a terminal. */
export function renderEstimate(
  estimate: Estimate,
  verdict: Verdict,
  usage: UsageAssumptions,
  hoursPerMonth: number,
): string {
  const out: string[] = [
    `Monthly cost estimate of stack '${estimate.stack}' (project ${estimate.project}, ${estimate.region}): ${usd(estimate.totalUsd)}`,
    "",
    totalsTable("service", estimate.byService, estimate.totalUsd),
    "",
    totalsTable("component", estimate.byComponent, estimate.totalUsd),
    "",
    totalsTable("resource type", estimate.byResourceType, estimate.totalUsd),
    "",
  ];
  const items = new Table({
    head: ITEM_HEAD,
    colAligns: ["left", "left", "left", "right", "right", "right"],
    ...COMPACT,
  });
  items.push(...estimate.lines.map(itemRow));
  out.push("ITEMS", items.toString());
  if (estimate.unpriced.length > 0) {
    out.push("", `NOT PRICED (${estimate.unpriced.length}): not in the total`);
    out.push(
      ...estimate.unpriced.map((u) => `  ${u.component} ${u.resource} (${u.resourceType}): ${u.reason}`),
    );
  }
  if (estimate.sleep.length > 0) {
    out.push("", "SLEEP SCHEDULES", ...estimate.sleep.map((s) => `  ${s}`));
  }
  out.push("", "ASSUMPTIONS (platform:cost.usage in the stack file)");
  out.push(...assumptions(estimate, usage, hoursPerMonth).map((a) => `  - ${a}`));
  out.push("", "NOT ESTIMATED", ...NOT_ESTIMATED.map((n) => `  - ${n}`));
  out.push("", "AGAINST THE ASSESSMENTS AND THE BUDGET", ...verdict.sentences.map((s) => `  ${s}`));
  return out.join("\n");
}

function markdownTable(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  right: readonly number[],
): string {
  const esc = (c: string) => c.replace(/\|/g, "\\|");
  return [
    `| ${head.join(" | ")} |`,
    `|${head.map((_, i) => (right.includes(i) ? "---:" : "---")).join("|")}|`,
    ...rows.map((r) => `| ${r.map(esc).join(" | ")} |`),
  ].join("\n");
}

/** The whole report as Markdown, for a review or a pull request. */
export function renderMarkdown(
  estimate: Estimate,
  verdict: Verdict,
  usage: UsageAssumptions,
  hoursPerMonth: number,
): string {
  const totals = (title: string, rows: readonly Total[]) =>
    markdownTable(
      [title, "USD / month"],
      [
        ...rows.map((t) => [t.label, amount(t.monthlyUsd)]),
        ["**total**", `**${amount(estimate.totalUsd)}**`],
      ],
      [1],
    );
  const parts = [
    `# Monthly cost estimate: stack \`${estimate.stack}\``,
    `Project ${estimate.project}, region ${estimate.region}, prices as of ${estimate.pricesAsOf}: **${usd(estimate.totalUsd)} a month**.`,
    "## Against the assessments and the budget",
    verdict.sentences.join("\n\n"),
    "## By service",
    totals("service", estimate.byService),
    "## By component",
    totals("component", estimate.byComponent),
    "## By resource type",
    totals("resource type", estimate.byResourceType),
    "## Items",
    markdownTable(ITEM_HEAD, estimate.lines.map(itemRow), [3, 4, 5]),
  ];
  if (estimate.unpriced.length > 0) {
    parts.push(
      "## Not priced (not in the total)",
      estimate.unpriced
        .map((u) => `- ${u.component} \`${u.resource}\` (${u.resourceType}): ${u.reason}`)
        .join("\n"),
    );
  }
  if (estimate.sleep.length > 0) {
    parts.push("## Sleep schedules", estimate.sleep.map((s) => `- ${s}`).join("\n"));
  }
  parts.push(
    "## Assumptions",
    assumptions(estimate, usage, hoursPerMonth)
      .map((a) => `- ${a}`)
      .join("\n"),
    "## Not estimated",
    NOT_ESTIMATED.map((n) => `- ${n}`).join("\n"),
  );
  return `${parts.join("\n\n")}\n`;
}

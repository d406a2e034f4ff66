/**
 * Pricing rules for the cluster: the EKS control plane, node groups at their desired size (spot at
 * the configured discount) with their root volumes, and the EBS volumes behind persistent volume
 * claims (declared claims, StatefulSet claim templates, the Vault chart's Raft volumes).
 */
import { parseMemory } from "../../components/shared/quantity";
import type { PlanResource } from "../policy/plan-input";
import { LineBuilder, type PricingContext, type PricingRule, list, num, record } from "./model";

const GIB = 2 ** 30;

export const eksCluster: PricingRule = {
  types: ["aws:eks/cluster:Cluster"],
  price(ctx, r) {
    const b = new LineBuilder(ctx, r);
    if (b.prices) {
      b.add(
        "EKS control plane",
        `EKS cluster ${String(r.props.name ?? r.name)}`,
        ctx.prices.hoursPerMonth,
        "cluster-h",
        b.prices.eks.clusterHour,
      );
    }
    return b.result();
  },
};

/** Root volume of a node group's instances: from its launch template, else the group's `diskSize` (EKS default 20 GiB). */
function rootVolume(ctx: PricingContext, group: PlanResource): { size: number; type: string } {
  const template = ctx.dependenciesOf(group, "aws:ec2/launchTemplate:LaunchTemplate")[0];
  const ebs = record(record(list(template?.props.blockDeviceMappings)[0]).ebs);
  return template && num(ebs.volumeSize) > 0
    ? { size: num(ebs.volumeSize), type: String(ebs.volumeType ?? "gp3") }
    : { size: num(group.props.diskSize, 20), type: "gp3" };
}

export const nodeGroup: PricingRule = {
  types: ["aws:eks/nodeGroup:NodeGroup"],
  price(ctx, r) {
    const b = new LineBuilder(ctx, r);
    if (!b.prices) {
      return b.result();
    }
    const type = String(list(r.props.instanceTypes)[0] ?? "t3.medium");
    const spot = r.props.capacityType === "SPOT";
    const nodes = num(record(r.props.scalingConfig).desiredSize);
    const max = num(record(r.props.scalingConfig).maxSize);
    const onDemand = b.prices.ec2.instanceHour[type];
    const awake = ctx.awakeOf(r);
    const fraction = awake?.fraction ?? 1;
    const hours = ctx.prices.hoursPerMonth * fraction;
    const when = awake ? `, awake ${awake.description}` : "";
    if (onDemand === undefined) {
      b.missing(`instance type ${type} has no price in tools/cost/prices.yaml`);
    } else {
      const discount = ctx.usage.spotDiscountPercent;
      const unit = spot ? onDemand * (1 - discount / 100) : onDemand;
      const capacity = spot ? `spot at ${discount} % off ${onDemand}/h` : "on-demand";
      const scale =
        nodes === 0
          ? ` (0 until pods need it; up to ${max} at ${(unit * ctx.prices.hoursPerMonth).toFixed(2)} per node-month)`
          : "";
      b.add(
        "EC2 nodes",
        `${nodes} × ${type} ${capacity}${scale}${when}`,
        nodes * hours,
        "instance-h",
        unit,
        nodes * (ctx.prices.hoursPerMonth - hours) * unit,
      );
    }
    const volume = rootVolume(ctx, r);
    const gbMonth = b.prices.ebs.gbMonth[volume.type];
    if (gbMonth === undefined) {
      b.missing(`EBS volume type ${volume.type} has no price`);
    } else if (nodes > 0) {
      // Root volumes are deleted with their instances: they sleep with the nodes.
      b.add(
        "EBS volumes",
        `${nodes} × ${volume.size} GiB ${volume.type} root volumes${when}`,
        nodes * volume.size * fraction,
        "GB-month",
        gbMonth,
        nodes * volume.size * (1 - fraction) * gbMonth,
      );
    }
    return b.result();
  },
};

export const ebsVolume: PricingRule = {
  types: ["aws:ebs/volume:Volume"],
  price(ctx, r) {
    const b = new LineBuilder(ctx, r);
    const type = String(r.props.type ?? "gp3");
    const gbMonth = b.prices?.ebs.gbMonth[type];
    if (b.prices && gbMonth === undefined) {
      b.missing(`EBS volume type ${type} has no price`);
    } else if (gbMonth !== undefined) {
      b.add("EBS volumes", `${num(r.props.size)} GiB ${type}`, num(r.props.size), "GB-month", gbMonth);
    }
    return b.result();
  },
};

/** EBS type of a StorageClass by name (or the default class), `gp3` when not found. */
function volumeTypeOf(ctx: PricingContext, className: unknown): string {
  const classes = ctx.resources.filter((r) => r.type === "kubernetes:storage.k8s.io/v1:StorageClass");
  const found =
    classes.find((c) => record(c.props.metadata).name === className) ??
    (className === undefined
      ? classes.find(
          (c) =>
            record(record(c.props.metadata).annotations)["storageclass.kubernetes.io/is-default-class"] ===
            "true",
        )
      : undefined);
  return String(record(found?.props.parameters).type ?? "gp3");
}

function claimLine(
  ctx: PricingContext,
  b: LineBuilder,
  what: string,
  copies: number,
  storage: unknown,
  className: unknown,
): void {
  const bytes = typeof storage === "string" ? parseMemory(storage) : undefined;
  if (bytes === undefined) {
    b.missing(`${what}: storage request ${JSON.stringify(storage)} is not a quantity`);
    return;
  }
  const type = volumeTypeOf(ctx, className);
  const gbMonth = b.prices?.ebs.gbMonth[type];
  if (b.prices && gbMonth === undefined) {
    b.missing(`${what}: EBS volume type ${type} has no price`);
  } else if (gbMonth !== undefined) {
    const gib = bytes / GIB;
    b.add("EBS volumes", `${copies} × ${storage} ${type} (${what})`, copies * gib, "GB-month", gbMonth);
  }
}

export const persistentVolumes: PricingRule = {
  types: [
    "kubernetes:core/v1:PersistentVolumeClaim",
    "kubernetes:apps/v1:StatefulSet",
    "kubernetes:helm.sh/v3:Release",
  ],
  price(ctx, r) {
    const b = new LineBuilder(ctx, r);
    if (r.type === "kubernetes:core/v1:PersistentVolumeClaim") {
      const spec = record(r.props.spec);
      claimLine(ctx, b, "claim", 1, record(record(spec.resources).requests).storage, spec.storageClassName);
    } else if (r.type === "kubernetes:apps/v1:StatefulSet") {
      const spec = record(r.props.spec);
      for (const t of list(spec.volumeClaimTemplates).map(record)) {
        const claim = record(t.spec);
        const name = String(record(t.metadata).name ?? "data");
        claimLine(
          ctx,
          b,
          `claim template ${name}`,
          num(spec.replicas, 1),
          record(record(claim.resources).requests).storage,
          claim.storageClassName,
        );
      }
    } else if (r.props.chart === "vault") {
      // The Vault chart's server StatefulSet: Raft data (and audit) volumes, one per server.
      const server = record(record(r.props.values).server);
      const ha = record(server.ha);
      const servers = ha.enabled === true ? num(ha.replicas, 3) : 1;
      for (const key of ["dataStorage", "auditStorage"]) {
        const storage = record(server[key]);
        if (storage.enabled !== false && (key === "dataStorage" || storage.enabled === true)) {
          claimLine(ctx, b, `Vault ${key}`, servers, storage.size ?? "10Gi", storage.storageClass);
        }
      }
    }
    return b.result();
  },
};

export const computeRules = [eksCluster, nodeGroup, ebsVolume, persistentVolumes];

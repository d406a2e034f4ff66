/**
 * Container logs to CloudWatch Logs: Fluent Bit (official chart, one pod per node, in the node
 * agents' `privileged` namespace: it reads the nodes' /var/log) writing to log groups this component
 * creates, encrypted with the logs key and kept `retentionInDays`. Its role (EKS Pod Identity) may
 * create streams and put events in those groups only; `auto_create_group` stays off. Vault's audit
 * device writes to stdout (decision 0053): its server container is read apart and reaches the Vault
 * audit group only, never the general containers group.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { WorkloadIdentity } from "../cluster/workload-identity";
import type { Resources } from "./metrics-values";

/** ServiceAccount of Fluent Bit: its Pod Identity writes the logs. */
export const LOG_SHIPPER_SERVICE_ACCOUNT = "fluent-bit";

export interface LogShippingArgs {
  /** Exact version of the `fluent-bit` chart (https://fluent.github.io/helm-charts). */
  readonly chartVersion: string;
  readonly clusterName: pulumi.Input<string>;
  readonly region: string;
  /** Namespace of the node agents (Pod Security `privileged`: hostPath mounts of /var/log). */
  readonly namespace: string;
  /** Prefix of the log group names, e.g. `/platform/production`. */
  readonly logGroupPrefix: string;
  /** KMS key of the log groups (the platform's logs key). */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Days the groups keep events (a CloudWatch Logs retention value). */
  readonly retentionInDays: number;
  readonly resources: Resources;
  /** Vault's namespace: its server container's records go to the audit group only. @default "vault" */
  readonly vaultNamespace?: string;
  /** Vault's server container (the chart's `vault`). @default "vault" */
  readonly vaultContainer?: string;
}

/** Where the tail inputs keep their read offsets (on the node's /var/log, which the chart mounts). */
export const TAIL_DB = { containers: "/var/log/flb_kube.db", vaultAudit: "/var/log/flb_vault.db" } as const;

const section = (kind: string, entries: readonly [string, string][]) =>
  [`[${kind}]`, ...entries.map(([k, v]) => `    ${k.padEnd(18)} ${v}`), ""].join("\n");

/**
 * Fluent Bit's `config.inputs`, `config.filters` and `config.outputs` (the chart's defaults
 * replaced, checked at fluent-bit 0.58.1): two tail inputs with offset databases (a restart
 * neither loses nor repeats lines), Vault's server container read apart (its stdout carries the
 * audit log, decision 0053) so it reaches the audit group only; the Kubernetes metadata filter on
 * both; no systemd input (the chart's default `host.*` kubelet input had no output).
 */
export function fluentBitConfig(
  region: string,
  groups: { containers: string; vaultAudit: string },
  vault: { namespace: string; container: string },
): { inputs: string; filters: string; outputs: string } {
  // Log files are /var/log/containers/<pod>_<namespace>_<container>-<id>.log.
  const vaultFiles = `/var/log/containers/*_${vault.namespace}_${vault.container}-*.log`;
  const tail = (path: string, tag: string, db: string, exclude?: string) =>
    section("INPUT", [
      ["Name", "tail"],
      ["Path", path],
      ...(exclude ? ([["Exclude_Path", exclude]] as [string, string][]) : []),
      ["multiline.parser", "docker, cri"],
      ["Tag", tag],
      ["DB", db],
      ["DB.locking", "true"],
      ["Mem_Buf_Limit", "5MB"],
      ["Skip_Long_Lines", "On"],
    ]);
  const kubernetes = (match: string, prefix: string) =>
    section("FILTER", [
      ["Name", "kubernetes"],
      ["Match", match],
      ["Kube_Tag_Prefix", prefix],
      ["Merge_Log", "On"],
      ["Keep_Log", "Off"],
      ["K8S-Logging.Parser", "On"],
      ["K8S-Logging.Exclude", "On"],
    ]);
  const output = (match: string, group: string) =>
    section("OUTPUT", [
      ["Name", "cloudwatch_logs"],
      ["Match", match],
      ["region", region],
      ["log_group_name", group],
      ["log_stream_prefix", "node-"],
      ["auto_create_group", "false"],
    ]);
  return {
    inputs:
      tail("/var/log/containers/*.log", "kube.*", TAIL_DB.containers, vaultFiles) +
      tail(vaultFiles, "vault.*", TAIL_DB.vaultAudit),
    filters:
      kubernetes("kube.*", "kube.var.log.containers.") + kubernetes("vault.*", "vault.var.log.containers."),
    outputs: output("kube.*", groups.containers) + output("vault.*", groups.vaultAudit),
  };
}

/** Fluent Bit, its log groups and its write-only role. */
export class LogShipping extends pulumi.ComponentResource {
  /** Names of the log groups by purpose. */
  public readonly logGroupNames: {
    readonly containers: pulumi.Output<string>;
    readonly vaultAudit: pulumi.Output<string>;
  };
  public readonly roleArn: pulumi.Output<string>;

  constructor(name: string, args: LogShippingArgs, opts?: pulumi.ComponentResourceOptions) {
    if (!/^\d+\.\d+\.\d+$/.test(args.chartVersion)) {
      throw new Error(
        `LogShipping '${name}' has invalid arguments:\n  - chartVersion: must be an exact version like 0.58.1 (received ${JSON.stringify(args.chartVersion)})`,
      );
    }
    super("platform:observability:LogShipping", name, {}, opts);
    const vault = { namespace: args.vaultNamespace ?? "vault", container: args.vaultContainer ?? "vault" };
    const group = (key: string, suffix: string) =>
      new aws.cloudwatch.LogGroup(
        `${name}-${key}`,
        {
          name: `${args.logGroupPrefix}/${suffix}`,
          retentionInDays: args.retentionInDays,
          kmsKeyId: args.kmsKeyArn,
        },
        { parent: this },
      );
    const containers = group("containers", "containers");
    const vaultAudit = group("vault-audit", "vault-audit");

    const identity = new WorkloadIdentity(
      `${name}-shipper`,
      {
        clusterName: args.clusterName,
        namespace: args.namespace,
        serviceAccount: LOG_SHIPPER_SERVICE_ACCOUNT,
        policyJson: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "WriteToThePlatformsGroupsOnly",
              Effect: "Allow",
              Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
              Resource: [pulumi.interpolate`${containers.arn}:*`, pulumi.interpolate`${vaultAudit.arn}:*`],
            },
          ],
        }),
      },
      { parent: this },
    );

    new k8s.helm.v3.Release(
      `${name}-release`,
      {
        name: "fluent-bit",
        chart: "fluent-bit",
        version: args.chartVersion,
        repositoryOpts: { repo: "https://fluent.github.io/helm-charts" },
        namespace: args.namespace,
        createNamespace: false,
        maxHistory: 10,
        values: {
          kind: "DaemonSet",
          serviceAccount: { create: true, name: LOG_SHIPPER_SERVICE_ACCOUNT },
          resources: args.resources,
          // Every node ships its logs, whatever taints it carries.
          tolerations: [{ operator: "Exists" }],
          // service and customParsers stay the chart's.
          config: pulumi
            .all([containers.name, vaultAudit.name])
            .apply(([c, v]) => fluentBitConfig(args.region, { containers: c, vaultAudit: v }, vault)),
        },
      },
      { parent: this, dependsOn: [identity, containers, vaultAudit] },
    );

    this.logGroupNames = { containers: containers.name, vaultAudit: vaultAudit.name };
    this.roleArn = identity.roleArn;
    this.registerOutputs({ logGroupNames: this.logGroupNames, roleArn: this.roleArn });
  }
}

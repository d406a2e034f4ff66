/** Governance policies: required tags, provider default tags per environment, protection, IAM least privilege. */
import * as aws from "@pulumi/aws";
import { validateResourceOfType } from "@pulumi/policy";
import { asArray, asRecord, effectiveTags, parseJsonish, stackOfUrn, violation } from "./lib/props";
import { isTaggable } from "./lib/taggable";
import type { PlatformResourcePolicy } from "./lib/types";
import { REQUIRED_TAGS } from "./lib/tags";

export { REQUIRED_TAGS };

function missingTags(tags: Record<string, unknown>, required: readonly string[]): string[] {
  return required.filter((k) => typeof tags[k] !== "string" || (tags[k] as string).trim() === "");
}

export const requiredTags: PlatformResourcePolicy = {
  name: "required-tags",
  description:
    "Every taggable AWS resource carries the governance tags (provider default tags plus its own), non-empty.",
  severity: "medium",
  enforcementLevel: "mandatory",
  category: "Infrastructure as Code",
  references: ["AWS Config rule required-tags", "AWS Tagging Best Practices"],
  configSchema: {
    properties: { requiredTags: { type: "array", items: { type: "string" }, default: [...REQUIRED_TAGS] } },
  },
  validateResource: (args, report) => {
    if (!isTaggable(args.type, args.props)) {
      args.notApplicable("Resource type has no tags");
    }
    const { requiredTags: required } = args.getConfig<{ requiredTags: string[] }>();
    const missing = missingTags(effectiveTags(args.props, args.provider), required);
    if (missing.length > 0) {
      report(
        violation(
          `'${args.name}' (${args.type}) lacks tags ${missing.join(", ")}`,
          `set ${missing.join(", ")} in the AWS provider's 'defaultTags.tags' (or 'tags' of '${args.name}').`,
        ),
      );
    }
    if (args.type === "aws:ec2/launchTemplate:LaunchTemplate") {
      // Default tags do not reach instances and volumes an Auto Scaling group launches.
      const specs = asArray(args.props.tagSpecifications).map(asRecord);
      for (const kind of ["instance", "volume"]) {
        const spec = specs.find((s) => s.resourceType === kind);
        const lacking = missingTags(asRecord(spec?.tags), required);
        if (lacking.length > 0) {
          report(
            violation(
              `Launch template '${args.name}' does not tag launched ${kind}s with ${lacking.join(", ")}`,
              `add a 'tagSpecifications' entry with 'resourceType: "${kind}"' and tags ${lacking.join(", ")} on launch template '${args.name}'.`,
            ),
          );
        }
      }
    }
  },
};

export const awsProviderDefaultTags: PlatformResourcePolicy = {
  name: "aws-provider-default-tags",
  description:
    "Every AWS provider applies the governance tags as default tags, with Environment equal to the stack name.",
  severity: "medium",
  enforcementLevel: "mandatory",
  category: "Multi-Environment",
  references: ["AWS Tagging Best Practices (environment tag)"],
  configSchema: {
    properties: { requiredTags: { type: "array", items: { type: "string" }, default: [...REQUIRED_TAGS] } },
  },
  validateResource: (args, report) => {
    if (args.type !== "pulumi:providers:aws") {
      args.notApplicable("Policy only applies to resources of type 'pulumi:providers:aws'");
    }
    const { requiredTags: required } = args.getConfig<{ requiredTags: string[] }>();
    const tags = asRecord(asRecord(parseJsonish(args.props.defaultTags)).tags);
    const missing = missingTags(tags, required);
    if (missing.length > 0) {
      report(
        violation(
          `AWS provider '${args.name}' does not set default tags ${missing.join(", ")}`,
          `set ${missing.join(", ")} in 'defaultTags.tags' of provider '${args.name}'.`,
        ),
      );
    }
    const stack = stackOfUrn(args.urn);
    if (tags.Environment !== undefined && tags.Environment !== stack) {
      report(
        violation(
          `AWS provider '${args.name}' tags resources Environment=${String(tags.Environment)} in stack '${stack}'`,
          `set 'defaultTags.tags.Environment' to '${stack}' on provider '${args.name}'.`,
        ),
      );
    }
  },
};

export const STATEFUL_TYPES = [
  "aws:kms/key:Key",
  "aws:rds/instance:Instance",
  "aws:rds/cluster:Cluster",
  "aws:elasticache/replicationGroup:ReplicationGroup",
  "aws:elasticache/cluster:Cluster",
  "aws:efs/fileSystem:FileSystem",
  "aws:dynamodb/table:Table",
  "aws:backup/vault:Vault",
  "aws:s3/bucketV2:BucketV2",
  "aws:s3/bucket:Bucket",
  "aws:secretsmanager/secret:Secret",
  "aws:ebs/volume:Volume",
  "kubernetes:core/v1:PersistentVolumeClaim",
];

export const statefulResourcesProtected: PlatformResourcePolicy = {
  name: "stateful-resources-protected",
  description:
    "Stateful resources (keys, databases, caches, buckets, secrets, volumes) have `protect` set where the stack requires it.",
  severity: "high",
  enforcementLevel: "mandatory",
  category: "Disaster Recovery",
  references: ["AWS Well-Architected REL09 (protect data from deletion)"],
  configSchema: {
    properties: {
      requireProtect: {
        type: "boolean",
        default: false,
        description: "Turned on in production; dev and staging are rebuilt at will.",
      },
      types: { type: "array", items: { type: "string" }, default: STATEFUL_TYPES },
    },
  },
  validateResource: (args, report) => {
    const { requireProtect, types } = args.getConfig<{ requireProtect: boolean; types: string[] }>();
    if (!types.includes(args.type)) {
      args.notApplicable("Resource is not stateful");
    }
    if (!requireProtect) {
      args.notApplicable("This stack does not require protection (requireProtect: false)");
    }
    // A same-region replica can be recreated from its source; a cross-region replica (its source
    // named by ARN) is the standby the recovery time counts on (decision 0143), protected.
    const source = args.props.replicateSourceDb;
    if (args.type === "aws:rds/instance:Instance" && source && !String(source).startsWith("arn:")) {
      args.notApplicable("A read replica is a copy that can be recreated from its source");
    }
    if (!args.opts.protect) {
      report(
        violation(
          `Stateful resource '${args.name}' (${args.type}) is not protected`,
          `set the resource option 'protect: true' on '${args.name}'.`,
        ),
      );
    }
  },
};

const ADMIN_POLICIES = [
  "arn:aws:iam::aws:policy/AdministratorAccess",
  "arn:aws:iam::aws:policy/PowerUserAccess",
  "arn:aws:iam::aws:policy/IAMFullAccess",
];

/** Actions that are administrator access on `*`: everything, or all of IAM (which grants itself the rest). */
const ADMIN_ACTIONS = ["*", "*:*", "iam:*"];

/** Allow on every resource of every action, of all IAM, or of everything but a list (`NotAction`). */
function grantsEverything(document: unknown): boolean {
  const list = (v: unknown) => (Array.isArray(v) ? v : [v]);
  // `Statement` may be one object as well as a list.
  return list(asRecord(parseJsonish(document)).Statement)
    .map(asRecord)
    .some(
      (s) =>
        s.Effect === "Allow" &&
        list(s.Resource).includes("*") &&
        (list(s.Action).some((a) => typeof a === "string" && ADMIN_ACTIONS.includes(a.toLowerCase())) ||
          s.NotAction !== undefined),
    );
}

function isAdminPolicyArn(arn: unknown): boolean {
  return ADMIN_POLICIES.includes(String(arn).replace(/^arn:aws[a-z-]*:/, "arn:aws:"));
}

export const iamNoAdminAccess: PlatformResourcePolicy = {
  name: "iam-no-admin-access",
  description:
    "No role gets administrator access: no AWS admin managed policy, no Allow of *, iam:* or NotAction on *.",
  severity: "critical",
  enforcementLevel: "mandatory",
  category: "Cloud Integration",
  references: ["AWS FSBP IAM.1", "CIS AWS Foundations 1.16", "Checkov CKV_AWS_1", "Checkov CKV_AWS_274"],
  validateResource: [
    validateResourceOfType(aws.iam.RolePolicyAttachment, (att, args, report) => {
      if (isAdminPolicyArn(att.policyArn)) {
        report(
          violation(
            `Role policy attachment '${args.name}' grants ${String(att.policyArn)}`,
            `attach a least-privilege policy in 'policyArn' of '${args.name}'.`,
          ),
        );
      }
    }),
    validateResourceOfType(aws.iam.RolePolicyAttachmentsExclusive, (att, args, report) => {
      for (const arn of asArray(att.policyArns).filter(isAdminPolicyArn)) {
        report(
          violation(
            `Role policy attachments '${args.name}' grant ${String(arn)}`,
            `replace ${String(arn)} in 'policyArns' of '${args.name}' with least-privilege policies.`,
          ),
        );
      }
    }),
    validateResourceOfType(aws.iam.Policy, (policy, args, report) => {
      if (grantsEverything(policy.policy)) {
        report(
          violation(
            `Managed policy '${args.name}' grants administrator access`,
            `narrow 'Action' and 'Resource' in 'policy' of '${args.name}'.`,
          ),
        );
      }
    }),
    validateResourceOfType(aws.iam.RolePolicy, (policy, args, report) => {
      if (grantsEverything(policy.policy)) {
        report(
          violation(
            `Inline role policy '${args.name}' grants administrator access`,
            `narrow 'Action' and 'Resource' in 'policy' of '${args.name}'.`,
          ),
        );
      }
    }),
  ],
};

export const governancePolicies = [
  requiredTags,
  awsProviderDefaultTags,
  statefulResourcesProtected,
  iamNoAdminAccess,
];

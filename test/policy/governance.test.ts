import {
  awsProviderDefaultTags,
  iamNoAdminAccess,
  requiredTags,
  statefulResourcesProtected,
} from "../../policy/governance";
import { describeResourcePolicies } from "./cases";
import { awsProvider, GOVERNANCE_TAGS, messages, res, run } from "./helpers";

describeResourcePolicies([
  {
    policy: iamNoAdminAccess,
    type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    name: "att",
    valid: { role: "nodes", policyArn: "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy" },
    failures: [
      [
        "policyArn",
        "arn:aws:iam::aws:policy/AdministratorAccess",
        "Role policy attachment 'att' grants arn:aws:iam::aws:policy/AdministratorAccess. Remediation: attach a least-privilege policy in 'policyArn' of 'att'.",
      ],
    ],
  },
  {
    policy: iamNoAdminAccess,
    type: "aws:iam/rolePolicy:RolePolicy",
    name: "inline",
    valid: {
      role: "r",
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "kms:Decrypt", Resource: "*" }],
      }),
    },
    failures: [
      [
        "policy",
        JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: ["*"], Resource: "*" }],
        }),
        "Inline role policy 'inline' grants administrator access. Remediation: narrow 'Action' and 'Resource' in 'policy' of 'inline'.",
      ],
      [
        "policy",
        JSON.stringify({
          Version: "2012-10-17",
          Statement: { Effect: "Allow", Action: "iam:*", Resource: "*" },
        }),
        "Inline role policy 'inline' grants administrator access. Remediation: narrow 'Action' and 'Resource' in 'policy' of 'inline'.",
      ],
      [
        "policy",
        JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", NotAction: ["iam:*"], Resource: ["*"] }],
        }),
        "Inline role policy 'inline' grants administrator access. Remediation: narrow 'Action' and 'Resource' in 'policy' of 'inline'.",
      ],
    ],
  },
  {
    policy: iamNoAdminAccess,
    type: "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
    name: "managed",
    valid: { roleName: "nodes", policyArns: ["arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"] },
    failures: [
      [
        "policyArns[1]",
        "arn:aws-us-gov:iam::aws:policy/AdministratorAccess",
        "Role policy attachments 'managed' grant arn:aws-us-gov:iam::aws:policy/AdministratorAccess. Remediation: replace arn:aws-us-gov:iam::aws:policy/AdministratorAccess in 'policyArns' of 'managed' with least-privilege policies.",
      ],
    ],
  },
  {
    policy: iamNoAdminAccess,
    type: "aws:iam/policy:Policy",
    name: "custom",
    valid: {
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }],
      }),
    },
    failures: [
      [
        "policy",
        JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
        }),
        "Managed policy 'custom' grants administrator access. Remediation: narrow 'Action' and 'Resource' in 'policy' of 'custom'.",
      ],
    ],
  },
]);

describe("required-tags", () => {
  const provider = awsProvider();
  const tagged = (props: Record<string, unknown>) => res("aws:kms/key:Key", "k", props, { provider: true });

  test("provider default tags (a JSON string, as the engine stores them) count for every resource", async () => {
    expect(await messages(requiredTags, [provider, tagged({})])).toEqual([]);
  });

  test("an empty own tag overrides a default, and a missing provider leaves tags missing", async () => {
    expect(await messages(requiredTags, [provider, tagged({ tags: { CostCenter: " " } })])).toEqual([
      "'k' (aws:kms/key:Key) lacks tags CostCenter. Remediation: set CostCenter in the AWS provider's 'defaultTags.tags' (or 'tags' of 'k').",
    ]);
    const [message] = await messages(requiredTags, [res("aws:kms/key:Key", "k", {})]);
    expect(message).toMatch(
      /^'k' \(aws:kms\/key:Key\) lacks tags Environment, Project, CostCenter, DataClassification, Compliance, BackupRequired, ManagedBy\./,
    );
  });

  test("untaggable types are not assessed", async () => {
    const result = await run(requiredTags, [
      provider,
      res("aws:kms/alias:Alias", "a", {}, { provider: true }),
    ]);
    expect(result.outcomes[0]).toMatchObject({ assessed: 0 });
  });

  test("launch templates tag the instances and volumes they launch", async () => {
    const spec = (resourceType: string) => ({ resourceType, tags: GOVERNANCE_TAGS });
    const lt = (specs: unknown[]) =>
      res("aws:ec2/launchTemplate:LaunchTemplate", "lt", { tagSpecifications: specs }, { provider: true });
    expect(await messages(requiredTags, [provider, lt([spec("instance"), spec("volume")])])).toEqual([]);
    expect(await messages(requiredTags, [provider, lt([spec("instance")])])).toEqual([
      "Launch template 'lt' does not tag launched volumes with Environment, Project, CostCenter, DataClassification, Compliance, BackupRequired, ManagedBy. Remediation: add a 'tagSpecifications' entry with 'resourceType: \"volume\"' and tags Environment, Project, CostCenter, DataClassification, Compliance, BackupRequired, ManagedBy on launch template 'lt'.",
    ]);
  });
});

describe("aws-provider-default-tags", () => {
  test("complete tags with Environment equal to the stack pass", async () => {
    expect(await messages(awsProviderDefaultTags, [awsProvider()])).toEqual([]);
  });

  test("a wrong Environment and a missing tag are caught", async () => {
    const rest: Record<string, string> = { ...GOVERNANCE_TAGS };
    delete rest.ManagedBy;
    expect(
      await messages(awsProviderDefaultTags, [awsProvider({ ...rest, Environment: "production" })]),
    ).toEqual([
      "AWS provider 'aws' does not set default tags ManagedBy. Remediation: set ManagedBy in 'defaultTags.tags' of provider 'aws'.",
      "AWS provider 'aws' tags resources Environment=production in stack 'test'. Remediation: set 'defaultTags.tags.Environment' to 'test' on provider 'aws'.",
    ]);
  });
});

describe("stateful-resources-protected", () => {
  const key = (protect: boolean) => res("aws:kms/key:Key", "k", {}, { protect });
  const required = { "stateful-resources-protected": { requireProtect: true } };

  test("not assessed unless the stack requires protection", async () => {
    expect((await run(statefulResourcesProtected, [key(false)])).outcomes[0]).toMatchObject({ assessed: 0 });
  });

  test("with requireProtect, protected passes and unprotected is caught", async () => {
    expect(await messages(statefulResourcesProtected, [key(true)], required)).toEqual([]);
    expect(await messages(statefulResourcesProtected, [key(false)], required)).toEqual([
      "Stateful resource 'k' (aws:kms/key:Key) is not protected. Remediation: set the resource option 'protect: true' on 'k'.",
    ]);
  });

  test("read replicas need no protection", async () => {
    const replica = res("aws:rds/instance:Instance", "replica", { replicateSourceDb: "db" });
    expect((await run(statefulResourcesProtected, [replica], required)).outcomes[0]).toMatchObject({
      assessed: 0,
    });
  });
});

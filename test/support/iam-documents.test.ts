/**
 * The IAM-data check used on the three stacks' plans (test/stacks.test.ts): one valid document,
 * then one changed field per failure, each with its exact message.
 */
import type { PlanInput } from "../../tools/policy/plan-input";
import { collectIamDocuments, iamDocumentProblems, type FoundDocument } from "./iam-documents";

const VALID = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "UseKeyThroughS3",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
      Resource: "arn:aws:kms:us-west-2:123456789012:key/k",
      Condition: {
        StringEquals: { "kms:ViaService": "s3.us-west-2.amazonaws.com", "aws:SourceAccount": "1" },
      },
    },
    {
      Sid: "TagOnCreate",
      Effect: "Allow",
      Action: "elasticloadbalancing:AddTags",
      Resource: "*",
      Condition: {
        StringEquals: { "elasticloadbalancing:CreateAction": "CreateLoadBalancer" },
        Null: { "aws:RequestTag/elbv2.k8s.aws/cluster": "false" },
      },
    },
    {
      Sid: "DenyPlainHttp",
      Effect: "Deny",
      Action: "s3:*",
      Resource: "*",
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
  ],
};
const found = (document: unknown, type = "aws:iam/rolePolicy:RolePolicy"): FoundDocument => ({
  resource: `${type} r`,
  field: "policy",
  type,
  document: document as FoundDocument["document"],
});
/** VALID with statement `i` changed. */
const changed = (i: number, patch: Record<string, unknown>) => ({
  ...VALID,
  Statement: VALID.Statement.map((s, j) => (j === i ? { ...s, ...patch } : s)),
});
const WHERE = "aws:iam/rolePolicy:RolePolicy r policy statement";

test("a valid document has no problem", async () => {
  expect(await iamDocumentProblems(found(VALID))).toEqual([]);
});

test.each([
  [
    "an action that does not exist",
    changed(0, { Action: ["kms:Decrypt", "kms:GenerateDataKeyz"] }),
    `${WHERE} UseKeyThroughS3: action 'kms:GenerateDataKeyz' does not exist in AWS's IAM data`,
  ],
  [
    "a pattern that matches nothing",
    changed(0, { Action: ["kms:Decrypt", "kms:Frobnicate*"] }),
    `${WHERE} UseKeyThroughS3: action 'kms:Frobnicate*' does not exist in AWS's IAM data`,
  ],
  [
    "an allowed service wildcard",
    changed(0, { Action: "kms:*", Condition: undefined }),
    `${WHERE} UseKeyThroughS3: wildcard action 'kms:*' (name the actions)`,
  ],
  [
    "an allowed '*'",
    changed(1, { Action: "*", Condition: undefined }),
    `${WHERE} TagOnCreate: wildcard action '*' (name the actions)`,
  ],
  [
    "a condition key of another action",
    changed(1, { Action: "elasticloadbalancing:DeleteLoadBalancer" }),
    `${WHERE} TagOnCreate: condition key 'elasticloadbalancing:CreateAction' is not global and not documented for elasticloadbalancing:DeleteLoadBalancer`,
  ],
  [
    "a condition key that exists nowhere",
    changed(0, { Condition: { StringEquals: { "kms:ViaServices": "s3" } } }),
    `${WHERE} UseKeyThroughS3: condition key 'kms:ViaServices' is not global and not documented for kms:Decrypt, kms:GenerateDataKey, kms:GenerateDataKeyPair, kms:GenerateDataKeyPairWithoutPlaintext, kms:GenerateDataKeyWithoutPlaintext`,
  ],
  [
    "an unknown operator",
    changed(1, { Condition: { StringEqual: { "aws:SourceAccount": "1" } } }),
    `${WHERE} TagOnCreate: condition operator 'StringEqual' is not IAM's`,
  ],
  [
    "a wrong Effect",
    changed(0, { Effect: "allow" }),
    `${WHERE} UseKeyThroughS3: Effect "allow" is neither Allow nor Deny`,
  ],
  [
    "a resource tag condition on an action without resource-level permissions",
    changed(1, {
      Action: "elasticloadbalancing:SetWebAcl",
      Condition: { StringEquals: { "aws:ResourceTag/elbv2.k8s.aws/cluster": "prod" } },
    }),
    `${WHERE} TagOnCreate: condition key 'aws:ResourceTag/elbv2.k8s.aws/cluster' never matches elasticloadbalancing:SetWebAcl (no resource-level permissions)`,
  ],
])("%s is reported", async (_, document, message) => {
  expect(await iamDocumentProblems(found(document))).toEqual([message]);
});

test("kms:* is allowed only for the account root in a key policy", async () => {
  const root = {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "Root",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::123456789012:root" },
        Action: "kms:*",
        Resource: "*",
      },
    ],
  };
  expect(await iamDocumentProblems(found(root, "aws:kms/key:Key"))).toEqual([]);
  const role = {
    ...root,
    Statement: [{ ...root.Statement[0], Principal: { AWS: "arn:aws:iam::123456789012:role/x" } }],
  };
  expect(await iamDocumentProblems(found(role, "aws:kms/key:Key"))).toEqual([
    "aws:kms/key:Key r policy statement Root: wildcard action 'kms:*' (name the actions)",
  ]);
});

test("web identity keys of an OIDC issuer only with AssumeRoleWithWebIdentity", async () => {
  const trust = (action: string) => ({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "Oidc",
        Effect: "Allow",
        Principal: { Federated: "arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com" },
        Action: action,
        Condition: {
          StringEquals: { "token.actions.githubusercontent.com:sub": "repo:o/r:ref:refs/heads/main" },
        },
      },
    ],
  });
  expect(await iamDocumentProblems(found(trust("sts:AssumeRoleWithWebIdentity")))).toEqual([]);
  expect(await iamDocumentProblems(found(trust("sts:AssumeRole")))).toEqual([
    `${WHERE} Oidc: condition key 'token.actions.githubusercontent.com:sub' is not global and not documented for sts:AssumeRole`,
  ]);
});

test("documents are found in JSON strings and objects, at any depth, and nothing else is", () => {
  const plan = {
    stack: "s",
    project: "p",
    resources: [
      {
        urn: "u1",
        type: "aws:iam/role:Role",
        name: "a",
        custom: true,
        props: { assumeRolePolicy: JSON.stringify(VALID), name: "Statement" },
        protect: false,
        dependencies: [],
      },
      {
        urn: "u2",
        type: "t:x:Y",
        name: "b",
        custom: true,
        props: { nested: [{ doc: VALID }], text: "no Statement here" },
        protect: false,
        dependencies: [],
      },
    ],
  } as unknown as PlanInput;
  expect(collectIamDocuments(plan).map((d) => `${d.resource} ${d.field}`)).toEqual([
    "aws:iam/role:Role a assumeRolePolicy",
    "t:x:Y b nested[0].doc",
  ]);
});

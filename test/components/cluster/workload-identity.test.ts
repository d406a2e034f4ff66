import { byName, json, ofType, runProgram, type OfflineRun } from "../../support/offline";
import {
  validateWorkloadIdentityArgs,
  type WorkloadIdentityArgs,
} from "../../../components/cluster/workload-identity";

const ISSUER = "oidc.eks.us-west-2.amazonaws.com/id/ABCDEF0123456789";
const PROVIDER_ARN = `arn:aws:iam::123456789012:oidc-provider/${ISSUER}`;

describe("WorkloadIdentity with EKS Pod Identity (default)", () => {
  let run: OfflineRun;
  beforeAll(async () => {
    run = await runProgram(async () => {
      const { WorkloadIdentity } = await import("../../../components/cluster/workload-identity");
      const wi = new WorkloadIdentity("ebs", {
        clusterName: "platform-test",
        namespace: "kube-system",
        serviceAccount: "ebs-csi-controller-sa",
        managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"],
        policyJson: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "kms:Decrypt", Resource: "*" }],
        }),
      });
      return { roleArn: wi.roleArn, roleName: wi.roleName };
    });
  });

  test("creates exactly the role, its policies and the association under the component", () => {
    const children = run.resources.filter((r) => r.custom).map((r) => `${r.type} ${r.name}`);
    expect(children.sort()).toEqual(
      [
        "aws:eks/podIdentityAssociation:PodIdentityAssociation ebs-association",
        "aws:iam/role:Role ebs-role",
        "aws:iam/rolePolicy:RolePolicy ebs-policy",
        "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive ebs-managed-policies",
      ].sort(),
    );
    const component = byName(run, "platform:cluster:WorkloadIdentity", "ebs");
    for (const r of run.resources.filter((x) => x.custom)) {
      expect(r.parent).toBe(component.urn);
    }
  });

  test("the role trusts only pods.eks.amazonaws.com for this account, cluster (ARN and name), namespace and service account", () => {
    const trust = json(byName(run, "aws:iam/role:Role", "ebs-role").inputs.assumeRolePolicy);
    expect(trust).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AllowEksPodIdentity",
          Effect: "Allow",
          Principal: { Service: "pods.eks.amazonaws.com" },
          Action: ["sts:AssumeRole", "sts:TagSession"],
          Condition: {
            StringEquals: {
              "aws:SourceAccount": "123456789012",
              "aws:RequestTag/eks-cluster-arn": "arn:aws:eks:us-west-2:123456789012:cluster/platform-test",
              "aws:RequestTag/eks-cluster-name": "platform-test",
              "aws:RequestTag/kubernetes-namespace": "kube-system",
              "aws:RequestTag/kubernetes-service-account": "ebs-csi-controller-sa",
            },
          },
        },
      ],
    });
  });

  test("the association binds the role to the service account with session tags on", () => {
    const assoc = byName(run, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "ebs-association");
    expect(assoc.inputs).toMatchObject({
      clusterName: "platform-test",
      namespace: "kube-system",
      serviceAccount: "ebs-csi-controller-sa",
      roleArn: "arn:aws:iam::123456789012:role/ebs-role",
      disableSessionTags: false,
    });
    expect(run.outputs.roleArn).toBe("arn:aws:iam::123456789012:role/ebs-role");
    expect(run.outputs.roleName).toBe("ebs-role");
  });

  test("grants the inline policy and exactly the managed policies", () => {
    expect(json(byName(run, "aws:iam/rolePolicy:RolePolicy", "ebs-policy").inputs.policy)).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "kms:Decrypt", Resource: "*" }],
    });
    const attachments = byName(
      run,
      "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
      "ebs-managed-policies",
    );
    expect(attachments.inputs).toEqual({
      roleName: "ebs-role",
      policyArns: ["arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"],
    });
  });
});

describe("WorkloadIdentity with IRSA", () => {
  let run: OfflineRun;
  beforeAll(async () => {
    run = await runProgram(async () => {
      const { WorkloadIdentity } = await import("../../../components/cluster/workload-identity");
      new WorkloadIdentity("vault", {
        clusterName: "platform-test",
        namespace: "vault",
        serviceAccount: "vault",
        mechanism: "irsa",
        oidcProviderArn: PROVIDER_ARN,
        oidcIssuer: ISSUER,
        policyJson: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "kms:Encrypt", Resource: "*" }],
        }),
      });
    });
  });

  test("the role trusts the OIDC provider for exactly one service account and the STS audience", () => {
    const trust = json(byName(run, "aws:iam/role:Role", "vault-role").inputs.assumeRolePolicy);
    expect(trust).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AllowServiceAccountWebIdentity",
          Effect: "Allow",
          Principal: { Federated: PROVIDER_ARN },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: {
              [`${ISSUER}:sub`]: "system:serviceaccount:vault:vault",
              [`${ISSUER}:aud`]: "sts.amazonaws.com",
            },
          },
        },
      ],
    });
  });

  test("creates no Pod Identity association and no managed attachments", () => {
    expect(ofType(run, "aws:eks/podIdentityAssociation:PodIdentityAssociation")).toHaveLength(0);
    expect(ofType(run, "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive")).toHaveLength(
      0,
    );
    expect(ofType(run, "aws:iam/rolePolicy:RolePolicy").map((r) => r.name)).toEqual(["vault-policy"]);
  });
});

describe("validateWorkloadIdentityArgs", () => {
  const valid: WorkloadIdentityArgs = {
    clusterName: "c",
    namespace: "kube-system",
    serviceAccount: "sa",
    policyJson: "{}",
  };

  test("accepts valid args", () => {
    expect(validateWorkloadIdentityArgs(valid)).toEqual([]);
    expect(
      validateWorkloadIdentityArgs({
        ...valid,
        mechanism: "irsa",
        oidcProviderArn: PROVIDER_ARN,
        oidcIssuer: ISSUER,
      }),
    ).toEqual([]);
  });

  test.each<[string, Partial<WorkloadIdentityArgs>, string]>([
    [
      "bad namespace",
      { namespace: "Kube_System" },
      "namespace 'Kube_System' must be a DNS-1123 label (lowercase letters, digits, '-', at most 63 characters)",
    ],
    [
      "bad service account",
      { serviceAccount: "SA" },
      "serviceAccount 'SA' must be a DNS-1123 subdomain (lowercase letters, digits, '-', '.')",
    ],
    [
      "no permissions",
      { policyJson: undefined, managedPolicyArns: [] },
      "grant something: set policyJson, managedPolicyArns or both (a role without permissions is a mistake)",
    ],
    [
      "irsa without provider",
      { mechanism: "irsa", oidcIssuer: ISSUER },
      "mechanism 'irsa' needs oidcProviderArn (the cluster's IAM OIDC provider)",
    ],
    [
      "irsa without issuer",
      { mechanism: "irsa", oidcProviderArn: PROVIDER_ARN },
      "mechanism 'irsa' needs oidcIssuer (issuer host/path without https://)",
    ],
    [
      "issuer with scheme",
      { mechanism: "irsa", oidcProviderArn: PROVIDER_ARN, oidcIssuer: `https://${ISSUER}` },
      `oidcIssuer 'https://${ISSUER}' must be given without the https:// scheme, as IAM condition keys use it`,
    ],
    [
      "oidc args with pod identity",
      { oidcIssuer: ISSUER },
      "oidcProviderArn and oidcIssuer are only used with mechanism 'irsa'; remove them or set mechanism: 'irsa'",
    ],
  ])("rejects %s", (_, change, message) => {
    expect(validateWorkloadIdentityArgs({ ...valid, ...change })).toEqual([message]);
  });

  test("reports every problem at once and the constructor throws with all of them", async () => {
    const bad: WorkloadIdentityArgs = {
      clusterName: "c",
      namespace: "NS",
      serviceAccount: "SA",
      mechanism: "irsa",
    };
    expect(validateWorkloadIdentityArgs(bad)).toHaveLength(5);
    await expect(
      runProgram(async () => {
        const { WorkloadIdentity } = await import("../../../components/cluster/workload-identity");
        new WorkloadIdentity("bad", bad);
      }),
    ).rejects.toThrow(/WorkloadIdentity 'bad' has invalid arguments:\n  - namespace 'NS'/);
  });
});

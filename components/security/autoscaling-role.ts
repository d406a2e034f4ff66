/**
 * The Auto Scaling service-linked role the ebs key's policy names (docs/decisions/0024, 0122). KMS
 * refuses a key policy whose principal does not exist, so the role is resolved before the key:
 * looked up (`aws.iam.getRole`), so a missing role fails the preview with the command that creates
 * it, or created by the stack (`aws.iam.ServiceLinkedRole`) when its config asks for it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** The role Auto Scaling launches EKS node volumes as. */
export const AUTOSCALING_ROLE_NAME = "AWSServiceRoleForAutoScaling";
/** Creates it once per account ("already exists" is fine). */
export const CREATE_AUTOSCALING_ROLE_COMMAND =
  "aws iam create-service-linked-role --aws-service-name autoscaling.amazonaws.com";

/** The error a missing role gives: what is missing, why it matters, the two ways out. */
export function missingAutoScalingRoleMessage(cause: string): string {
  return (
    `The IAM role ${AUTOSCALING_ROLE_NAME} does not exist in this account (${cause}). The ebs key's policy ` +
    `names it, and KMS refuses a policy whose principal does not exist. Create it once per account with ` +
    `\`${CREATE_AUTOSCALING_ROLE_COMMAND}\`, or set platform:kms.createAutoScalingServiceLinkedRole: true ` +
    `to let this stack create it (docs/decisions/0122).`
  );
}

/**
 * ARN of the account's Auto Scaling service-linked role. Rejects, with
 * {@link missingAutoScalingRoleMessage}, when the account does not have it: await it before
 * building the keys, so the preview stops there with that message.
 */
export async function lookupAutoScalingRoleArn(opts?: pulumi.InvokeOptions): Promise<string> {
  try {
    return (await aws.iam.getRole({ name: AUTOSCALING_ROLE_NAME }, opts)).arn;
  } catch (err: unknown) {
    throw new Error(missingAutoScalingRoleMessage(err instanceof Error ? err.message : String(err)));
  }
}

/**
 * `name`: the Auto Scaling service-linked role, for an account that has never had it (creating it
 * where it exists fails). Kept on `pulumi destroy`: other Auto Scaling groups of the account use it.
 */
export function createAutoScalingServiceLinkedRole(
  name: string,
  opts?: pulumi.CustomResourceOptions,
): aws.iam.ServiceLinkedRole {
  return new aws.iam.ServiceLinkedRole(
    name,
    {
      awsServiceName: "autoscaling.amazonaws.com",
      description: "Auto Scaling launches EKS node volumes encrypted with the ebs key",
    },
    pulumi.mergeOptions(opts ?? {}, { retainOnDelete: true }),
  );
}

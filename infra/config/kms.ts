/**
 * `platform:kms`: customer-managed keys.
 */
import { z } from "zod";
import type { ConfigProblem } from "./problems";

const WINDOW = "must be an integer from 7 to 30 (the range AWS accepts)";
const PERIOD = "must be an integer from 90 to 2560 (the range AWS accepts)";

export const kmsSchema = z.strictObject({
  /** Days a scheduled key deletion waits; AWS accepts 7 to 30. */
  deletionWindowInDays: z
    .number({ message: WINDOW })
    .int({ message: WINDOW })
    .min(7, { message: WINDOW })
    .max(30, { message: WINDOW }),
  /** Days between automatic rotations; AWS accepts 90 to 2560. */
  rotationPeriodInDays: z
    .number({ message: PERIOD })
    .int({ message: PERIOD })
    .min(90, { message: PERIOD })
    .max(2560, { message: PERIOD })
    .default(365),
  /**
   * Create the Auto Scaling service-linked role the ebs key names (only in an account that has never
   * had it); default false: it is looked up and a missing one fails the preview (decision 0122).
   */
  createAutoScalingServiceLinkedRole: z.boolean({ message: "must be true or false" }).default(false),
});

export type KmsConfig = z.infer<typeof kmsSchema>;

export function checkKms(kms: KmsConfig, environment: string): ConfigProblem[] {
  if (environment === "production" && kms.deletionWindowInDays < 30) {
    return [
      {
        key: "platform:kms.deletionWindowInDays",
        received: kms.deletionWindowInDays,
        message: "production keeps the full 30-day window, so a mistaken deletion can be cancelled",
      },
    ];
  }
  return [];
}

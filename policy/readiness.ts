/** The scorecard's own settings, carried as the config of a policy so that the CLI accepts them. */
import { CAPABILITY_IDS } from "./capabilities";
import type { PlatformStackPolicy } from "./lib/types";

export const READINESS_EXCLUSIONS = "readiness-exclusions";

/**
 * Records the capabilities a stack leaves out of its readiness score on purpose, each with a reason
 * the scorecard prints: `{ "readiness-exclusions": { "capabilities": { "<id>": "<reason>" } } }`.
 * The schema refuses an unknown capability id or a reason shorter than 10 characters. It judges
 * nothing and proves no capability.
 */
export const readinessExclusions: PlatformStackPolicy = {
  name: READINESS_EXCLUSIONS,
  description:
    "Records the capabilities the stack excludes from its readiness score, each with a reason; judges nothing.",
  severity: "low",
  enforcementLevel: "advisory",
  category: "Infrastructure as Code",
  references: ["docs/decisions/0085-capability-scorecard.md"],
  configSchema: {
    properties: {
      capabilities: {
        type: "object",
        propertyNames: { enum: [...CAPABILITY_IDS] },
        additionalProperties: { type: "string", minLength: 10 },
        default: {},
        description: "Capability id to the reason it does not apply to this stack.",
      },
    },
  },
  validateStack: (args) => {
    const { capabilities } = args.getConfig<{ capabilities: Record<string, string> }>();
    const ids = Object.keys(capabilities);
    args.notApplicable(
      ids.length === 0
        ? "No capability is excluded from the readiness score"
        : `Excluded from the readiness score: ${ids.join(", ")}`,
    );
  },
};

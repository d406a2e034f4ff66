/**
 * The governance tags every taggable AWS resource carries. Config validation requires them in
 * `platform:tags`; the policy pack's `required-tags` checks them on the resources.
 */
export const REQUIRED_TAGS = [
  "Environment",
  "Project",
  "CostCenter",
  "DataClassification",
  "Compliance",
  "BackupRequired",
  "ManagedBy",
] as const;

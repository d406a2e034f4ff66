/**
 * The governance tags every taggable AWS resource carries: the pack's copy of
 * components/shared/tags.ts (the pack imports nothing from outside policy/, so that it can be
 * published as is). test/policy/pack.test.ts checks that the two lists agree.
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

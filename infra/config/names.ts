/**
 * Physical names the program derives from `${project}-${stack}`, and the config keys that override
 * them when the derived name breaks an AWS limit (a longer stack name such as
 * `production-eu-central-1` makes `platform-production-eu-central-1`, 32 characters; a longer project
 * name soon passes ElastiCache's 40).
 */
import { GROUP_ID, MAX_REPLICATION_GROUP_ID } from "../../components/data/redis";
import type { DataConfig } from "./data";
import type { ConfigProblem } from "./problems";

const KEY = "platform:data.redis.replicationGroupId";

/** The ElastiCache replication group ID: `platform:data.redis.replicationGroupId`, else `${project}-${stack}`. */
export function redisReplicationGroupId(
  redis: Pick<DataConfig["redis"], "replicationGroupId">,
  project: string,
  stack: string,
): string {
  return redis.replicationGroupId ?? `${project}-${stack}`;
}

/** Why the replication group ID the stack would use is not one ElastiCache accepts (empty when it is). */
export function nameProblems(
  data: Pick<DataConfig, "redis">,
  project: string,
  stack: string,
): ConfigProblem[] {
  const id = redisReplicationGroupId(data.redis, project, stack);
  if (GROUP_ID.test(id) && id.length <= MAX_REPLICATION_GROUP_ID) {
    return [];
  }
  const shape = `1 to ${MAX_REPLICATION_GROUP_ID} lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen`;
  return [
    data.redis.replicationGroupId === undefined
      ? {
          key: KEY,
          received: undefined,
          message: `is required for this stack: the default '${id}' (\${project}-\${stack}, ${id.length} characters) is not a valid ElastiCache replication group ID (${shape}); set an explicit one`,
        }
      : { key: KEY, received: id, message: `must be ${shape}` },
  ];
}

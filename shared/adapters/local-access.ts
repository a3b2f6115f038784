import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * Locally, every function shares one process and one DynamoDB Local, which checks no IAM policy. The local
 * invokers (local/http-server.ts, scheduled-jobs.ts, smtp-server.ts, lambda-endpoint.ts) run each handler inside
 * `invokedFunction` (local/invoked-function.ts), and local/table-access-guard.ts installs a guard that judges
 * every DynamoDB request of that function by the same table-access grants IAM is built from
 * (functions/table-access.ts), so a request that AWS would refuse fails locally and in the tests too. In AWS no
 * guard is installed: IAM decides. Which function is running is the local stack's to know (an
 * AsyncLocalStorage in local/), so a deployed bundle loads nothing of it.
 */
export type TableAccessGuard = (commandName: string, input: Record<string, unknown>) => void;

let guard: TableAccessGuard | undefined;

export function installTableAccessGuard(next: TableAccessGuard): void {
  guard = next;
}

/** Adds the guard's check to a local client (before serialisation, so it sees the command's input). */
export function guardLocalClient(client: DynamoDBClient): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      guard?.(context.commandName ?? '', args.input as Record<string, unknown>);
      return next(args);
    },
    { step: 'initialize', name: 'zorgsomTableAccessGuard' },
  );
}

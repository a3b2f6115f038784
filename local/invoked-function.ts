import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The function a local invoker is running (local/http-server.ts, scheduled-jobs.ts, smtp-server.ts,
 * lambda-endpoint.ts run each handler inside it): the table-access guard (local/table-access-guard.ts) judges
 * each DynamoDB request by that function's grants. Local only, so no deployed bundle creates it.
 */
export const invokedFunction = new AsyncLocalStorage<string>();

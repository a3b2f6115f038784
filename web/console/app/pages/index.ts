import type { Role } from '../../logic.js';
import { breachDetail } from './breach-detail.js';
import { breachesPage } from './breaches.js';
import { dashboardPage } from './dashboard.js';
import { inboxPage } from './inbox.js';
import { licenseesPage } from './licensees.js';
import { registersPage } from './registers.js';
import { requestDetailPage } from './request-detail.js';
import { requestsPage } from './requests.js';

export interface PageContext {
  role: Role | undefined;
  username: string;
  /** The second part of the route, e.g. the reference in `#/requests/R-…`. */
  id: string | undefined;
  /** False once the user navigated on: a slow answer must not draw over the next page. */
  isCurrent(): boolean;
}

export type Page = (main: HTMLElement, context: PageContext) => Promise<void>;

export const pages: Record<string, Page> = {
  dashboard: dashboardPage,
  requests: (main, context) => (context.id ? requestDetailPage(main, context) : requestsPage(main, context)),
  inbox: inboxPage,
  licensees: licenseesPage,
  breaches: (main, context) =>
    context.id ? breachDetail(main, context, context.id) : breachesPage(main, context),
  registers: registersPage,
};

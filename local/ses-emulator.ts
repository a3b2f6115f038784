import type { Server } from 'node:http';
import * as sesLocal from 'aws-ses-v2-local';
import { claimPort } from './ports.js';

export interface SesEmulator {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

/** One mail as the SES emulator stored it. */
export interface OutboxMail {
  messageId: string;
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  replyTo: string[];
  subject: string;
  text: string | undefined;
  html: string | undefined;
  /** Extra headers the sender set (e.g. List-Unsubscribe), by name. */
  headers: Record<string, string>;
  /** Epoch seconds at which the emulator received the mail. */
  at: number;
}

type StartServer = (config?: Partial<{ host: string; port: number }>) => Promise<Server>;

/** aws-ses-v2-local is CommonJS with `exports.default`; Node's ESM interop may wrap it once more. */
function resolveStartServer(): StartServer {
  const candidate: unknown = sesLocal.default;
  if (typeof candidate === 'function') return candidate as StartServer;
  const nested = (candidate as { default?: unknown } | undefined)?.default;
  if (typeof nested === 'function') return nested as StartServer;
  throw new Error('aws-ses-v2-local: cannot find the server function export');
}

/** Starts the SES v2 emulator on 127.0.0.1. Its mail store lives in this process (one emulator per process). */
export async function startSesEmulator(options: { port: number; host?: string }): Promise<SesEmulator> {
  const host = options.host ?? '127.0.0.1';
  const port = await claimPort(options.port, 'the SES emulator');
  const server = await resolveStartServer()({ host, port });
  const address = server.address();
  if (!server.listening || typeof address !== 'object' || address === null) {
    server.close();
    throw new Error(`The SES emulator could not listen on ${host}:${port}`);
  }
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

interface StoredEmail {
  messageId: string;
  from: string;
  replyTo?: string[];
  destination?: { to?: string[]; cc?: string[]; bcc?: string[] };
  subject: string;
  body?: { text?: string; html?: string };
  headers?: { name: string; value: string }[];
  at: number;
}

/** The mails the emulator holds, oldest first; `sinceEpochSeconds` keeps those received at or after it. */
export async function readOutbox(endpoint: string, sinceEpochSeconds?: number): Promise<OutboxMail[]> {
  const url = new URL('/store', endpoint);
  if (sinceEpochSeconds !== undefined) url.searchParams.set('since', String(Math.floor(sinceEpochSeconds)));
  const response = await fetch(url);
  if (!response.ok) throw new Error(`SES emulator /store answered ${response.status}`);
  const store = (await response.json()) as { emails?: StoredEmail[] };
  return (store.emails ?? []).map((email) => ({
    messageId: email.messageId,
    from: email.from,
    to: email.destination?.to ?? [],
    cc: email.destination?.cc ?? [],
    bcc: email.destination?.bcc ?? [],
    replyTo: email.replyTo ?? [],
    subject: email.subject,
    text: email.body?.text,
    html: email.body?.html,
    headers: Object.fromEntries((email.headers ?? []).map(({ name, value }) => [name, value])),
    at: email.at,
  }));
}

/** Empties the emulator's mail store. */
export async function clearOutbox(endpoint: string): Promise<void> {
  const response = await fetch(new URL('/clear-store', endpoint), { method: 'POST' });
  if (!response.ok) throw new Error(`SES emulator /clear-store answered ${response.status}`);
}

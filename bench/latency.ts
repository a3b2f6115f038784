export interface Latency {
  flow: string;
  runs: number;
  p50: number;
  p99: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function timed(runs: number, request: (i: number) => Promise<Response>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const response = await request(i);
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`bench request failed with ${response.status}`);
    samples.push(performance.now() - start);
  }
  return samples.sort((a, b) => a - b);
}

/** Sequential requests through the local HTTP server: the whole path a request takes, emulators included. */
export async function measureLatency(
  baseUrl: string,
  runs: number,
  codeMailedTo: (email: string) => Promise<string>,
  onProgress: (line: string) => void,
): Promise<Latency[]> {
  const json = (body: unknown, token?: string) => ({
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const stamp = Date.now();
  const signup = (i: number) =>
    fetch(`${baseUrl}/api/licensees`, {
      method: 'POST',
      ...json({
        name: `Latency ${i}`,
        address: { street: 'Meetstraat', houseNumber: '1', postcode: '3511 AB', city: 'Utrecht' },
        email: `latency.${stamp}.${i}@example.nl`,
        iban: 'NL91ABNA0417164300',
      }),
    });
  onProgress(`latency: ${runs} signups`);
  const signups = await timed(runs, signup);

  const email = `latency.${stamp}.0@example.nl`;
  const confirm = await fetch(`${baseUrl}/api/licensees/confirm`, {
    method: 'POST',
    ...json({ email, code: await codeMailedTo(email) }),
  });
  const { token } = (await confirm.json()) as { token: string };
  onProgress(`latency: ${runs} overviews`);
  const overviews = await timed(runs, () =>
    fetch(`${baseUrl}/api/me/export`, { headers: json({}, token).headers }),
  );
  return [
    {
      flow: 'signup (POST /api/licensees)',
      runs,
      p50: percentile(signups, 50),
      p99: percentile(signups, 99),
    },
    {
      flow: 'overview (GET /api/me/export)',
      runs,
      p50: percentile(overviews, 50),
      p99: percentile(overviews, 99),
    },
  ];
}

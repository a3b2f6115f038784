/**
 * The free-text patient-data guard (shared/domain/patient-text.ts) on the fixture lists: how many positives it
 * catches and how many negatives (practice names, people, streets, ordinary requests) it wrongly refuses.
 * Targets: every positive caught, 0 false positives. Also the time per check, since it runs on every field.
 */
import { patientTextSign } from '../shared/domain/patient-text.js';
import { negatives, positives } from '../test/fixtures/patient-text.js';

export interface PatientGuardFigures {
  kind: string;
  samples: number;
  flagged: number;
  rate: string;
  target: string;
  microsPerCheck: number;
}

function measure(samples: typeof positives): { flagged: number; micros: number } {
  const rounds = 200;
  let flagged = 0;
  const started = performance.now();
  for (let round = 0; round < rounds; round += 1) {
    for (const sample of samples) {
      const hit = patientTextSign(sample.text, sample.kind) !== undefined;
      if (round === 0 && hit) flagged += 1;
    }
  }
  return { flagged, micros: ((performance.now() - started) * 1000) / (rounds * samples.length) };
}

export function measurePatientGuard(): PatientGuardFigures[] {
  const caught = measure(positives);
  const wrong = measure(negatives);
  const percent = (n: number, of: number) => `${((100 * n) / of).toFixed(1)} %`;
  return [
    {
      kind: 'positives caught (detection)',
      samples: positives.length,
      flagged: caught.flagged,
      rate: percent(caught.flagged, positives.length),
      target: '100 %',
      microsPerCheck: caught.micros,
    },
    {
      kind: 'negatives refused (false positives)',
      samples: negatives.length,
      flagged: wrong.flagged,
      rate: percent(wrong.flagged, negatives.length),
      target: '0 %',
      microsPerCheck: wrong.micros,
    },
  ];
}

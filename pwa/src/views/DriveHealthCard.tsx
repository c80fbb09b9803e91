// The Backups screen's drive health card (ARCHITECTURE §17): what SMART says about the photo drive,
// through its USB adapter, in words and colour, its numbers, and what to do when it is failing.
import type { ComponentChildren } from 'preact';
import type { DriveHealth } from '../../../shared/recovery.ts';
import { usePolling } from '../hooks/usePolling.ts';
import { HEALTH_WORDS, healthFacts, readAtWords, readDriveHealth } from '../recovery/health.ts';
import { useStore } from '../store.ts';
import './Recovery.css';

/** How often the card asks again while open: SMART is read after an unlock and then daily. */
const REFRESH_MS = 30_000;

/** DriveHealthCard draws status.drive.health, fetched as the screen opens and while it stays open. */
export function DriveHealthCard({ now }: { now: number }) {
  const store = useStore();
  const { lastStatus } = store;
  // Home polls the status; a screen opened from a notification may hold an old one, and a reading
  // taken just after an unlock lands a moment after the screen opened.
  usePolling(store.refreshStatus, REFRESH_MS);
  return (
    <DriveHealthView health={readDriveHealth(lastStatus.value?.status.drive.health)} now={now} />
  );
}

/** DriveHealthView draws the card without hooks (the unit tests draw it). */
export function DriveHealthView(props: { health: DriveHealth | null | 'unreadable'; now: number }) {
  const { health, now } = props;
  if (health === null) return null; // an agent without drive health
  if (health === 'unreadable')
    return (
      <HealthFrame state="unknown">
        <p class="hint">The Pi sent the drive’s health in a form this app does not know yet.</p>
      </HealthFrame>
    );
  const words = HEALTH_WORDS[health.state];
  const facts = health.state === 'unsupported' ? [] : healthFacts(health);
  return (
    <HealthFrame state={health.state}>
      <p class={`value small health-${words.level}`} data-testid="health-state">
        <span aria-hidden="true">{MARKS[words.level]}</span> {words.label}
      </p>
      {health.model && <p class="hint">{health.model}</p>}
      {health.problem && (
        <p
          class={health.state === 'ok' ? 'hint' : `health-${words.level}`}
          data-testid="health-problem"
        >
          {health.problem}
        </p>
      )}
      {words.advice && (
        <p class="health-advice" data-testid="health-advice">
          {words.advice}
        </p>
      )}
      {facts.length > 0 && (
        <dl class="health-facts" data-testid="health-facts">
          {facts.map((fact) => (
            <div key={fact.name} class={fact.bad ? 'health-bad' : undefined}>
              <dt>{fact.name}</dt>
              <dd>{fact.value}</dd>
            </div>
          ))}
        </dl>
      )}
      <p class="hint" data-testid="health-read-at">
        {readAtWords(health, now)}
      </p>
    </HealthFrame>
  );
}

const MARKS = { ok: '✓', warn: '⚠', bad: '✗', muted: '·' } as const;

function HealthFrame(props: { state: string; children: ComponentChildren }) {
  return (
    <section
      class="card drive-health"
      aria-labelledby="drive-health-h"
      data-testid="drive-health"
      data-state={props.state}
    >
      <h2 id="drive-health-h">Drive health</h2>
      {props.children}
    </section>
  );
}

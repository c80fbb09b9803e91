// Immich and the thermal guard in words for Home's Immich tile (ARCHITECTURE §16): pure, so tested alone.
import * as v from 'valibot';
import { type GuardStatus, type ImmichQueue, ImmichStatus } from '../../../shared/immich.ts';
import { formatDate, TIME } from '../clock.ts';

/**
 * readImmich checks status.immich, which the first load leaves unchecked (§12): null from an agent
 * without the guard (no tile), 'unreadable' for one this app's schema refuses (a newer agent).
 */
export function readImmich(raw: unknown): ImmichStatus | 'unreadable' | null {
  if (raw === null || raw === undefined) return null;
  const parsed = v.safeParse(ImmichStatus, raw);
  return parsed.success ? parsed.output : 'unreadable';
}

/** API_KEY_FILE is where the agent reads the key unless its config names another (its default). */
export const API_KEY_FILE = '/mnt/immich_drive/secrets/immich-pi-api-key';

/**
 * KEY_COMMAND stores a pasted key on the drive, readable by the agent's group only: the agent
 * refuses a key file everyone can read. `-D` makes the secrets folder when it is not there yet.
 */
export const KEY_COMMAND = `sudo install -D -m 0640 -g immich-pi-agent /dev/stdin ${API_KEY_FILE}`;

// English words around the numbers, so English digit groups: "1,204". Written here rather than
// with Intl.NumberFormat, whose first use would load ICU as Home starts (clock.ts says why not).
const count = (n: number) => String(Math.round(n)).replace(/\B(?=(\d{3})+$)/g, ',');

/** queueWords says what one queue is doing, or null when it is idle (nothing to say). */
export function queueWords(queue: ImmichQueue): string | null {
  const waiting = queue.waiting > 0 ? `${count(queue.waiting)} waiting` : null;
  if (queue.paused) return `${queue.label}: paused${waiting ? ` (${waiting})` : ''}`;
  if (waiting) return `${queue.label}: ${waiting}`;
  if (queue.active > 0) return `${queue.label}: ${count(queue.active)} running`;
  return null;
}

/**
 * queueLine is what Immich works on, as one line: "Thumbnails: 1,204 waiting · Video: 12 waiting
 * · Smart search: paused", in the agent's order (heavy first), idle queues left out.
 */
export function queueLine(queues: readonly ImmichQueue[]): string {
  const parts = queues.map(queueWords).filter((words) => words !== null);
  return parts.length > 0 ? parts.join(' · ') : 'Nothing waiting';
}

/** Clock shows an agent timestamp as a person's local time, "14:02". */
export type Clock = (ms: number) => string;

/** guardWords says what the guard does now, "Paused by the thermal guard since 14:02". */
export function guardWords(guard: GuardStatus, clock: Clock): string {
  const since = guard.since === null ? '' : ` since ${clock(guard.since)}`;
  const why = guard.reason === 'throttled' ? ' (the Pi reports throttling)' : '';
  switch (guard.state) {
    case 'paused':
      return `Paused by the thermal guard${since}${why}`;
    case 'capped':
      return `CPU capped by the thermal guard${since}${why}`;
    case 'overridden':
      return 'Resumed by hand; the guard waits for the Pi to cool';
    case 'off':
      return 'Thermal guard off';
    case 'idle':
      return `Thermal guard on: pauses heavy jobs at ${guard.settings.pauseC} °C`;
  }
}

/** JobAction is what an admin may ask of the heavy queues from the tile. */
export type JobAction = 'pause' | 'resume';

/**
 * jobActions lists the buttons the tile offers: none to a device that may not call the route
 * (a viewer) or while Immich cannot be asked; Resume when a heavy queue is paused (by anyone),
 * Pause when one runs. Both when some are paused and some not.
 */
export function jobActions(immich: ImmichStatus, mayAct: boolean): JobAction[] {
  if (!mayAct || immich.state !== 'ok') return [];
  const heavy = immich.queues.filter((queue) => queue.heavy);
  const actions: JobAction[] = [];
  if (heavy.length === 0 || heavy.some((queue) => !queue.paused)) actions.push('pause');
  if (immich.guard.state === 'paused' || heavy.some((queue) => queue.paused))
    actions.push('resume');
  return actions;
}

/** JOB_BUTTONS names each action on its button, and what the tile says once it is done. */
export const JOB_BUTTONS: Record<JobAction, { label: string; done: string }> = {
  pause: { label: 'Pause heavy jobs', done: 'Heavy jobs paused.' },
  resume: { label: 'Resume heavy jobs', done: 'Heavy jobs resumed.' },
};

/** TileKind sorts what the tile shows: the queues, a problem with what to do, or one quiet line. */
export type TileKind = 'queues' | 'problem' | 'quiet';

/** tileKind picks it from Immich's state: locked is quiet (nothing runs), ok shows the queues. */
export function tileKind(immich: ImmichStatus): TileKind {
  if (immich.state === 'ok') return 'queues';
  if (immich.state === 'locked') return 'quiet';
  return 'problem';
}

/** quietLine is the locked tile's one line: the agent's words, or ours when it sent none. */
export function quietLine(immich: ImmichStatus): string {
  return immich.message || 'Immich is stopped while the drive is locked.';
}

/** KEY_STEPS is the how-to shown without a key: make one in Immich, store it with KEY_COMMAND. */
export const KEY_STEPS = [
  'In Immich, open Account Settings > API Keys and create a key with the job permissions (an admin’s key).',
  'On the Pi, run this command, paste the key, press Enter, then Ctrl-D:',
] as const;

/**
 * localClock shows agent timestamps in this phone's time: "14:02" today, with the date before.
 * `offsetMs` is the agent clock minus this phone's (api.clockOffsetMs), so the time is true here.
 */
export function localClock(nowMs: number, offsetMs: number): Clock {
  const today = new Date(nowMs).toDateString();
  return (ms) => {
    const at = new Date(ms - offsetMs);
    const time = formatDate(at.getTime(), TIME);
    return at.toDateString() === today
      ? time
      : `${formatDate(at.getTime(), { dateStyle: 'medium' })} ${time}`;
  };
}

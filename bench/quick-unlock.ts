// Bench 11: from the "storage locked" notification to the unlock request leaving the phone, quick
// unlock (a tap and the biometric) against the typed passphrase, in Chromium with a CDP virtual
// authenticator: taps, and the app's own time (the person's reading and typing left out).
import type { Page } from 'playwright-core';
import { freeLoopbackPort } from '../sandbox-pi/immich-stub.ts';
import { createSandboxPi, DEMO_PASSPHRASE } from '../sandbox-pi/index.ts';
import { openPhone, pairInApp, startAgent } from '../tests/e2e/harness.ts';
import {
  clickNotification,
  deliverUntilShown,
  lockedAfterBootPush,
  serviceWorkerRegistration,
} from '../tests/e2e/push-delivery.ts';
import { addPlatformAuthenticator, turnOnQuickUnlock } from '../tests/e2e/webauthn.ts';
import { type BenchResult, mark, median, ms, printSection } from './report.ts';

const ROUNDS = 5;
const TARGET_TAPS = 2;
const TARGET_APP_MS = 300;
const QUICK = 'Unlock with Face ID / fingerprint';

/** One way in: what the person does once the screen shows (the app's time is measured around it). */
type Mode = 'quick' | 'typed';

interface Round {
  taps: number;
  /** Notification tap to the unlock control on screen. */
  toScreenMs: number;
  /** Last tap to the POST /api/v1/unlock leaving the page. */
  toRequestMs: number;
  /** Of toRequestMs, the time spent in navigator.credentials.get (the virtual authenticator). */
  passkeyMs: number;
}

/**
 * instrument runs in every page: when the unlock control appears, each tap and key, WebAuthn get
 * and the unlock request leaving, on Date.now() (the same clock as the bench).
 */
function instrument() {
  const marks = { quickShownAt: 0, fieldShownAt: 0, taps: 0, lastTapAt: 0, getMs: 0, postAt: 0 };
  (window as unknown as { benchMarks: typeof marks }).benchMarks = marks;
  const seen = () => {
    if (!marks.quickShownAt && document.querySelector('[data-testid="quick-unlock"]'))
      marks.quickShownAt = Date.now();
    if (!marks.fieldShownAt && document.querySelector('#passphrase'))
      marks.fieldShownAt = Date.now();
  };
  new MutationObserver(seen).observe(document, { childList: true, subtree: true });
  const tap = () => {
    marks.taps++;
    marks.lastTapAt = Date.now();
  };
  addEventListener('pointerdown', tap, true);
  addEventListener('keydown', tap, true);
  const get = navigator.credentials.get.bind(navigator.credentials);
  navigator.credentials.get = async (options) => {
    const started = Date.now();
    try {
      return await get(options);
    } finally {
      marks.getMs += Date.now() - started;
    }
  };
  const send = window.fetch.bind(window);
  window.fetch = (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (init?.method === 'POST' && url.endsWith('/api/v1/unlock')) marks.postAt = Date.now();
    return send(input, init);
  };
}

async function waitForOutcome(page: Page, words: string): Promise<void> {
  await page.getByTestId('outcome').filter({ hasText: words }).waitFor({ timeout: 60_000 });
}

/** oneRound delivers the push, taps it, unlocks one way, and locks again through the app. */
async function oneRound(page: Page, origin: string, registrationId: string, mode: Mode) {
  const { cdp } = await authenticatorFor(page);
  await page.goto(new URL('/', origin).href);
  await page.getByTestId('drive-state').filter({ hasText: 'locked' }).waitFor();
  const push = { origin, registrationId, data: lockedAfterBootPush(origin) };
  await deliverUntilShown(page, cdp, push, [
    { title: 'Pi restarted: storage is locked', tag: 'locked-after-boot' },
  ]);
  const tappedAt = Date.now();
  await clickNotification(page, 'locked-after-boot');
  await page.waitForURL('**/unlock');
  if (mode === 'quick') {
    await page.getByRole('button', { name: QUICK }).click();
  } else {
    await page.getByLabel('Drive passphrase').click();
    await page.keyboard.type(DEMO_PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
  }
  await page.waitForFunction(
    () => (window as unknown as { benchMarks: { postAt: number } }).benchMarks.postAt > 0,
  );
  const marks = await page.evaluate(
    () => (window as unknown as { benchMarks: Record<string, number> }).benchMarks,
  );
  await waitForOutcome(page, 'Immich is running');
  await page.goto(new URL('/', origin).href);
  await page.getByRole('button', { name: 'Lock', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Lock' }).click();
  await waitForOutcome(page, 'Locked');
  return {
    taps: 1 + (marks.taps ?? 0), // the notification's tap, then the page's
    toScreenMs: ((mode === 'quick' ? marks.quickShownAt : marks.fieldShownAt) ?? 0) - tappedAt,
    toRequestMs: (marks.postAt ?? 0) - (marks.lastTapAt ?? 0),
    passkeyMs: marks.getMs ?? 0,
  } satisfies Round;
}

const authenticators = new WeakMap<Page, Awaited<ReturnType<typeof addPlatformAuthenticator>>>();
async function authenticatorFor(page: Page) {
  const known = authenticators.get(page);
  if (known) return known;
  const made = await addPlatformAuthenticator(page, { hasPrf: true });
  authenticators.set(page, made);
  return made;
}

/** benchQuickUnlock runs interleaved rounds of both ways on a sandbox Pi, and answers the row. */
export async function benchQuickUnlock(agentBin: string, pwaDir: string): Promise<BenchResult> {
  const sandbox = await createSandboxPi({ port: await freeLoopbackPort(), pwaDir, agentBin });
  if (!sandbox.cryptsetupAvailable) throw new Error('bench 11 needs cryptsetup installed');
  const agent = await startAgent(sandbox.configPath, 20_000, agentBin);
  const phone = await openPhone();
  const rounds: Record<Mode, Round[]> = { quick: [], typed: [] };
  try {
    const { page } = phone;
    const origin = new URL(sandbox.config.publicUrl).origin;
    await page.context().grantPermissions(['notifications'], { origin });
    await page.addInitScript(instrument);
    const { cdp } = await authenticatorFor(page);
    await pairInApp(page, origin, sandbox.configPath, agentBin);
    await turnOnQuickUnlock(page, origin, DEMO_PASSPHRASE);
    const registrationId = await serviceWorkerRegistration(cdp, origin);
    // A warm-up of each (caches, JIT), then interleaved so drift hits both alike.
    for (let i = 0; i <= ROUNDS; i++) {
      for (const mode of ['quick', 'typed'] as const) {
        const round = await oneRound(page, origin, registrationId, mode);
        if (i > 0) rounds[mode].push(round);
      }
    }
  } finally {
    await phone.close();
    await agent.stop();
    await sandbox.remove();
  }
  const of = (mode: Mode, key: keyof Round) => median(rounds[mode].map((r) => r[key]));
  const appMs = (mode: Mode) => median(rounds[mode].map((r) => r.toScreenMs + r.toRequestMs));
  const quickTaps = Math.max(...rounds.quick.map((r) => r.taps));
  const met = quickTaps <= TARGET_TAPS && appMs('quick') <= TARGET_APP_MS;
  const line = (mode: Mode, label: string) =>
    `${label.padEnd(22)} ${String(of(mode, 'taps')).padStart(3)} taps, app time ${ms(appMs(mode))}: notification to screen ${ms(of(mode, 'toScreenMs'))}, last tap to request ${ms(of(mode, 'toRequestMs'))}`;
  printSection(
    `11. Quick unlock: "storage locked" notification to POST /api/v1/unlock leaving the phone, median of ${ROUNDS} each after a warm-up, interleaved (Chromium, virtual authenticator)`,
    [
      line('quick', 'quick unlock'),
      line('typed', `typed (${DEMO_PASSPHRASE.length} characters)`),
      `of the quick unlock's last stretch, WebAuthn get with PRF (virtual authenticator, no real glance) took ${ms(of('quick', 'passkeyMs'))}`,
      `target: ${TARGET_TAPS} taps ${mark(quickTaps <= TARGET_TAPS)} and ≤ ${TARGET_APP_MS} ms of app time before the KDF starts ${mark(appMs('quick') <= TARGET_APP_MS)}`,
    ],
  );
  return {
    name: 'quick unlock: taps, app time',
    measured: `${quickTaps} taps, ${ms(appMs('quick'))}`,
    baseline: `typed: ${of('typed', 'taps')} taps, ${ms(appMs('typed'))}`,
    ratio: `${(appMs('quick') / appMs('typed')).toFixed(2)}×`,
    target: `${TARGET_TAPS} taps, ≤ ${TARGET_APP_MS} ms`,
    met,
  };
}

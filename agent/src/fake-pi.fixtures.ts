// A fake Pi for the app's tests: a helper that records every request and changes the host the way
// the real verbs would, a drive probe and unit states that report that host.
import {
  ImmichCallError,
  type ImmichJobsClient,
  type ImmichQueueState,
} from './adapters/immich-jobs.ts';
import type { ImmichKey } from './adapters/immich-key.ts';
import type { SystemSample } from './adapters/system.ts';
import type { UnitState } from './adapters/units.ts';
import type { HelperAnswer } from './helper/answers.ts';
import type { HelperRequest } from './helper/protocol.ts';

/** The backup unit of the default config: `start-backup` sets it activating. */
const BACKUP_UNIT = 'immich-backup.service';

/** The passphrase the fake drive opens with. */
export const RIGHT_PASSPHRASE = 'correct horse battery ✓';

/** requestText names a helper request as a log line would, never with its passphrase. */
const requestText = (r: HelperRequest) =>
  r.verb === 'start' || r.verb === 'stop'
    ? `${r.verb} ${r.unit}`
    : r.verb === 'set-cpu-quota'
      ? `${r.verb} ${r.unit} ${r.percent ?? 'off'}`
      : r.verb;

/** FakeImmich is Immich's queues as the guard sees them: queues to pause, a key it takes. */
export class FakeImmich {
  /** The key file's content; null: no key file. */
  key: string | null = 'fake-immich-key';
  answers = true;
  readonly queues = new Map<string, ImmichQueueState>(
    [
      ['thumbnailGeneration', 1204],
      ['videoConversion', 12],
      ['smartSearch', 300],
      ['backgroundTask', 0],
    ].map(([name, waiting]) => [
      name as string,
      { name: name as string, waiting: waiting as number, active: 0, paused: false },
    ]),
  );
  /** Every pause and resume, in order: "pause videoConversion". */
  readonly calls: string[] = [];

  readonly client: ImmichJobsClient = {
    version: async (key) => {
      this.check(key);
      return { version: 'v1.135.3', api: 'queues' };
    },
    queues: async (_api, key) => {
      this.check(key);
      return [...this.queues.values()].map((queue) => ({ ...queue }));
    },
    setPaused: async (_api, name, paused, key) => {
      this.check(key);
      this.calls.push(`${paused ? 'pause' : 'resume'} ${name}`);
      const queue = this.queues.get(name);
      if (queue) queue.paused = paused;
    },
  };

  readonly readKey = async (): Promise<ImmichKey> =>
    this.key === null
      ? { ok: false, code: 'no-key', message: 'There is no Immich API key on the drive.' }
      : { ok: true, key: this.key };

  private check(key: string): void {
    if (!this.answers) throw new ImmichCallError('unreachable', 'Immich does not answer.');
    if (key !== 'fake-immich-key')
      throw new ImmichCallError('key-refused', 'Immich refused the key.');
  }
}

/**
 * FakePi is the host behind the fake helper: the helper's verbs change it the way the real ones
 * change a Pi, and the probe and unit reader report it. `hold` keeps a request from answering.
 */
export class FakePi {
  devicePresent = true;
  mapperOpen = false;
  mounted = false;
  immichAnswers = true;
  temperatureC: number | null = 48.5;
  throttled: boolean | null = false;
  readonly immich = new FakeImmich();
  readonly units = new Map<string, UnitState>();
  /** Every helper request, in order: "open", "start postgresql.service", "close"... */
  readonly requests: string[] = [];
  /** What each open or check request carried (copied when it arrived), and the buffers themselves. */
  readonly passphrases: string[] = [];
  readonly buffers: Uint8Array[] = [];
  /** The helper's wrong-passphrase record as `tries` tells it: ages in ms, oldest first. */
  failureAgesMs: number[] = [];
  /** Answers to give instead of the usual one, by request text. */
  readonly answers = new Map<string, HelperAnswer>();
  readonly unitReads: string[][] = [];
  private readonly holds = new Map<string, Promise<void>>();

  /** hold makes a request wait until the returned release is called. */
  hold(text: string): () => void {
    let release = () => {};
    this.holds.set(
      text,
      new Promise<void>((resolve) => {
        release = resolve;
      }),
    );
    return () => {
      this.holds.delete(text);
      release();
    };
  }

  /** How many times the agent asked for a helper to be readied ahead of a call. */
  warmed = 0;

  readonly callHelper = Object.assign(this.answer.bind(this), { warm: () => void this.warmed++ });

  private async answer(request: HelperRequest): Promise<HelperAnswer> {
    const text = requestText(request);
    this.requests.push(text);
    if (request.verb === 'open' || request.verb === 'check') {
      this.buffers.push(request.passphrase);
      this.passphrases.push(Buffer.from(request.passphrase).toString('utf8'));
    }
    await this.holds.get(text);
    const answer = this.answers.get(text);
    if (answer) return answer;
    switch (request.verb) {
      case 'open':
        if (!this.devicePresent) return { ok: false, code: 'drive-missing', message: 'm' };
        if (this.passphrases.at(-1) !== RIGHT_PASSPHRASE)
          return { ok: false, code: 'wrong-passphrase', message: 'm', triesLeft: 4 };
        this.mapperOpen = true;
        return { ok: true };
      case 'check':
        if (!this.devicePresent) return { ok: false, code: 'drive-missing', message: 'm' };
        if (this.passphrases.at(-1) !== RIGHT_PASSPHRASE)
          return { ok: false, code: 'wrong-passphrase', message: 'm', triesLeft: 4 };
        return { ok: true };
      case 'close':
        this.mapperOpen = false;
        return { ok: true };
      case 'start':
      case 'stop':
        if (request.unit.endsWith('.mount')) this.mounted = request.verb === 'start';
        else this.units.set(request.unit, request.verb === 'start' ? 'active' : 'inactive');
        return { ok: true };
      case 'start-backup':
        this.units.set(BACKUP_UNIT, 'activating');
        return { ok: true };
      case 'tries':
        return { ok: true, failureAgesMs: [...this.failureAgesMs] };
      default:
        return { ok: true };
    }
  }

  sample(): SystemSample {
    const open = this.mapperOpen;
    return {
      temperatureC: this.temperatureC,
      undervoltage: false,
      throttled: this.throttled,
      uptimeSeconds: 100,
      bootId: 'boot-1',
      drive: {
        devicePresent: this.devicePresent,
        mapperOpen: open,
        slavesPresent: open && this.devicePresent,
        mounted: this.mounted,
        readOnly: false,
      },
      disks: [],
    };
  }
}

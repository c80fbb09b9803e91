// The app's state as signals, in one store handed to the views through context.
import { type Signal, signal } from '@preact/signals';
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { AgentKeyChangedError, type Api, ApiError, OfflineError } from './api/index.ts';
import { needsNewPairing } from './errors.ts';
import { loadDateShapes } from './kept-shapes.ts';
import { forgetPairing, loadPairedDevice, type PairedDevice } from './keys.ts';
import { loadLastStatus, type SeenStatus, saveLastStatus } from './last-status.ts';
import type { OperationKind } from './operation.ts';
import type { Router } from './router.ts';
import { signerFor } from './web-crypto.ts';

/** Connection is what the app last learnt about reaching the agent. */
export type Connection = 'unknown' | 'online' | 'offline';

/** FollowedOperation is an unlock or lock the app started, or saw running in a status. */
export interface FollowedOperation {
  id: string;
  kind: OperationKind;
}

/** Store is everything views share: the API client, the router and what is known about the Pi. */
export interface Store {
  api: Api;
  router: Router;
  /** undefined while IndexedDB is read, null before pairing. */
  device: Signal<PairedDevice | null | undefined>;
  lastStatus: Signal<SeenStatus | null>;
  /** The last failure of a status refresh that was not "offline", for Home to show. */
  statusError: Signal<unknown>;
  connection: Signal<Connection>;
  /** Counts the offline bar's Retry taps: screens that load data load again when it changes. */
  retries: Signal<number>;
  agentKeyChanged: Signal<boolean>;
  /** The unlock or lock to follow; set when one starts or a status shows one, cleared once seen done. */
  operation: Signal<FollowedOperation | null>;
  /** operationEnded stops following an operation, for good: a late status cannot bring it back. */
  operationEnded(id: string): void;
  load(): Promise<void>;
  adopt(device: PairedDevice): void;
  forget(): Promise<void>;
  refreshStatus(): Promise<void>;
  /** retry asks the Pi again, for Home's status and the screen shown. */
  retry(): void;
  /** noteFailure lets any view report an API failure that changes app-wide state. */
  noteFailure(error: unknown): void;
}

/** createStore wires the signals to the API client and IndexedDB. */
export function createStore(api: Api, router: Router, now: () => number = Date.now): Store {
  // Ids of operations seen finished; a status fetched just before the end still names them.
  const ended = new Set<string>();
  const store: Store = {
    api,
    router,
    device: signal(undefined),
    lastStatus: signal(null),
    statusError: signal(null),
    connection: signal('unknown'),
    retries: signal(0),
    agentKeyChanged: signal(false),
    operation: signal(null),
    operationEnded(id) {
      ended.add(id);
      if (store.operation.value?.id === id) store.operation.value = null;
    },
    async load() {
      const [device, seen] = await Promise.all([
        loadPairedDevice(),
        loadLastStatus(),
        loadDateShapes(),
      ]);
      store.lastStatus.value = seen;
      if (device) store.adopt(device);
      else store.device.value = null;
    },
    adopt(device) {
      api.connect({
        signer: { keyid: device.keyid, sign: signerFor(device.keyPair.privateKey) },
        agentKey: device.agentKey,
      });
      store.agentKeyChanged.value = false;
      store.device.value = device;
    },
    async forget() {
      api.connect(null);
      await forgetPairing();
      store.lastStatus.value = null;
      store.statusError.value = null;
      store.connection.value = 'unknown';
      store.agentKeyChanged.value = false;
      store.operation.value = null;
      store.device.value = null;
      router.navigate('/welcome', { replace: true });
    },
    async refreshStatus() {
      try {
        const seen = { status: await api.status(), fetchedAt: now() };
        store.lastStatus.value = seen;
        store.connection.value = 'online';
        store.statusError.value = null;
        // Coming back to the app mid-unlock: follow the operation that ran on without us.
        const running = seen.status.operation;
        if (running && !ended.has(running.id) && running.id !== store.operation.value?.id)
          store.operation.value = running;
        await saveLastStatus(seen);
      } catch (error) {
        store.noteFailure(error);
        if (!(error instanceof OfflineError)) store.statusError.value = error;
      }
    },
    retry() {
      store.retries.value++;
      store.refreshStatus();
    },
    noteFailure(error) {
      if (error instanceof OfflineError) store.connection.value = 'offline';
      else if (error instanceof AgentKeyChangedError) store.agentKeyChanged.value = true;
      // An error answer still proves the Pi is reachable; one saying this phone is no longer
      // known, from any screen, brings up the Removed screen (app.tsx).
      else if (error instanceof ApiError) {
        store.connection.value = 'online';
        if (needsNewPairing(error)) store.statusError.value = error;
      }
    },
  };
  return store;
}

export const StoreContext = createContext<Store | null>(null);

/** useStore gives a view the app's store. */
export function useStore(): Store {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useStore outside StoreContext');
  return store;
}

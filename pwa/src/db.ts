// A tiny key-value store on IndexedDB: the only place the PWA keeps anything (its key included).
const DB_NAME = 'immich-pi';
const STORE = 'kv';

let opened: Promise<IDBDatabase> | null = null;

function done<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function openDb(): Promise<IDBDatabase> {
  opened ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => {
      opened = null;
      reject(request.error);
    };
  });
  return opened;
}

async function withStore<T>(
  mode: IDBTransactionMode,
  run: (store: IDBObjectStore) => IDBRequest<T>,
): Promise<T> {
  const db = await openDb();
  const tx = db.transaction(STORE, mode);
  // A write counts only once its transaction has committed, not when its request succeeded.
  const committed = new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = tx.onabort = () => reject(tx.error);
  });
  const result = await done(run(tx.objectStore(STORE)));
  await committed;
  return result;
}

/** dbGet reads one value, or undefined when the key was never written. */
export function dbGet<T>(key: string): Promise<T | undefined> {
  return withStore('readonly', (store) => store.get(key) as IDBRequest<T | undefined>);
}

/** dbSet writes one structured-cloneable value (a non-extractable CryptoKey is one). */
export async function dbSet(key: string, value: unknown): Promise<void> {
  await withStore('readwrite', (store) => store.put(value, key));
}

/** dbDelete forgets one value; deleting a key never written is fine. */
export async function dbDelete(key: string): Promise<void> {
  await withStore('readwrite', (store) => store.delete(key));
}

/** dbClear forgets everything: the device key, the pinned agent and the last status. */
export async function dbClear(): Promise<void> {
  await withStore('readwrite', (store) => store.clear());
}

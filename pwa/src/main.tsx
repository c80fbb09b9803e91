// The app's entry: build the store, draw the app, install the service worker.
import { render } from 'preact';
import { createApi } from './api/index.ts';
import { App } from './app.tsx';
import './install.ts';
import { createRouter } from './router.ts';
import { registerServiceWorker } from './service-worker.ts';
import { createStore } from './store.ts';
import './styles.css';

const store = createStore(createApi(), createRouter());
render(<App store={store} />, document.getElementById('app') as HTMLElement);
store.load().catch((error) => {
  // Without IndexedDB there is nowhere to keep a key: say so instead of a blank page.
  console.error('could not open storage', error);
  store.device.value = null;
});
registerServiceWorker();

// The first screen a new phone sees: what this app is, how to install it, then pairing.
import { install, installPrompt } from '../install.ts';
import { isAndroid, isIos } from '../platform.ts';
import { useStore } from '../store.ts';
import { Screen } from '../ui/Screen.tsx';
import './FirstRun.css';

function IosSteps() {
  return (
    <ol class="steps">
      <li>
        Open this page in <strong>Safari</strong>.
      </li>
      <li>
        Tap <strong>Share</strong> (the square with an arrow).
      </li>
      <li>
        Choose <strong>Add to Home Screen</strong>, then <strong>Add</strong>.
      </li>
      <li>Open immich-pi from your home screen and pair from there.</li>
    </ol>
  );
}

function AndroidSteps() {
  return (
    <ol class="steps">
      <li>
        Open the browser menu (<strong>⋮</strong>).
      </li>
      <li>
        Choose <strong>Install app</strong> or <strong>Add to Home screen</strong>.
      </li>
      <li>Open immich-pi from your home screen.</li>
    </ol>
  );
}

/** FirstRun explains the app and how to add it to the home screen, this platform's way first. */
export function FirstRun() {
  const { router } = useStore();
  const ios = isIos(navigator.userAgent, navigator.maxTouchPoints);
  const android = isAndroid(navigator.userAgent);
  const guides = [
    { id: 'ios', title: 'On iPhone or iPad', steps: <IosSteps />, here: ios },
    { id: 'android', title: 'On Android', steps: <AndroidSteps />, here: android },
  ].sort((a, b) => Number(b.here) - Number(a.here));
  // Where the browser offers to install, one button does it; the steps stay, folded, for others.
  // Only this platform's steps start open, so "Pair with your Pi" stays on the first screen.
  const installable = installPrompt.value !== null;

  return (
    <Screen title="Welcome to immich-pi">
      <section class="card" aria-labelledby="what">
        <div class="intro">
          <img class="logo" src="/icons/icon-192.png" alt="" width="56" height="56" />
          <h2 id="what">Your Immich Pi, from your phone</h2>
        </div>
        <p>
          See at a glance whether your Pi is healthy: the drive, its temperature, power and disk
          space. This phone gets its own key, so only the phones you pair can reach it.
        </p>
      </section>

      <section class="card" aria-labelledby="install">
        <h2 id="install">1. Add it to your home screen</h2>
        <p>It then opens like an app, works offline and keeps its key safe.</p>
        {installable && (
          <button type="button" onClick={() => install()}>
            Install immich-pi
          </button>
        )}
        {guides.map((guide) => (
          <details key={guide.id} class="guide" open={!installable && guide.here}>
            <summary>{guide.title}</summary>
            {guide.steps}
          </details>
        ))}
      </section>

      <section class="card" aria-labelledby="pair">
        <h2 id="pair">2. Pair with your Pi</h2>
        <p>
          On the Pi, run <code>immich-pi-agent pair</code>. It prints a code to type in here.
        </p>
        <button type="button" class="primary" onClick={() => router.navigate('/pair')}>
          Pair with your Pi
        </button>
      </section>
    </Screen>
  );
}

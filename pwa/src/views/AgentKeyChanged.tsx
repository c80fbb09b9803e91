// The hard stop: the Pi answered with another identity key, like an SSH host key that changed.
import { useStore } from '../store.ts';
import { Notice } from '../ui/Notice.tsx';
import { Screen } from '../ui/Screen.tsx';

/** AgentKeyChanged refuses to go on and offers the only way forward: forget the Pi, pair again. */
export function AgentKeyChanged() {
  const store = useStore();
  const device = store.device.value;
  return (
    <Screen title="The Pi’s identity changed" tabs={false}>
      <Notice kind="error">
        <p>
          <strong>This app has stopped talking to the Pi.</strong> The Pi at this address answered
          with a different identity key than the one this phone paired with.
        </p>
        {device && (
          <p>
            Paired fingerprint: <code class="nowrap">{device.fingerprint}</code>
          </p>
        )}
      </Notice>
      <section class="card">
        <h2>What this means</h2>
        <p>
          Either the Pi was reinstalled or its state was reset, or something else is answering in
          its place. This app will not send it anything until you decide.
        </p>
        <p>
          If you reinstalled the Pi yourself, forget it here and pair again with a new code from{' '}
          <code>immich-pi-agent pair</code>, comparing the fingerprint it prints. If you did not, do
          not pair: find out what changed first.
        </p>
      </section>
      <button type="button" class="danger" onClick={() => store.forget()}>
        Forget this Pi and pair again
      </button>
    </Screen>
  );
}

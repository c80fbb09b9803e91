// One clear screen when the Pi no longer knows this phone: an admin removed it, or the Pi lost it.
import { useStore } from '../store.ts';
import { Screen } from '../ui/Screen.tsx';

/** Removed says what happened and offers the one way on: pair again with a new code. */
export function Removed() {
  const store = useStore();
  const piName = store.device.value?.agentName ?? 'the Pi';
  return (
    <Screen title="This phone was removed" tabs={false}>
      <section class="card" data-testid="removed">
        <p>
          {piName} no longer accepts this phone, so it cannot show the Pi’s status or unlock it. An
          admin removed it in Devices, or the Pi forgot it.
        </p>
        <p>To use this phone again, ask an admin for a new pairing code, then pair again.</p>
      </section>
      <button type="button" class="primary" onClick={() => store.forget()}>
        Pair again
      </button>
    </Screen>
  );
}

// Lock: follows the lock confirmed on Home, step by step, until the drive is closed (§7).
import { useEffect, useState } from 'preact/hooks';
import { useOperation } from '../hooks/useOperation.ts';
import { useStore } from '../store.ts';
import { Link } from '../ui/Link.tsx';
import { Notice } from '../ui/Notice.tsx';
import { OperationProgress } from '../ui/OperationProgress.tsx';
import { Screen } from '../ui/Screen.tsx';

const HOME = { to: '/', label: 'Home' } as const;

/** Lock shows the lock running now; without one it says where the drive stands and leads Home. */
export function Lock() {
  const store = useStore();
  const running = store.operation.value;
  // Kept here, not in the store: the outcome stays on screen after the store stops following it.
  const [followId, setFollowId] = useState(() => (running?.kind === 'lock' ? running.id : null));
  useEffect(() => {
    if (running?.kind === 'lock') setFollowId(running.id);
  }, [running]);
  useEffect(() => {
    store.refreshStatus();
  }, [store]);

  const state = store.lastStatus.value?.status.drive.state;
  return (
    <Screen title="Lock" back={HOME}>
      {followId ? (
        <Follow id={followId} />
      ) : (
        <>
          <Notice kind="info">
            {state === 'locked'
              ? 'The drive is locked.'
              : 'Nothing is being locked right now. Lock the drive from Home.'}
          </Notice>
          <Link to="/" class="button primary">
            Go to Home
          </Link>
        </>
      )}
    </Screen>
  );
}

function Follow({ id }: { id: string }) {
  const store = useStore();
  const { operation, error } = useOperation(id);
  const units = store.lastStatus.value?.status.units ?? [];
  const home = (
    <Link to="/" class="button primary">
      Go to Home
    </Link>
  );
  return <OperationProgress operation={operation} error={error} units={units} ended={home} />;
}

// The bar at the foot of every paired screen: the four places people go, one tap from anywhere.
import type { AppPath } from '../router.ts';
import { useStore } from '../store.ts';
import { Link } from './Link.tsx';

/** Tab is one of the bar's places; the screens under it (Devices under Settings) light it too. */
type Tab = { to: AppPath; label: string; icon: string; under: readonly string[] };

// Stroked 24-unit icons, drawn by CSS (.tabs svg): a house, a cloud, a bell, sliders.
const TABS: readonly Tab[] = [
  {
    to: '/',
    label: 'Home',
    icon: 'M3 11l9-8 9 8M5 9v11h5v-6h4v6h5V9',
    under: ['/unlock', '/lock'],
  },
  {
    to: '/backups',
    label: 'Backups',
    icon: 'M7 19a5 5 0 010-10 6 6 0 0111.5 2A4 4 0 0118 19zM12 16v-5m-2.5 2.5L12 11l2.5 2.5',
    under: [],
  },
  { to: '/alerts', label: 'Alerts', icon: 'M6 17v-6a6 6 0 0112 0v6l1.5 2h-15zM10 21h4', under: [] },
  {
    to: '/settings',
    label: 'Settings',
    icon: 'M4 7h9m4 0h3M4 17h3m4 0h9M15 5v4M9 15v4',
    under: ['/devices', '/activity'],
  },
];

/** tabOf answers the tab a path belongs to: its own, a parent's, or Home's. */
export function tabOf(path: string): AppPath {
  for (const tab of TABS)
    if (tab.to !== '/' && (path.startsWith(tab.to) || tab.under.includes(path))) return tab.to;
  return '/';
}

/** TabBar shows the tabs, the current one marked, and on Alerts the count of active alerts. */
export function TabBar() {
  const store = useStore();
  const path = store.router.path.value;
  const current = tabOf(path);
  const alerts = store.lastStatus.value?.status.alerts ?? [];
  const critical = alerts.some((alert) => alert.critical);
  return (
    <nav class="tabs" aria-label="Main">
      {TABS.map((tab) => {
        const count = tab.to === '/alerts' ? alerts.length : 0;
        return (
          <Link
            key={tab.to}
            to={tab.to}
            class="tab"
            current={tab.to === path ? 'page' : tab.to === current ? 'true' : undefined}
          >
            <svg viewBox="0 0 24 24" aria-hidden="true">
              <path d={tab.icon} />
            </svg>
            {tab.label}
            {count > 0 && (
              <>
                <span class="sr-only">({count} active)</span>
                <span class={`tab-badge ${critical ? 'is-critical' : ''}`} aria-hidden="true">
                  {count}
                </span>
              </>
            )}
          </Link>
        );
      })}
    </nav>
  );
}

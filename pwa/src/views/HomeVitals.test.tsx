import { describe, expect, it } from 'vitest';
import type { Alert, AlertKind } from '../../../shared/alerts.ts';
import { all, byTestId, draw, textOf } from '../draw.fixtures.ts';
import { PowerTile, TemperatureTile } from './HomeVitals.tsx';

const alert = (kind: AlertKind): Alert => ({
  id: kind,
  kind,
  critical: kind === 'temp-high',
  state: 'active',
  title: kind,
  body: '',
  navigate: '/alerts',
  raisedAt: 0,
  resolvedAt: null,
  snoozedUntil: null,
});

function valueClass(drawn: ReturnType<typeof draw>, testId: string): string {
  return String(all(drawn, (e) => e.props['data-testid'] === testId)[0]?.props.class);
}

describe('PowerTile', () => {
  const tile = (undervoltage: boolean | null, kinds: AlertKind[] = []) =>
    draw(<PowerTile status={{ temperatureC: 50, undervoltage, alerts: kinds.map(alert) }} />);

  it('is calm with good power and no alert, and says when there is no sensor', () => {
    expect(byTestId(tile(false), 'power')).toEqual(['OK']);
    expect(valueClass(tile(false), 'power')).toBe('value');
    expect(byTestId(tile(null), 'power')).toEqual(['no sensor']);
  });

  it('is amber, as its banner, while power is low', () => {
    const drawn = tile(true, ['undervoltage']);
    expect(byTestId(drawn, 'power')).toEqual(['under-voltage']);
    expect(valueClass(drawn, 'power')).toContain('temp-warm');
    expect(textOf(drawn)).toContain('5.1 V / 3 A');
  });

  it('stays amber and says it is recovering while the alert stands after power came back', () => {
    const drawn = tile(false, ['undervoltage']);
    expect(byTestId(drawn, 'power')).toEqual(['OK now']);
    expect(valueClass(drawn, 'power')).toContain('temp-warm');
    expect(textOf(drawn)).toMatch(/clears once power stays good/);
  });
});

describe('TemperatureTile', () => {
  const tile = (temperatureC: number, kinds: AlertKind[] = []) =>
    draw(
      <TemperatureTile status={{ temperatureC, undervoltage: false, alerts: kinds.map(alert) }} />,
    );

  it('colours by the reading without an alert', () => {
    expect(valueClass(tile(50), 'temperature')).toContain('temp-ok');
    expect(valueClass(tile(72), 'temperature')).toContain('temp-warm');
  });

  it('is red, as the critical banner, while the overheating alert stands, and says it cools', () => {
    const drawn = tile(72, ['temp-high']);
    expect(valueClass(drawn, 'temperature')).toContain('temp-hot');
    expect(textOf(drawn)).toMatch(/Cooling down/);
    expect(textOf(tile(85, ['temp-high']))).not.toMatch(/Cooling down/);
  });
});

import { describe, expect, it } from 'vitest';
import { DECLARATIVE_PUSH_MAGIC } from '../../shared/alerts.ts';
import { FALLBACK_BODY, FALLBACK_TITLE, notificationFromPush, notificationTarget } from './push.ts';

const ORIGIN = 'https://pi.tail1234.ts.net';

describe('notificationFromPush', () => {
  it('maps the declarative payload to showNotification arguments', () => {
    const shown = notificationFromPush(
      JSON.stringify({
        web_push: DECLARATIVE_PUSH_MAGIC,
        notification: {
          title: 'Pi is overheating (81 °C)',
          body: 'Check its fan.',
          navigate: `${ORIGIN}/alerts`,
          tag: 'temp-high',
          timestamp: 1_700_000_000_000,
          lang: 'en',
          dir: 'ltr',
          silent: false,
        },
      }),
    );
    expect(shown.title).toBe('Pi is overheating (81 °C)');
    expect(shown.options).toMatchObject({
      body: 'Check its fan.',
      tag: 'temp-high',
      data: { navigate: `${ORIGIN}/alerts` },
      timestamp: 1_700_000_000_000,
      lang: 'en',
      dir: 'ltr',
      silent: false,
    });
  });

  it('leaves out what the payload does not set', () => {
    const shown = notificationFromPush(
      JSON.stringify({ web_push: 8030, notification: { title: 'Hi', navigate: '/' } }),
    );
    expect(shown.title).toBe('Hi');
    expect(Object.keys(shown.options).sort()).toEqual(['body', 'data', 'icon']);
  });

  it('still shows something for a broken, foreign or empty payload', () => {
    for (const text of [
      null,
      '',
      'not json',
      '{"web_push": 1, "notification": {"title": "x", "navigate": "/"}}',
      '{"title": "a plain push"}',
      'null',
    ]) {
      const shown = notificationFromPush(text);
      expect(shown.title).toBe(FALLBACK_TITLE);
      expect(shown.options.body).toBe(FALLBACK_BODY);
    }
  });
});

describe('notificationTarget', () => {
  it('opens the app path of an absolute or relative URL on the same origin', () => {
    expect(notificationTarget({ navigate: `${ORIGIN}/unlock` }, ORIGIN)).toBe('/unlock');
    expect(notificationTarget({ navigate: '/alerts?x=1#top' }, ORIGIN)).toBe('/alerts?x=1#top');
    expect(notificationTarget({ navigate: 'devices' }, ORIGIN)).toBe('/devices');
  });

  it('opens only a path of this origin, whatever host the URL names', () => {
    // The agent's publicUrl may be the Pi's other name (MagicDNS short name, IP): same screen.
    expect(notificationTarget({ navigate: 'https://pi/unlock' }, ORIGIN)).toBe('/unlock');
    expect(notificationTarget({ navigate: '//elsewhere.example/alerts' }, ORIGIN)).toBe('/alerts');
  });

  it('opens Home for a scheme trick or no target', () => {
    expect(notificationTarget({ navigate: 'javascript:alert(1)' }, ORIGIN)).toBe('/');
    expect(notificationTarget({ navigate: 'data:text/html,hi' }, ORIGIN)).toBe('/');
    expect(notificationTarget({ navigate: 42 }, ORIGIN)).toBe('/');
    expect(notificationTarget(null, ORIGIN)).toBe('/');
    expect(notificationTarget(undefined, ORIGIN)).toBe('/');
  });
});

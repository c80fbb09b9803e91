// The endpoint policy: real push services pass; the tailnet, the LAN, the Pi and odd URLs do not.
import { describe, expect, it } from 'vitest';
import { checkPushEndpoint, KNOWN_PUSH_HOSTS } from './endpoint-policy.ts';

const TEST_ORIGIN = 'https://127.0.0.1:8443';

describe('checkPushEndpoint', () => {
  it.each([
    'https://fcm.googleapis.com/fcm/send/cXyZ:APA91bH',
    'https://FCM.googleapis.com/fcm/send/abc',
    'https://fcm.googleapis.com:443/fcm/send/abc',
    'https://updates.push.services.mozilla.com/wpush/v2/gAAAAA',
    'https://web.push.apple.com/QGuQyavXutnMV',
    'https://wns2-par02p.notify.windows.com/w/?token=BQYAAA',
  ])('lets %s through', (endpoint) => {
    expect(checkPushEndpoint(endpoint, [])).toBeNull();
  });

  it.each([
    ['http://fcm.googleapis.com/fcm/send/abc', 'https'],
    ['ftp://fcm.googleapis.com/abc', 'https'],
    ['not a url', 'not a URL'],
    ['', 'not a URL'],
    ['https://user:pw@fcm.googleapis.com/fcm/send/abc', 'user name'],
    ['https://user@web.push.apple.com/abc', 'user name'],
    ['https://fcm.googleapis.com:8443/fcm/send/abc', 'port 443'],
    ['https://web.push.apple.com:444/abc', 'port 443'],
    ['https://push.apple.com/abc', 'not a known push service'],
    ['https://push.services.mozilla.com/abc', 'not a known push service'],
    ['https://evilpush.apple.com/abc', 'not a known push service'],
    ['https://web.push.apple.com.attacker.example/abc', 'not a known push service'],
    ['https://fcm.googleapis.com./fcm/send/abc', 'not a known push service'],
    ['https://android.googleapis.com/gcm/send/abc', 'not a known push service'],
    ['https://example.com/push', 'not a known push service'],
    ['https://localhost/push', 'not a known push service'],
    ['https://pi.tail1234.ts.net/push', 'not a known push service'],
    ['https://immich-pi.local/push', 'not a known push service'],
    ['https://100.64.0.1/push', 'IP address'],
    ['https://100.101.102.103/push', 'IP address'],
    ['https://10.0.0.1/push', 'IP address'],
    ['https://192.168.1.1/push', 'IP address'],
    ['https://127.0.0.1/push', 'IP address'],
    ['https://127.0.0.1:8443/push', 'port 443'],
    ['https://2130706433/push', 'IP address'],
    ['https://0x7f.0.0.1/push', 'IP address'],
    ['https://[::1]/push', 'IP address'],
    ['https://[fd7a:115c:a1e0::1]/push', 'IP address'],
    ['https://[::ffff:127.0.0.1]/push', 'IP address'],
  ])('refuses %s (%s)', (endpoint, reason) => {
    expect(checkPushEndpoint(endpoint, [])).toContain(reason);
  });

  it('lets an origin from config through, exactly that origin and only over https', () => {
    const extra = [TEST_ORIGIN];
    expect(checkPushEndpoint(`${TEST_ORIGIN}/push/abc`, extra)).toBeNull();
    expect(checkPushEndpoint('https://127.0.0.1:8444/push/abc', extra)).toContain('port 443');
    expect(checkPushEndpoint('https://127.0.0.1/push/abc', extra)).toContain('IP address');
    expect(checkPushEndpoint('http://127.0.0.1:8443/push/abc', extra)).toContain('https');
    expect(checkPushEndpoint('https://u:p@127.0.0.1:8443/push/abc', extra)).toContain('user');
  });

  it('compares config origins after normalizing them, and ignores entries that are not URLs', () => {
    expect(checkPushEndpoint('https://push.example.org/x', ['https://PUSH.example.org/'])).toBe(
      null,
    );
    expect(checkPushEndpoint('https://push.example.org/x', ['push.example.org'])).toContain(
      'not a known push service',
    );
  });

  it('lists the four browser push services', () => {
    expect(KNOWN_PUSH_HOSTS).toEqual([
      'fcm.googleapis.com',
      '*.push.services.mozilla.com',
      '*.push.apple.com',
      '*.notify.windows.com',
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { ROUTES } from './api.ts';
import { matchRoute, mayCall } from './roles.ts';

describe('the route-role table', () => {
  it('matches concrete paths, with or without the prefix, and ignores the query', () => {
    expect(matchRoute('GET', ROUTES.status)?.key).toBe('GET /status');
    expect(matchRoute('GET', '/backups/abc?x=1')).toMatchObject({
      key: 'GET /backups/:id',
      params: { id: 'abc' },
    });
    expect(matchRoute('HEAD', ROUTES.backups)?.key).toBe('GET /backups');
    expect(matchRoute('POST', ROUTES.device('a b'))).toBeNull();
    expect(matchRoute('PATCH', ROUTES.device('a b'))?.params.id).toBe('a b');
    expect(matchRoute('GET', `${ROUTES.backups}/a/b`)).toBeNull();
    expect(matchRoute('DELETE', `${ROUTES.device('')}`)).toBeNull();
  });

  it('lets admins call anything, viewers what the table gives them, and "self" only on themselves', () => {
    expect(mayCall('admin', 'me', 'POST', ROUTES.lock)).toBe(true);
    expect(mayCall('admin', 'me', 'POST', '/api/v1/not-in-the-table')).toBe(true);
    expect(mayCall('viewer', 'me', 'POST', '/api/v1/not-in-the-table')).toBe(false);
    expect(mayCall('viewer', 'me', 'POST', ROUTES.lock)).toBe(false);
    expect(mayCall('viewer', 'me', 'POST', ROUTES.unlockCheck)).toBe(false);
    expect(mayCall('viewer', 'me', 'GET', ROUTES.status)).toBe(true);
    expect(mayCall('viewer', 'me', 'PATCH', ROUTES.device('me'))).toBe(true);
    expect(mayCall('viewer', 'me', 'PATCH', ROUTES.device('them'))).toBe(false);
    expect(mayCall('viewer', 'me', 'DELETE', ROUTES.device('them'))).toBe(false);
  });
});

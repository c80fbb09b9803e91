// /api/v1/push: a device's Web Push subscription (one per device) and a test notification.
import { Hono } from 'hono';
import {
  PushSubscriptionRequest,
  type PushSubscriptionResponse,
  type PushTestResponse,
} from '../../../shared/push.ts';
import type { Deps } from '../deps.ts';
import type { AppEnv } from './env.ts';
import { parseJsonBody } from './json-body.ts';

/** pushRoutes lets a device subscribe, look at its subscription, unsubscribe and test it. */
export function pushRoutes(deps: Pick<Deps, 'alerts'>) {
  const { alerts } = deps;
  return new Hono<AppEnv>()
    .get('/subscriptions', (c) =>
      c.json(alerts.subscription(c.get('deviceId')) satisfies PushSubscriptionResponse),
    )
    .post('/subscriptions', async (c) => {
      const request = parseJsonBody(
        c.get('body'),
        c.req.header('content-type'),
        PushSubscriptionRequest,
      );
      const answer = await alerts.subscribe(c.get('deviceId'), request);
      return c.json(answer satisfies PushSubscriptionResponse);
    })
    .delete('/subscriptions', async (c) => {
      await alerts.unsubscribe(c.get('deviceId'));
      return c.json(alerts.subscription(c.get('deviceId')) satisfies PushSubscriptionResponse);
    })
    .post('/test', (c) => {
      alerts.sendTest(c.get('deviceId'));
      return c.json({ queued: true } satisfies PushTestResponse, 202);
    });
}

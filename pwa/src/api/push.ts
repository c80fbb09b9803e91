// The push, alert and history calls of api.ts (ARCHITECTURE §10): all signed, all validated.
import * as v from 'valibot';
import type { Alert } from '../../../shared/alerts.ts';
import { AlertsResponse, SnoozeRequest, SnoozeResponse } from '../../../shared/alerts.ts';
import { ROUTES } from '../../../shared/api.ts';
import {
  PushSubscriptionRequest,
  PushSubscriptionResponse,
  PushTestResponse,
} from '../../../shared/push.ts';
import { TemperatureHistoryResponse } from '../../../shared/status.ts';
import { ApiError, checked } from './errors.ts';
import type { Signed } from './signed.ts';

// DELETE's answer carries nothing the app needs; an empty 204 or any JSON will do.
const Anything = v.unknown();

/** pushCalls builds the calls Settings, Alerts and Home's chart make, on top of the signed request. */
export function pushCalls(from: { signed: Signed }) {
  const { signed } = from;
  return {
    /** pushSubscription answers the agent's VAPID key and this device's subscription, if any. */
    pushSubscription: () => signed('GET', ROUTES.pushSubscriptions, PushSubscriptionResponse),
    /** savePushSubscription registers or updates this device's subscription (checked before sending). */
    savePushSubscription: async (request: PushSubscriptionRequest) =>
      signed(
        'POST',
        ROUTES.pushSubscriptions,
        PushSubscriptionResponse,
        '',
        checked(PushSubscriptionRequest, request),
      ),
    /** deletePushSubscription stops pushes to this device; none to stop is no failure. */
    deletePushSubscription: async (): Promise<void> => {
      try {
        await signed('DELETE', ROUTES.pushSubscriptions, Anything);
      } catch (error) {
        if (!(error instanceof ApiError && error.code === 'push-not-subscribed')) throw error;
      }
    },
    /** sendTestPush asks the agent to push a test notification to this device soon. */
    sendTestPush: () => signed('POST', ROUTES.pushTest, PushTestResponse),
    /** alerts answers the active alerts and the history, newest first. */
    alerts: () => signed('GET', ROUTES.alerts, AlertsResponse),
    /** snoozeAlert holds back an alert's pushes for `minutes` (0 ends the snooze). */
    snoozeAlert: async (id: string, minutes: number): Promise<Alert> =>
      (
        await signed(
          'POST',
          ROUTES.alertSnooze(id),
          SnoozeResponse,
          '',
          checked(SnoozeRequest, { minutes }),
        )
      ).alert,
    /** temperatureHistory answers the last 24 h of temperatures, downsampled, oldest first. */
    temperatureHistory: () => signed('GET', ROUTES.temperatureHistory, TemperatureHistoryResponse),
  };
}

/** PushCalls is what pushCalls adds to the API client. */
export type PushCalls = ReturnType<typeof pushCalls>;

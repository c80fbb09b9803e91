// Security events the owner must hear of: pairing locked by wrong codes, a burst of forged requests.
import type { ErrorCode } from '../../../shared/errors.ts';
import { BadSignatureAlarm } from '../domain/bad-signature-alarm.ts';
import type { AlertService } from './alerts/alert-service.ts';
import type { AuditLog } from './audit.ts';

export interface SecurityAlertsOptions {
  audit: Pick<AuditLog, 'record'>;
  alerts: Pick<AlertService, 'event'>;
  /** More forged requests than `count`, faster than that per window, raise bad-signatures. */
  badSignatures: { count: number; windowSeconds: number; quietSeconds: number };
  monotonic: () => number;
}

/**
 * SecurityAlerts audits and raises security events. They are SECURITY_KINDS (shared/alerts.ts),
 * so they reach admins only (ARCHITECTURE §14).
 */
export class SecurityAlerts {
  private readonly alarm: BadSignatureAlarm;

  constructor(private readonly options: SecurityAlertsOptions) {
    this.alarm = new BadSignatureAlarm({
      ...options.badSignatures,
      monotonic: options.monotonic,
    });
  }

  /** pairingLocked tells of five failed pair calls that revoked every open code. */
  async pairingLocked(): Promise<void> {
    this.options.alerts.event('pairing-locked', {});
    await this.options.audit.record(
      'pairing-locked',
      'Five pairing attempts failed: every open code was revoked.',
    );
  }

  /**
   * signatureRefused counts one request refused by verification (or by the flood limit before
   * it); a burst raises one alert and one audit entry, then nothing for the quiet time.
   */
  signatureRefused(code: ErrorCode): void {
    if (!this.alarm.note(code)) return;
    const { count } = this.options.badSignatures;
    this.options.alerts.event('bad-signatures', { value: count });
    void this.options.audit.record(
      'bad-signatures',
      `More than ${count} requests with bad or unknown signatures came in a short time; all were refused.`,
    );
  }
}

// The new code as a link for the other device: a QR code its camera opens, and Share or Copy.
import { useEffect, useState } from 'preact/hooks';
import type { PairingCodeResponse } from '../../../shared/pairing.ts';
import { pairingLink } from '../../../shared/pairing-link.ts';
import { QrCode } from '../ui/QrCode.tsx';

/** linkFor is the agent's link for the code, or one on this app's own address (older agents). */
export const linkFor = (code: PairingCodeResponse): string =>
  code.link ?? pairingLink(location.origin, code.code);

/** PairingLink shows the QR code of a pairing link and a way to send the link itself. */
export function PairingLink(props: { code: PairingCodeResponse }) {
  const link = linkFor(props.code);
  return (
    <div class="pairing-link">
      <QrCode class="qr" text={link} label="QR code to pair a device" />
      <p class="hint">
        Point the other phone’s camera at the code, or send it the link: it opens this app with the
        code filled in. Whoever has the link can pair with it, so send it only to that device.
      </p>
      <SendLink link={link} />
      <p class="hint pair-url">
        <code data-testid="pairing-url">{link}</code>
      </p>
    </div>
  );
}

type Sent = 'idle' | 'copied' | 'failed';

/** SendLink shares the link where the system can (phones), and copies it everywhere else. */
function SendLink(props: { link: string }) {
  const [sent, setSent] = useState<Sent>('idle');
  // "Copied" is said for a moment, then the button is ready again.
  useEffect(() => {
    if (sent !== 'copied') return;
    const timer = setTimeout(() => setSent('idle'), 2500);
    return () => clearTimeout(timer);
  }, [sent]);

  if (typeof navigator.share === 'function') {
    const share = () =>
      navigator.share({ title: 'Pair with immich-pi', url: props.link }).catch(() => {
        // Closing the share sheet rejects too; the link stays on screen either way.
      });
    return (
      <button type="button" class="primary" onClick={share}>
        Share link
      </button>
    );
  }
  // No clipboard at all (an insecure origin) fails like a refused copy.
  const copy = () =>
    Promise.resolve()
      .then(() => navigator.clipboard.writeText(props.link))
      .then(
        () => setSent('copied'),
        () => setSent('failed'),
      );
  return (
    <p class="actions">
      <button type="button" onClick={copy}>
        {sent === 'copied' ? 'Copied' : 'Copy link'}
      </button>
      <span role="status" class="hint">
        {sent === 'copied' && 'The link is on the clipboard.'}
        {sent === 'failed' && 'This browser did not allow copying: select the link below.'}
      </span>
    </p>
  );
}

// The Immich tile's and the guard settings' calls (ARCHITECTURE §16): signed and validated like
// every other call, and loaded with those parts (api/index.ts imports this file on first use).
import { ROUTES } from '../../../shared/api.ts';
import {
  GuardSettingsRequest,
  ImmichJobsRequest,
  ImmichResponse,
  type ImmichStatus,
} from '../../../shared/immich.ts';
import { checked } from './errors.ts';
import type { Signed } from './signed.ts';

/** immichCalls builds the manual pause and resume and the guard's settings on the signed request. */
export function immichCalls(from: { signed: Signed }) {
  const { signed } = from;
  return {
    /** immichJobs pauses or resumes Immich's heavy queues by hand; it answers Immich after it. */
    immichJobs: async (action: ImmichJobsRequest['action']): Promise<ImmichStatus> =>
      (
        await signed(
          'POST',
          ROUTES.immichJobs,
          ImmichResponse,
          '',
          checked(ImmichJobsRequest, { action }),
        )
      ).immich,
    /**
     * saveGuard stores the guard's settings on the Pi (the app's from then on, audited), or
     * `{ reset: true }` goes back to the agent config's. It answers Immich and the guard after it.
     */
    saveGuard: async (request: GuardSettingsRequest): Promise<ImmichStatus> =>
      (
        await signed(
          'PUT',
          ROUTES.immichGuard,
          ImmichResponse,
          '',
          checked(GuardSettingsRequest, request),
        )
      ).immich,
  };
}

/** ImmichCalls is what `api.immichCalls()` answers. */
export type ImmichCalls = ReturnType<typeof immichCalls>;

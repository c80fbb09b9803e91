// Paired devices on the wire (docs/api.md).
import * as v from 'valibot';
import { DeviceName, KeyId } from './api.ts';
import { Role } from './roles.ts';

export const Device = v.object({
  id: KeyId,
  name: v.string(),
  pairedAt: v.number(),
  lastSeenAt: v.nullable(v.number()),
  /** What it may do (ARCHITECTURE §14); an older agent's devices were all admins. */
  role: v.optional(Role, 'admin'),
  /** True for the device that made the request. */
  current: v.boolean(),
});
export type Device = v.InferOutput<typeof Device>;

export const DevicesResponse = v.object({ devices: v.array(Device) });
export type DevicesResponse = v.InferOutput<typeof DevicesResponse>;

/**
 * UpdateDeviceRequest renames a device or changes its role (admins only), or both. A viewer may
 * rename only itself; the last admin cannot become a viewer (409 `last-admin`).
 */
export const UpdateDeviceRequest = v.pipe(
  v.strictObject({ name: v.optional(DeviceName), role: v.optional(Role) }),
  v.check((body) => body.name !== undefined || body.role !== undefined, 'needs name or role'),
);
export type UpdateDeviceRequest = v.InferOutput<typeof UpdateDeviceRequest>;

export const DeviceResponse = v.object({ device: Device });
export type DeviceResponse = v.InferOutput<typeof DeviceResponse>;

export const RevokeResponse = v.object({ revoked: KeyId });
export type RevokeResponse = v.InferOutput<typeof RevokeResponse>;

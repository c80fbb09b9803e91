// Paired devices on the wire (docs/api.md).
import * as v from 'valibot';
import { DeviceName, KeyId } from './api.ts';

export const Device = v.object({
  id: KeyId,
  name: v.string(),
  pairedAt: v.number(),
  lastSeenAt: v.nullable(v.number()),
  /** True for the device that made the request. */
  current: v.boolean(),
});
export type Device = v.InferOutput<typeof Device>;

export const DevicesResponse = v.object({ devices: v.array(Device) });
export type DevicesResponse = v.InferOutput<typeof DevicesResponse>;

export const RenameDeviceRequest = v.strictObject({ name: DeviceName });
export type RenameDeviceRequest = v.InferOutput<typeof RenameDeviceRequest>;

export const DeviceResponse = v.object({ device: Device });
export type DeviceResponse = v.InferOutput<typeof DeviceResponse>;

export const RevokeResponse = v.object({ revoked: KeyId });
export type RevokeResponse = v.InferOutput<typeof RevokeResponse>;

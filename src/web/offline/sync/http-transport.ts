import type { PullResponse, PushResponse } from '#schemas/sync/protocol';
import { api } from '../../lib/api';
import type { Transport } from './engine';

/** The sync engine's transport over the app's API client (session cookie, same origin). */
export const httpTransport: Transport = {
  push: (body) => api.post<PushResponse>('/api/sync/push', body),
  pull: (cursor, limit, deviceId) =>
    api.get<PullResponse>(`/api/sync/pull?cursor=${cursor}&limit=${limit}&deviceId=${deviceId}`),
};

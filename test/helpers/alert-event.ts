/** One alert event and a fast delivery setting for handler tests (test/alerting/<kind>.test.ts). */
import { AlertEvent } from '../../alerting/event.ts';
import type { DeliveryOptions } from '../../alerting/delivery.ts';

export const T = 1478629267_500000000n; // 2016-11-08T18:21:07.5Z
export const ROW = '{"name":"cpu","tags":{"host":"a"},"columns":["time","value"],"values":[["2016-11-08T18:21:07.5Z",95]]}';
export const FAST: DeliveryOptions = { bufferLength: 1000, retries: 2, backoffMs: 5, maxBackoffMs: 20, durableLength: 100 };

export function alertEvent(o: { id?: string; level?: 0 | 1 | 2 | 3; message?: string; details?: string; tags?: Record<string, string> } = {}): AlertEvent {
  return new AlertEvent('ops',
    { id: o.id ?? 'cpu:host=a', message: o.message ?? 'cpu:host=a is CRITICAL', details: o.details ?? '<b>d</b>', time: T, duration: 60_000_000_000n, level: o.level ?? 3 },
    { name: 'cpu', taskName: 'cpu_alert', category: '', group: 'host=a', tags: o.tags ?? { host: 'a' }, fields: { value: 95 }, recoverable: true, rowJson: ROW },
    2);
}

/** alert.Data of alertEvent() as json.Encoder writes it (SPEC 3.15), derived by hand */
export const ALERT_DATA = '{"id":"cpu:host=a","message":"cpu:host=a is CRITICAL","details":"\\u003cb\\u003ed\\u003c/b\\u003e","time":"2016-11-08T18:21:07.5Z",' +
  `"duration":60000000000,"level":"CRITICAL","data":{"series":[${ROW}]},"previousLevel":"WARNING","recoverable":true}\n`;

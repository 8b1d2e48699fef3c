import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCalendar } from '../../domain/calendar';
import { DEFAULT_POLICY } from '../../domain/policy';
import { apiClient } from '../support/http';
import { startStack, type TestStack } from '../support/stack';
import { BOTH_SUPPORT_HOURS, supportHours } from '../support/support-hours';

/**
 * GET /api/v1/sla/status under support hours the test chooses, both states asserted whatever the hour it runs at
 * (the suite over the seed's calendar can only accept whichever state the wall clock is in).
 */

describe.each(BOTH_SUPPORT_HOURS)('support status with support %s', (mode) => {
  const hours = supportHours(mode);
  const cal = createCalendar(hours.calendar);
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ sla: { calendar: hours.calendar, policy: DEFAULT_POLICY } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('says whether support is open and when that changes, to the minute with the zone named', async () => {
    const res = await apiClient(stack.baseUrl, stack.adminKey).get('/api/v1/sla/status?zone=Asia/Kolkata');
    expect(res.status).toBe(200);
    expect(res.body.open).toBe(mode === 'open');
    expect(res.body.now.local).toMatch(/^\w{3} \d{4}-\d{2}-\d{2} \d{2}:\d{2} EST$/);
    expect(res.body.now.callerLocal).toMatch(/^\w{3} \d{4}-\d{2}-\d{2} \d{2}:\d{2} IST$/);
    if (mode === 'open') {
      // Open around the clock: there is no closing to announce.
      expect(res.body).not.toHaveProperty('closesAt');
      expect(res.body).not.toHaveProperty('opensAt');
    } else {
      const opens = cal.nextOpen(new Date());
      expect(res.body.opensAt).toEqual({
        at: opens.toISOString(),
        local: cal.formatLocal(opens),
        callerLocal: createCalendar({ ...hours.calendar, timezone: 'Asia/Kolkata' }).formatLocal(opens),
      });
      expect(res.body.opensAt.local).toMatch(/ 00:00 EST$/);
    }
  });
});

import {
  dailyOverlapsWeekly,
  isBurstable,
  isPerformanceInsightsRetention,
  parseDailyWindow,
  parseWeeklyWindow,
} from "../../../components/data/rules";

describe("maintenance and backup windows", () => {
  test.each<[string, { start: number; length: number } | undefined]>([
    ["03:00-04:00", { start: 180, length: 60 }],
    ["23:30-00:30", { start: 1410, length: 60 }],
    ["3:00-4:00", undefined],
    ["24:00-01:00", undefined],
    ["03:00 - 04:00", undefined],
  ])("daily %s", (text, expected) => {
    const parsed = parseDailyWindow(text);
    expect(parsed === undefined ? undefined : { start: parsed.start, length: parsed.length }).toEqual(
      expected,
    );
  });

  test.each<[string, { start: number; length: number } | undefined]>([
    ["mon:00:00-mon:01:00", { start: 0, length: 60 }],
    ["sun:23:30-mon:00:30", { start: 6 * 1440 + 1410, length: 60 }],
    ["Sun:04:00-Sun:05:00", undefined],
    ["sun:04:00-05:00", undefined],
  ])("weekly %s", (text, expected) => {
    const parsed = parseWeeklyWindow(text);
    expect(parsed === undefined ? undefined : { start: parsed.start, length: parsed.length }).toEqual(
      expected,
    );
  });

  test.each<[string, string, boolean]>([
    ["03:00-04:00", "sun:04:00-sun:05:00", false],
    ["03:00-04:00", "sun:02:00-sun:03:00", false],
    ["03:00-04:00", "sun:03:59-sun:04:30", true],
    ["03:00-04:00", "sat:22:00-sun:03:01", true],
    ["23:30-00:30", "mon:00:00-mon:01:00", true],
    ["23:30-00:30", "sun:23:00-sun:23:30", false],
    ["23:30-00:30", "sun:23:45-mon:00:15", true],
  ])("daily %s and weekly %s overlap: %s", (daily, weekly, expected) => {
    expect(dailyOverlapsWeekly(parseDailyWindow(daily)!, parseWeeklyWindow(weekly)!)).toBe(expected);
  });
});

test.each([
  [7, true],
  [31, true],
  [713, true],
  [731, true],
  [8, false],
  [744, false],
  [0, false],
])("Performance Insights retention %d accepted: %s", (days, ok) => {
  expect(isPerformanceInsightsRetention(days)).toBe(ok);
});

test.each([
  ["db.t4g.medium", true],
  ["cache.t4g.small", true],
  ["db.r6g.xlarge", false],
  ["cache.m7g.large", false],
])("%s is burstable: %s", (type, burstable) => {
  expect(isBurstable(type)).toBe(burstable);
});

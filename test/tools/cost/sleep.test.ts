import { awakeBetween, parseDaily } from "../../../tools/cost/sleep";

test.each<[string, ReturnType<typeof parseDaily>]>([
  ["0 20 * * 1,2,3,4,5", { minutes: 1200, days: [1, 2, 3, 4, 5] }],
  ["30 6 * * 1-5", { minutes: 390, days: [1, 2, 3, 4, 5] }],
  ["15 9 * * 0,6", { minutes: 555, days: [0, 6] }],
  ["cron(0 20 ? * MON-FRI *)", { minutes: 1200, days: [1, 2, 3, 4, 5] }],
  ["cron(30 6 ? * SAT,SUN *)", { minutes: 390, days: [0, 6] }],
  ["0 20 * * *", undefined],
  ["0 25 * * 1", undefined],
  ["cron(0 20 * * ? *)", undefined],
  ["rate(1 hour)", undefined],
])("parseDaily(%s)", (expression, expected) => {
  expect(parseDaily(expression)).toEqual(expected);
});

test("awake time between a wake and a later sleep on the same days", () => {
  expect(awakeBetween(parseDaily("0 7 * * 1-5")!, parseDaily("0 20 * * 1-5")!, "UTC")).toEqual({
    fraction: 65 / 168,
    description: "65 h a week: MON,TUE,WED,THU,FRI 07:00-20:00 UTC",
  });
  expect(awakeBetween(parseDaily("0 7 * * 1-5")!, parseDaily("0 20 * * 1-4")!, "UTC")).toBeUndefined();
  expect(awakeBetween(parseDaily("0 20 * * 1-5")!, parseDaily("0 7 * * 1-5")!, "UTC")).toBeUndefined();
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { timezoneCookie } from "../../static/js/timezone.js";

test("the tz cookie is set once per zone", () => {
  assert.equal(timezoneCookie("", "Europe/Moscow"), "tz=Europe%2FMoscow; path=/; max-age=31536000; samesite=lax");
  assert.equal(timezoneCookie("a=1; tz=Europe%2FMoscow", "Europe/Moscow"), null);
  assert.match(timezoneCookie("tz=UTC", "Asia/Tokyo"), /^tz=Asia%2FTokyo;/);
  assert.equal(timezoneCookie("", ""), null);
  assert.equal(timezoneCookie("", undefined), null);
});

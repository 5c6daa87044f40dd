import assert from "node:assert/strict";
import { test } from "node:test";
import { pingDue } from "../../static/js/typing.js";

test("typing pings at most every 3 s, and not for blank text", () => {
  assert.equal(pingDue("hi", 0, 3000), true);
  assert.equal(pingDue("hi", 1000, 3999), false);
  assert.equal(pingDue("   ", 0, 10000), false);
});

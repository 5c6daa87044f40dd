import assert from "node:assert/strict";
import { test } from "node:test";
import { nearBottom } from "../../static/js/scroll.js";

test("near the bottom means within 80 px", () => {
  assert.equal(nearBottom({ scrollHeight: 1000, scrollTop: 600, clientHeight: 321 }), true);
  assert.equal(nearBottom({ scrollHeight: 1000, scrollTop: 600, clientHeight: 320 }), false);
});

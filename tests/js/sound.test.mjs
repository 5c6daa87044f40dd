import assert from "node:assert/strict";
import { test } from "node:test";
import { shouldRing, unreadTotal } from "../../static/js/sound.js";

test("the unread total is the list rows' counts where the list is shown, else the badge", () => {
  assert.equal(unreadTotal([2, 0, 1], 1), 3);
  assert.equal(unreadTotal([], 4), 4);
});

test("it rings only when the total went up, and not twice within two seconds", () => {
  assert.equal(shouldRing(1, 2, 5000), true);
  assert.equal(shouldRing(2, 2, 5000), false);
  assert.equal(shouldRing(3, 1, 5000), false);
  assert.equal(shouldRing(1, 2, 500), false);
});

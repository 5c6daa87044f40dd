import assert from "node:assert/strict";
import { test } from "node:test";
import { countStep } from "../../static/js/characters-left.js";

test("the count shows from 400 left and steps at 400, 100 and 0", () => {
  assert.equal(countStep(401), null);
  assert.equal(countStep(400), 400);
  assert.equal(countStep(101), 400);
  assert.equal(countStep(100), 100);
  assert.equal(countStep(1), 100);
  assert.equal(countStep(0), 0);
  assert.equal(countStep(-3), 0);
});

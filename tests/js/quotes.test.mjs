import assert from "node:assert/strict";
import { test } from "node:test";
import { plainClick } from "../../static/js/quotes.js";

test("a modified click on a quote is left to the browser", () => {
  assert.equal(plainClick({ ctrlKey: false, metaKey: false, shiftKey: false }), true);
  assert.equal(plainClick({ ctrlKey: true, metaKey: false, shiftKey: false }), false);
  assert.equal(plainClick({ ctrlKey: false, metaKey: true, shiftKey: false }), false);
  assert.equal(plainClick({ ctrlKey: false, metaKey: false, shiftKey: true }), false);
});

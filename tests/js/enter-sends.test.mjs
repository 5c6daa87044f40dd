import assert from "node:assert/strict";
import { test } from "node:test";
import { asksToSend } from "../../static/js/enter-sends.js";

test("Enter sends; Shift+Enter, IME composition and other keys do not", () => {
  assert.equal(asksToSend({ key: "Enter", shiftKey: false, isComposing: false }), true);
  assert.equal(asksToSend({ key: "Enter", shiftKey: true, isComposing: false }), false);
  assert.equal(asksToSend({ key: "Enter", shiftKey: false, isComposing: true }), false);
  assert.equal(asksToSend({ key: "a", shiftKey: false, isComposing: false }), false);
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { editWindowOver } from "../../static/js/message-menu.js";

test("the edit window is over at its end", () => {
  const end = "2026-01-01T12:00:00Z";
  assert.equal(editWindowOver(end, Date.parse(end) - 1), false);
  assert.equal(editWindowOver(end, Date.parse(end)), true);
});

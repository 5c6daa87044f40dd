import assert from "node:assert/strict";
import { test } from "node:test";
import { selectorFor, stillFresh } from "../../static/js/focus.js";

test("the focused element is found again by id, else by tag and link target, else not at all", () => {
  const escape = (text) => text.replace(/"/g, '\\"');
  assert.equal(selectorFor("A", "row-1", "/c/1/", escape), "#row-1");
  assert.equal(selectorFor("A", "", "/c/1/", escape), 'a[href="/c/1/"]');
  assert.equal(selectorFor("A", "", '/c/"1"/', escape), 'a[href="/c/\\"1\\"/"]');
  assert.equal(selectorFor("BUTTON", "", null, escape), null);
});

test("a message's focus is given back within a second only", () => {
  assert.equal(stillFresh(1000, 2000), true);
  assert.equal(stillFresh(1000, 2001), false);
});

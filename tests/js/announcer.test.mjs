import assert from "node:assert/strict";
import { test } from "node:test";
import { announcement } from "../../static/js/announcer.js";

test("an announcement is 'Name: text' with white space collapsed; no name for system notes", () => {
  assert.equal(announcement("Sam", "  Is it\n still   there? "), "Sam: Is it still there?");
  assert.equal(announcement("", "Offer accepted"), "Offer accepted");
});

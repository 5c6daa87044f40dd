import assert from "node:assert/strict";
import { test } from "node:test";
import { titleWithUnread } from "../../static/js/tab-title.js";

test("the tab title carries the unread count, capped at 99+, and replaces an earlier one", () => {
  assert.equal(titleWithUnread("Chats · Marketplace", 2), "(2) Chats · Marketplace");
  assert.equal(titleWithUnread("(2) Chats · Marketplace", 0), "Chats · Marketplace");
  assert.equal(titleWithUnread("(99+) Chats · Marketplace", 7), "(7) Chats · Marketplace");
  assert.equal(titleWithUnread("Chats", 100), "(99+) Chats");
  assert.equal(titleWithUnread("(2023) in the title", 0), "in the title");
});

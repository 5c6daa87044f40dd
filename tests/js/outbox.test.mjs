import assert from "node:assert/strict";
import { test } from "node:test";
import * as store from "../../static/js/outbox-store.js";
import { stateText } from "../../static/js/outbox-bubbles.js";
import { bannerText } from "../../static/js/connection.js";

// A Storage as the browser has it (getItem/setItem/removeItem), optionally refusing writes (quota).
function memoryStorage(refuse = false) {
  const items = new Map();
  return {
    getItem: (name) => (items.has(name) ? items.get(name) : null),
    setItem: (name, value) => { if (refuse) throw new Error("QuotaExceededError"); items.set(name, String(value)); },
    removeItem: (name) => items.delete(name),
    items,
  };
}

test("outbox keys: 21 characters the server accepts (marketplace.idempotency.KEY_RE), from the random bytes", () => {
  const key = store.newKey((bytes) => bytes.map((_, i) => i * 13));
  assert.match(key, /^[A-Za-z0-9_-]{21}$/);
  assert.equal(key, store.newKey((bytes) => bytes.map((_, i) => i * 13)));
  assert.notEqual(key, store.newKey((bytes) => bytes.map((_, i) => i * 7)));
  assert.equal(store.newKey((bytes) => bytes.fill(255)), "-".repeat(21));
});

test("outbox storage: one list per user and conversation; oldest first; garbage reads as empty", () => {
  const storage = memoryStorage();
  const mine = store.storageName(7, "/chat/abc/send/");
  assert.notEqual(mine, store.storageName(8, "/chat/abc/send/"));
  let list = store.added([], store.newEntry("one", "", "k1111111111111111"));
  list = store.added(list, store.newEntry("two", "12", "k2222222222222222"));
  list = store.added(list, store.newEntry("one again", "", "k1111111111111111"));  // the same Send twice
  assert.equal(store.writeEntries(storage, mine, list), true);
  assert.deepEqual(store.readEntries(storage, mine).map((e) => e.body), ["one", "two"]);
  assert.equal(store.readEntries(storage, mine)[1].replyTo, "12");
  assert.equal(store.writeEntries(storage, mine, []), true);
  assert.equal(storage.items.size, 0);  // nothing left behind
  storage.setItem(mine, "{not json");
  assert.deepEqual(store.readEntries(storage, mine), []);
  storage.setItem(mine, JSON.stringify([{ key: "x" }, 3, { key: "k3", body: "ok" }]));
  assert.deepEqual(store.readEntries(storage, mine).map((e) => e.body), ["ok"]);
  assert.equal(store.writeEntries(memoryStorage(true), mine, list), false);
});

test("outbox order: the next to send is the oldest not refused; a refusal keeps the text", () => {
  let list = ["a", "b", "c"].map((body, i) => store.newEntry(body, "", "key" + i));
  assert.equal(store.nextToSend(list).body, "a");
  list = store.failed(list, "key0", "You can't reply to this conversation.");
  assert.equal(list[0].body, "a");
  assert.equal(list[0].error, "You can't reply to this conversation.");
  assert.equal(store.nextToSend(list).body, "b");
  list = store.removed(list, "key1");
  assert.equal(store.nextToSend(list).body, "c");
  assert.equal(store.nextToSend(store.removed(list, "key2")), null);
});

test("outbox answers: stored, refused in place, or tried again under the same key", () => {
  assert.equal(store.answerKind(200, false), "sent");
  assert.equal(store.answerKind(200, true), "refused");  // the composer re-rendered with the reason
  assert.equal(store.answerKind(403, false), "refused");
  assert.equal(store.answerKind(404, false), "refused");
  assert.equal(store.answerKind(0, false), "retry");
  assert.equal(store.answerKind(502, false), "retry");
  assert.deepEqual([0, 1, 2, 5, 10].map(store.retryDelay), [2000, 4000, 8000, 60000, 60000]);
});

test("outbox words: each state says something, the banner only while offline", () => {
  assert.equal(stateText("sending"), "Sending…");
  assert.equal(stateText("waiting"), "Will send when online");
  assert.match(stateText("retrying"), /trying again/);
  assert.equal(bannerText(true), "");
  assert.match(bannerText(false), /offline/);
});

// The outbox's list of messages waiting to be sent, kept in localStorage so it survives a reload (and a
// reload while offline). One list per user and conversation; each entry keeps its own idempotency key
// from the moment Send was pressed, so sending it again (a retry, another tab, a reload mid-send) finds
// the message the first attempt stored instead of adding a second one. Pure functions, no DOM.

// The key alphabet and length of marketplace.idempotency.new_key (nanoid: 21 of [A-Za-z0-9_-]).
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
const KEY_LENGTH = 21;
const RETRY_FIRST_MS = 2000;
const RETRY_MAX_MS = 60000;

// A fresh idempotency key; fill(bytes) puts random bytes into a Uint8Array (crypto.getRandomValues).
export function newKey(fill) {
  const bytes = fill(new Uint8Array(KEY_LENGTH));
  let key = "";
  for (let i = 0; i < KEY_LENGTH; i++) key += ALPHABET[bytes[i] & 63];
  return key;
}

// The storage name of user's outbox for the conversation whose send URL is url.
export function storageName(user, url) { return "chat-outbox:" + user + ":" + url; }

function isEntry(entry) {
  return entry !== null && typeof entry === "object" && typeof entry.key === "string" && typeof entry.body === "string";
}

// The entries stored under name in storage (a Storage), oldest first; [] for none or unreadable data.
export function readEntries(storage, name) {
  let entries;
  try { entries = JSON.parse(storage.getItem(name) || "[]"); } catch (error) { return []; }
  return Array.isArray(entries) ? entries.filter(isEntry) : [];
}

// Store entries under name (nothing stored for none). False when the storage refused (full, disabled).
export function writeEntries(storage, name, entries) {
  try {
    if (entries.length) storage.setItem(name, JSON.stringify(entries));
    else storage.removeItem(name);
    return true;
  } catch (error) {
    return false;
  }
}

// A new entry: the text, the message it replies to ("" for none) and its key.
export function newEntry(body, replyTo, key) { return { key: key, body: body, replyTo: replyTo || "", error: "" }; }

// Entries with entry added last, unless its key is there already (the same Send twice).
export function added(entries, entry) {
  return entries.some(function (e) { return e.key === entry.key; }) ? entries : entries.concat([entry]);
}

// Entries without the one whose key is key.
export function removed(entries, key) { return entries.filter(function (e) { return e.key !== key; }); }

// Entries with the one whose key is key given the error text (a refusal, shown in place).
export function failed(entries, key, error) {
  return entries.map(function (e) { return e.key === key ? Object.assign({}, e, { error: error }) : e; });
}

// The next entry to send: the oldest one not refused; null when there is none.
export function nextToSend(entries) {
  for (const entry of entries) if (!entry.error) return entry;
  return null;
}

// How long to wait (ms) before the attempt after attempt failed ones: 2 s, doubling, at most 60 s.
export function retryDelay(attempt) { return Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * Math.pow(2, attempt)); }

// What to do with an answer to a send: "sent" (stored: 2xx, also a repeat), "refused" (the server
// re-rendered the composer with the reason: retargeted; or a 4xx), "retry" (no answer, or 5xx: the key
// makes a retry safe).
export function answerKind(status, retargeted) {
  if (status === 0 || status >= 500) return "retry";
  if (retargeted || status >= 400) return "refused";
  return "sent";
}

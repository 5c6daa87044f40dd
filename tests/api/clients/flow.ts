// The main flow a mobile app runs, through openapi-fetch typed by openapi-typescript from the served schema
// (tests/api/test_generated_clients.py generates schema.d.ts beside this file, runs `tsc --noEmit`, builds
// and runs it with node). Only the typed client talks to the server. Each call is checked for its status,
// its answer is checked by tsc against the named schema component, and the calls are printed as JSON on the
// last line of output for the test to show.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";
import { assert, baseUrl, calls, check, env, key, logIn, none, ok } from "./flow_lib.js";

type Schemas = components["schemas"];

const { client: me } = await logIn(env("BUYER"), "TypeScript client");
const { client: them } = await logIn(env("SELLER"), "TypeScript client");
const adTitle = env("AD_TITLE");

const page = ok("GET /ads/", await me.GET("/api/v1/ads/", { params: { query: { q: adTitle } } }), 200, "AdPage");
const ad = page.results.find((row) => row.title === adTitle);
assert(ad, "the ad is listed");
const adPath = { path: { public_id: ad.public_id } };
ok("GET /ads/{id}/", await me.GET("/api/v1/ads/{public_id}/", { params: adPath }), 200, "Ad");

// The list's filters, a favourite (idempotent PUT/DELETE) and a saved search with its alerts.
const cheap = ok("GET /ads/?filters", await me.GET("/api/v1/ads/", { params: { query: { q: adTitle, price_max: 10000, sort: "price_asc" } } }), 200, "AdPage");
assert(cheap.results.length === 1 && cheap.next_cursor === null, "the filtered search finds the ad");
ok("PUT /favourites/{id}/", await me.PUT("/api/v1/favourites/{public_id}/", { params: adPath }), 200, "Favourite");
const favourites = ok("GET /favourites/", await me.GET("/api/v1/favourites/"), 200, "AdPage");
assert(favourites.results[0]?.is_favourite === true, "the favourite is listed");
none("DELETE /favourites/{id}/", await me.DELETE("/api/v1/favourites/{public_id}/", { params: adPath }), 204);
const savedSearch = ok("POST /saved-searches/", await me.POST("/api/v1/saved-searches/", { body: { query: "q=desk", channel: "daily" } }), 201, "SavedSearch");
assert(savedSearch.channel === "daily", "the saved search keeps its channel");
none("DELETE /saved-searches/{id}/", await me.DELETE("/api/v1/saved-searches/{public_id}/", { params: { path: { public_id: savedSearch.public_id } } }), 204);

// Write to seller, then the conversation from both sides.
// Its success answers are Started (201, a repeat 200) or 202 "held for review" in the Error shape.
const start = await me.POST("/api/v1/ads/{public_id}/conversations/", {
  params: { ...adPath, header: { "Idempotency-Key": key() } },
  body: { body: "Is it still available?" },
});
check("POST /ads/{id}/conversations/", start, 201, "Started");
const started: Schemas["Started"] | undefined = start.data && "conversation" in start.data ? start.data : undefined;
assert(started, "a conversation started");
const id = { path: { public_id: started.conversation.public_id } };
const mine = ok("GET /conversations/", await me.GET("/api/v1/conversations/", {}), 200, "ConversationPage");
assert(mine.results.length === 1 && mine.results[0]?.public_id === id.path.public_id, "one conversation");
const theirs = ok("GET /conversations/", await them.GET("/api/v1/conversations/", {}), 200, "ConversationPage");
assert(theirs.results[0]?.unread_count === 1, "the seller has one unread");

async function send(client: typeof me, body: string, idempotencyKey = key(), status = 201, replyTo?: number) {
  const answer = await client.POST("/api/v1/conversations/{public_id}/messages/send/", {
    params: { ...id, header: { "Idempotency-Key": idempotencyKey } },
    body: { body, reply_to: replyTo },
  });
  return ok("POST /conversations/{id}/messages/send/", answer, status, "Message");
}

// Exactly once: the same Idempotency-Key answers 200 with the first message.
const sendKey = key();
const sent = await send(me, "Can I pick it up on Saturday?", sendKey);
const again = await send(me, "Can I pick it up on Saturday?", sendKey, 200);
assert(again.id === sent.id, "a repeat answers the first message");
for (const n of [0, 1, 2]) await send(them, `Answer ${n}`);

// Pages both ways (the test sets 3 messages a page).
const messages = (query: { before?: number; after?: number }) =>
  me.GET("/api/v1/conversations/{public_id}/messages/", { params: { ...id, query } });
const latest = ok("GET /conversations/{id}/messages/", await messages({}), 200, "MessagePage");
const first = latest.results[0];
assert(first, "a page of messages");
const older = ok("GET /conversations/{id}/messages/", await messages({ before: first.id }), 200, "MessagePage");
const oldest = older.results[older.results.length - 1];
assert(oldest && oldest.id < first.id, "an older page");
const newer = ok("GET /conversations/{id}/messages/", await messages({ after: oldest.id }), 200, "MessagePage");
assert(newer.results[0]?.id === first.id, "the newer page starts where the older ended");

// Poll changes: the ETag back in If-None-Match is 304 until the other side sends.
const newest = latest.results[latest.results.length - 1]?.id ?? 0;
const changes = (etag?: string) =>
  me.GET("/api/v1/conversations/{public_id}/changes/", {
    params: { ...id, query: { after: newest }, header: etag ? { "If-None-Match": etag } : {} },
  });
const polled = await changes();
ok("GET /conversations/{id}/changes/", polled, 200, "Changes");
const etag = polled.response.headers.get("ETag");
assert(etag, "an ETag");
none("GET /conversations/{id}/changes/", await changes(etag), 304);
await send(them, "Saturday works.");
const changed = ok("GET /conversations/{id}/changes/", await changes(etag), 200, "Changes");
assert(changed.messages.map((m) => m.body).join() === "Saturday works.", "the new message");
// Reading is not marking read: the poll sent no read receipt; the app says when the user saw them.
assert(changed.conversation.unread_count >= 1, "a poll leaves the message unread");
// The next poll resumes from the change seq the answer covers (a cut list covers less than the conversation's).
assert(changed.change_seq <= changed.conversation.change_seq && !changed.has_more, "the change seq covered");
const read = ok("POST /conversations/{id}/read/", await me.POST("/api/v1/conversations/{public_id}/read/", { params: id }), 200, "ConversationDetail");
assert(read.unread_count === 0, "read/ marks it read");
ok("GET /changes/", await them.GET("/api/v1/changes/", {}), 200, "ListChanges");
ok("GET /unread/", await me.GET("/api/v1/unread/", {}), 200, "Unread");

// Offer → counter → accept → reserve.
const offer = async (client: typeof me, amount: string) =>
  ok(
    "POST /conversations/{id}/offers/",
    await client.POST("/api/v1/conversations/{public_id}/offers/", {
      params: { ...id, header: { "Idempotency-Key": key() } },
      body: { amount },
    }),
    201,
    "OfferAction",
  ).offer;
const proposed = await offer(me, "400");
const counter = await offer(them, "450");
assert(counter.counter_to === proposed.id, "a counter-offer");
const act = async (client: typeof me, action: "accept" | "reserve" | "sell") =>
  ok(
    `POST /conversations/{id}/offers/{oid}/${action}/`,
    await client.POST("/api/v1/conversations/{public_id}/offers/{offer_id}/{action}/", {
      params: { path: { ...id.path, offer_id: counter.id, action } },
    }),
    200,
    "OfferAction",
  ).offer;
assert((await act(me, "accept")).status === "accepted", "accepted");
await act(them, "reserve");
// Release the reservation (the ad is on sale again; the accepted offer can still be sold below).
const released = ok(
  "POST /ads/{id}/reactivate/",
  await them.POST("/api/v1/ads/{public_id}/reactivate/", { params: adPath }),
  200,
  "Ad",
);
assert(released.status === "active", "released");

// Edit, react, reply, delete.
const messagePath = { path: { ...id.path, message_id: sent.id } };
const edited = ok(
  "PATCH /conversations/{id}/messages/{mid}/",
  await me.PATCH("/api/v1/conversations/{public_id}/messages/{message_id}/", {
    params: messagePath,
    body: { body: "Can I pick it up on Sunday?" },
  }),
  200,
  "Message",
);
assert(edited.edited_at, "edited");
const reacted = ok(
  "PUT /conversations/{id}/messages/{mid}/reaction/",
  await them.PUT("/api/v1/conversations/{public_id}/messages/{message_id}/reaction/", {
    params: messagePath,
    body: { emoji: "👍" },
  }),
  200,
  "Message",
);
assert(reacted.reactions[0]?.emoji === "👍", "reacted");
const reply = await send(them, "Sunday is fine too.", key(), 201, sent.id);
assert(reply.reply_to?.id === sent.id, "a reply");
const deleted = ok(
  "DELETE /conversations/{id}/messages/{mid}/",
  await them.DELETE("/api/v1/conversations/{public_id}/messages/{message_id}/", {
    params: { path: { ...id.path, message_id: reply.id } },
  }),
  200,
  "Message",
);
assert(deleted.deleted && deleted.body === null, "deleted for everyone");

// A photo up (multipart) and down.
const form = new FormData();
form.append("body", "This one?");
const jpeg = Uint8Array.from(atob(env("PHOTO_BASE64")), (c) => c.charCodeAt(0));
form.append("photos", new Blob([jpeg], { type: "image/jpeg" }), "p.jpg");
const withPhoto = ok(
  "POST /conversations/{id}/messages/send/ (multipart)",
  await me.POST("/api/v1/conversations/{public_id}/messages/send/", {
    params: { ...id, header: { "Idempotency-Key": key() } },
    body: { body: "This one?", photos: [] },
    bodySerializer: () => form,
  }),
  201,
  "Message",
);
const photo = withPhoto.photos[0];
assert(photo, "a photo");
const downloaded = await them.GET("/api/v1/conversations/{public_id}/photos/{photo_id}/{variant}/", {
  params: { path: { ...id.path, photo_id: photo.id, variant: "thumb" } },
  parseAs: "arrayBuffer",
});
check("GET /conversations/{id}/photos/{pid}/thumb/", downloaded, 200, "ArrayBuffer (image/jpeg)");
assert(downloaded.data && new Uint8Array(downloaded.data)[0] === 0xff, "a JPEG");

// Read state.
ok("POST /conversations/{id}/unread/", await them.POST("/api/v1/conversations/{public_id}/unread/", { params: id }), 200, "ConversationDetail");
ok("POST /conversations/{id}/read/", await them.POST("/api/v1/conversations/{public_id}/read/", { params: id }), 200, "ConversationDetail");

// Block and unblock (the blocked list is not in the API yet).
const blocked = ok(
  "POST /conversations/{id}/block/",
  await me.POST("/api/v1/conversations/{public_id}/block/", { params: id }),
  200,
  "ConversationDetail",
);
assert(blocked.blocked_by_me, "blocked");
const blocksAnswer = await me.GET("/api/v1/blocks/", {});
check("GET /blocks/", blocksAnswer, 200, "Block[]");
const blocks: Schemas["Block"][] = blocksAnswer.data ?? [];
assert(blocks.map((b) => b.user.public_id).join() === blocked.other.public_id, "the block is listed");
none(
  "DELETE /blocks/{uid}/",
  await me.DELETE("/api/v1/blocks/{public_id}/", { params: { path: { public_id: blocked.other.public_id } } }),
  204,
);

// Report, sell, review, search.
const report = ok(
  "POST /conversations/{id}/report/",
  await me.POST("/api/v1/conversations/{public_id}/report/", {
    params: { ...id, header: { "Idempotency-Key": key() } },
    body: { reason: "spam", details: "Test report" },
  }),
  201,
  "Report",
);
assert(report.status === "open", "the report is open");
ok(
  "POST /ads/{id}/report/",
  await me.POST("/api/v1/ads/{public_id}/report/", {
    params: { ...adPath, header: { "Idempotency-Key": key() } },
    body: { reason: "other" },
  }),
  201,
  "Report",
);
await act(them, "sell");
const review = ok(
  "POST /conversations/{id}/review/",
  await me.POST("/api/v1/conversations/{public_id}/review/", {
    params: id,
    body: { reliability: 5, friendliness: 4, text: "Smooth pick-up." },
  }),
  201,
  "Review",
);
assert(review.reliability === 5, "reviewed");
const found = ok("GET /search/", await me.GET("/api/v1/search/", { params: { query: { q: "Sunday" } } }), 200, "Search");
assert(found.messages.length > 0, "found");
const anonymous = createClient<paths>({ baseUrl });
const profile = ok(
  "GET /users/{id}/",
  await anonymous.GET("/api/v1/users/{public_id}/", { params: { path: { public_id: blocked.other.public_id } } }),
  200,
  "PublicProfile",
);
assert(profile.user.public_id === blocked.other.public_id && profile.reviews.count === 0, "a public profile");

// Settings.
const current = ok("GET /settings/", await me.GET("/api/v1/settings/", {}), 200, "Settings");
assert(current.share_read_receipts, "read receipts on");
const changedSettings = ok(
  "PATCH /settings/",
  await me.PATCH("/api/v1/settings/", { body: { share_read_receipts: false, language: "ru" } }),
  200,
  "Settings",
);
assert(!changedSettings.share_read_receipts && changedSettings.language === "ru", "settings changed");

// Devices: a second sign-in, listed and revoked; then sign this one out.
const old = await logIn(env("BUYER"), "Old phone");
const devicesAnswer = await me.GET("/api/v1/auth/devices/", {});
check("GET /auth/devices/", devicesAnswer, 200, "Device[]");
const devices: Schemas["Device"][] = devicesAnswer.data ?? [];
assert(devices.some((d) => d.device === "Old phone"), "the old phone is listed");
none(
  "DELETE /auth/devices/{id}/",
  await me.DELETE("/api/v1/auth/devices/{public_id}/", { params: { path: { public_id: old.token.device.public_id } } }),
  204,
);
check("GET /unread/", await old.client.GET("/api/v1/unread/", {}), 401, "Error");
none("POST /auth/logout/", await me.POST("/api/v1/auth/logout/", {}), 204);
check("GET /unread/", await me.GET("/api/v1/unread/", {}), 401, "Error");

console.log(JSON.stringify(calls));

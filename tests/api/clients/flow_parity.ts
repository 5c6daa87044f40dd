// The rest of what an app does, through the same typed openapi-fetch client as flow.ts (run after it by
// tests/api/test_generated_clients.py): sign up and reset a password, place an ad with a photo, edit, sell
// and remove it, typing and presence, the event stream (204: no Pushpin in front of the live server) and
// native push registration. The calls are printed as JSON on the last line of output.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";
import { assert, baseUrl, calls, check, env, key, logIn, none, ok } from "./flow_lib.js";

type Schemas = components["schemas"];

const anonymous = createClient<paths>({ baseUrl });
const password = env("PASSWORD");
none(
  "POST /auth/signup/",
  await anonymous.POST("/api/v1/auth/signup/", {
    body: { email: `new-${key().slice(0, 8)}@example.com`, display_name: "Nia", password },
  }),
  202,
);
none(
  "POST /auth/password/reset/",
  await anonymous.POST("/api/v1/auth/password/reset/", { body: { email: env("BUYER") } }),
  202,
);

const { client: me } = await logIn(env("SELLER"), "TypeScript parity");
const { client: them } = await logIn(env("BUYER"), "TypeScript parity");
const categoriesAnswer = await anonymous.GET("/api/v1/categories/", {});
check("GET /categories/", categoriesAnswer, 200, "Category[]");
const category: Schemas["Category"] | undefined = categoriesAnswer.data?.[0];
assert(category, "a category");

const ad = ok(
  "POST /my/ads/",
  await me.POST("/api/v1/my/ads/", {
    body: { category: category.slug, title: "Pine bookcase", price: "80.00", condition: "good" },
  }),
  201,
  "Ad",
);
const mine = { path: { public_id: ad.public_id } };
const form = new FormData();
const jpeg = Uint8Array.from(atob(env("PHOTO_BASE64")), (c) => c.charCodeAt(0));
form.append("photos", new Blob([jpeg], { type: "image/jpeg" }), "b.jpg");
const withPhoto = ok(
  "POST /my/ads/{id}/photos/ (multipart)",
  await me.POST("/api/v1/my/ads/{public_id}/photos/", { params: mine, body: { photos: [] }, bodySerializer: () => form }),
  200,
  "Ad",
);
assert(withPhoto.photos.length === 1, "one photo");
const edited = ok(
  "PATCH /my/ads/{id}/",
  await me.PATCH("/api/v1/my/ads/{public_id}/", { params: mine, body: { price: "75.00" } }),
  200,
  "Ad",
);
assert(edited.price === "75.00" && edited.title === "Pine bookcase", "edited");

// The buyer writes; both sides' live calls.
const start = await them.POST("/api/v1/ads/{public_id}/conversations/", {
  params: { ...mine, header: { "Idempotency-Key": key() } },
  body: { body: "Is it solid pine?" },
});
check("POST /ads/{id}/conversations/", start, 201, "Started");
const started: Schemas["Started"] | undefined = start.data && "conversation" in start.data ? start.data : undefined;
assert(started, "a conversation started");
const id = { path: { public_id: started.conversation.public_id } };
none("POST /conversations/{id}/typing/", await me.POST("/api/v1/conversations/{public_id}/typing/", { params: id }), 204);
const presence = ok(
  "GET /conversations/{id}/presence/",
  await them.GET("/api/v1/conversations/{public_id}/presence/", { params: id }),
  200,
  "Presence",
);
assert(presence.shown && presence.online === true, "the seller is online");
none("GET /events/ (no Pushpin)", await them.GET("/api/v1/events/", { parseAs: "text" }), 204);

// Native push for this device, then off again.
const registered = ok(
  "PUT /auth/devices/current/push/",
  await them.PUT("/api/v1/auth/devices/current/push/", { body: { token: `fcm-${key()}`, platform: "ios" } }),
  200,
  "PushRegistration",
);
assert(registered.platform === "ios", "registered");
none("DELETE /auth/devices/current/push/", await them.DELETE("/api/v1/auth/devices/current/push/", {}), 204);

const sold = ok("POST /my/ads/{id}/sold/", await me.POST("/api/v1/my/ads/{public_id}/sold/", { params: mine }), 200, "Ad");
assert(sold.status === "sold", "sold");
const removed = ok("DELETE /my/ads/{id}/", await me.DELETE("/api/v1/my/ads/{public_id}/", { params: mine }), 200, "Ad");
assert(removed.status === "removed", "removed");
const page = ok("GET /my/ads/", await me.GET("/api/v1/my/ads/", {}), 200, "OwnAdPage");
assert(page.results.some((row) => row.public_id === ad.public_id), "listed among my ads");

console.log(JSON.stringify(calls));

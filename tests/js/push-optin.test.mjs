import assert from "node:assert/strict";
import { test } from "node:test";
import { base64UrlToBytes } from "../../static/js/push-optin.js";

test("base64url decodes with or without padding", () => {
  assert.deepEqual([...base64UrlToBytes("AQID")], [1, 2, 3]);
  assert.deepEqual([...base64UrlToBytes("-_8")], [251, 255]);
  assert.deepEqual([...base64UrlToBytes("-_8=")], [251, 255]);
});

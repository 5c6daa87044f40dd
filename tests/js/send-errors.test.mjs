import assert from "node:assert/strict";
import { test } from "node:test";
import { sendErrorText } from "../../static/js/send-errors.js";

test("send errors: one text per known status, the server's fault from 500, else the connection", () => {
  assert.match(sendErrorText(0), /check your connection/);
  assert.match(sendErrorText(403), /session expired/);
  assert.match(sendErrorText(413), /too large/);
  assert.match(sendErrorText(429), /too fast/);
  assert.match(sendErrorText(502), /on our side/);
  assert.match(sendErrorText(418), /check your connection/);
  assert.notEqual(sendErrorText(400), sendErrorText(404));
});

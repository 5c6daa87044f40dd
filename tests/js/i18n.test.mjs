// The English fallbacks of static/js/i18n.js (no /jsi18n/ catalogue loaded).
import assert from "node:assert/strict";
import { test } from "node:test";
import { gettext, interpolate, ngettext } from "../../static/js/i18n.js";

test("gettext without a catalogue returns the English text", () => {
  assert.equal(gettext("Offer"), "Offer");
});

test("ngettext picks the singular for 1 only", () => {
  assert.equal(ngettext("%s photo", "%s photos", 1), "%s photo");
  assert.equal(ngettext("%s photo", "%s photos", 0), "%s photos");
  assert.equal(ngettext("%s photo", "%s photos", 5), "%s photos");
});

test("interpolate fills each %s in order and leaves the values alone", () => {
  const values = [3, "x"];
  assert.equal(interpolate("%s of %s", values), "3 of x");
  assert.deepEqual(values, [3, "x"]);
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { photosNote } from "../../static/js/photos.js";

test("photos: a note for what is attached, a validity message above the limit", () => {
  assert.deepEqual(photosNote(0, 5), { validity: "", note: "" });
  assert.deepEqual(photosNote(1, 5), { validity: "", note: "1 photo attached" });
  assert.deepEqual(photosNote(5, 5), { validity: "", note: "5 photos attached" });
  assert.deepEqual(photosNote(6, 5), {
    validity: "Choose at most 5 photos.", note: "Too many photos: choose at most 5."
  });
  assert.equal(photosNote(2, 1).validity, "Choose at most 1 photo.");
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { emptyNames } from "../../static/js/search-form.js";

test("only names whose every value is empty are left out of the search URL", () => {
  const entries = [["q", "sofa"], ["category", ""], ["price_min", "  "], ["price_max", "100"], ["sort", ""]];
  assert.deepEqual(emptyNames(entries), ["category", "price_min", "sort"]);
});

test("a name with one filled value among empty ones is kept", () => {
  assert.deepEqual(emptyNames([["area", ""], ["area", "oakland"]]), []);
});

test("nothing to leave out of an empty form", () => {
  assert.deepEqual(emptyNames([]), []);
});

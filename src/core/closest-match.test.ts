import { describe, expect, it } from "vitest";
import { closestMatch, editDistance } from "./closest-match.ts";

describe("editDistance", () => {
  it.each([
    ["onDelete", "onDelete", 0],
    ["onDelte", "onDelete", 1],
    ["sumary", "summary", 1],
    ["incldue", "include", 1],
    ["", "abc", 3],
    ["kitten", "sitting", 3],
  ])("%s → %s: %i", (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
  });
});

describe("closestMatch", () => {
  const keys = ["siteId", "collections", "concurrency", "manifest", "onDelete", "maxDeleteShare", "sandbox"];
  it.each([
    ["onDelte", "onDelete"],
    ["ondelete", "onDelete"],
    ["colections", "collections"],
    ["siteID", "siteId"],
    ["sandbx", "sandbox"],
    ["banana", undefined],
    ["x", undefined],
  ])("%s → %s", (word, expected) => {
    expect(closestMatch(word, keys)).toBe(expected);
  });
});

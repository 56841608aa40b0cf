import { describe, expect, it } from "vitest";
import { groupCollectionNames } from "./main.ts";

const commands = ["sync", "check", "pull", "init", "preview", "sandbox", "help"];

describe("groupCollectionNames", () => {
  it.each([
    [
      ["--collection", "blog", "sync"],
      ["--collection=blog", "sync"],
    ],
    [
      ["--collection", "blog", "docs", "sync", "--dry-run"],
      ["--collection=blog,docs", "sync", "--dry-run"],
    ],
    [
      ["sync", "--collection", "blog", "--dry-run"],
      ["sync", "--collection=blog", "--dry-run"],
    ],
    [
      ["sync", "--dry-run", "--collection", "blog", "docs"],
      ["sync", "--dry-run", "--collection=blog,docs"],
    ],
    [
      ["--collection=blog", "sync"],
      ["--collection=blog", "sync"],
    ],
    [
      ["--collection", "sync", "sync"],
      ["--collection=sync", "sync"],
    ],
    [
      ["sync", "--collection"],
      ["sync", "--collection"],
    ],
  ])("%j → %j", (argv, expected) => {
    expect(groupCollectionNames(argv, commands)).toEqual(expected);
  });
});

import { describe, expect, it } from "vitest";
import { startSandbox } from "../../src/sandbox/index.ts";
import { POSTS, SITE_ID, client, seed } from "./helpers.ts";

describe("sites, collections and fields", () => {
  it("lists sites and collections, and describes a collection with name and slug fields", async () => {
    await using sandbox = await startSandbox({ seed });
    const call = client(sandbox.baseUrl);
    const sites = await call("GET", "/sites");
    expect(sites.body.sites).toEqual([
      expect.objectContaining({ id: SITE_ID, displayName: "Sandbox Site", shortName: "sandbox-site" }),
    ]);
    const collections = await call("GET", `/sites/${SITE_ID}/collections`);
    expect(collections.body.collections.map((collection: { slug: string }) => collection.slug)).toEqual([
      "authors",
      "posts",
    ]);
    expect(collections.body.collections[0]).not.toHaveProperty("fields");
    const posts = await call("GET", `/collections/${POSTS}`);
    expect(posts.body.fields.slice(0, 2)).toEqual([
      expect.objectContaining({
        slug: "name",
        type: "PlainText",
        isRequired: true,
        id: expect.stringMatching(/^[0-9a-f]{24}$/),
      }),
      expect.objectContaining({ slug: "slug", type: "PlainText", isRequired: true }),
    ]);
    expect(posts.body.fields.find((field: { slug: string }) => field.slug === "summary")).toMatchObject({
      displayName: "Summary",
      isRequired: false,
      validations: { maxLength: 20 },
    });
  });

  it("creates collections and fields, minting option ids", async () => {
    await using sandbox = await startSandbox({ seed });
    const call = client(sandbox.baseUrl);
    const created = await call("POST", `/sites/${SITE_ID}/collections`, {
      displayName: "Team Members",
      singularName: "Team Member",
      fields: [{ type: "RichText", displayName: "Bio" }],
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      slug: "team-members",
      fields: [{ slug: "name" }, { slug: "slug" }, { slug: "bio", type: "RichText" }],
    });
    expect(
      (
        await call("POST", `/sites/${SITE_ID}/collections`, {
          displayName: "Team Members",
          singularName: "x",
        })
      ).status,
    ).toBe(409);

    const option = await call("POST", `/collections/${created.body.id}/fields`, {
      type: "Option",
      displayName: "Role Type",
      metadata: { options: [{ name: "Lead" }, { name: "Member" }] },
    });
    expect(option.status).toBe(200);
    expect(option.body).toMatchObject({
      slug: "role-type",
      type: "Option",
      validations: {
        options: [
          { name: "Lead", id: expect.any(String) },
          { name: "Member", id: expect.any(String) },
        ],
      },
    });
    expect(
      (
        await call("POST", `/collections/${created.body.id}/fields`, {
          type: "PlainText",
          displayName: "Role Type",
        })
      ).status,
    ).toBe(409);
    expect(
      (await call("POST", `/collections/${created.body.id}/fields`, { type: "Nope", displayName: "X" }))
        .status,
    ).toBe(400);

    const item = await call("POST", `/collections/${created.body.id}/items`, {
      fieldData: { name: "Ann", slug: "ann", "role-type": option.body.validations.options[0].id },
    });
    expect(item.status).toBe(202);
  });

  it("seed() adds a site at runtime", async () => {
    await using sandbox = await startSandbox();
    expect((await client(sandbox.baseUrl)("GET", "/sites")).body.sites).toEqual([]);
    sandbox.seed(seed);
    expect((await client(sandbox.baseUrl)("GET", "/sites")).body.sites).toHaveLength(1);
    expect(sandbox.items(POSTS)).toEqual([]);
    expect(() => sandbox.items("unknown")).toThrow(/no collection/);
  });
});

import { describe, expect, it } from "vitest";
import { findActiveSvgContent, isSvgPath } from "./svg-safety.ts";

const svg = (inner: string) =>
  new TextEncoder().encode(`<svg xmlns="http://www.w3.org/2000/svg">\n${inner}\n</svg>`);

describe("findActiveSvgContent", () => {
  it.each([
    ["<script>alert(1)</script>", "a <script> element"],
    ['<rect onclick="x()"/>', "an on… event handler"],
    ["<circle r=\"1\" onLoad = 'x()'/>", "an on… event handler"],
    ['<a href="javascript:alert(1)"><text>t</text></a>', "a javascript: link"],
    ["<foreignObject><div/></foreignObject>", "a <foreignObject> (embedded HTML)"],
  ])("finds %s", (inner, what) => {
    expect(findActiveSvgContent(svg(inner))).toEqual({ what, line: 2 });
  });

  it.each([
    ['<circle r="4" fill="red"/>'],
    ["<text>one onion = two</text>"],
    ['<image href="data:image/png;base64,AA"/>'],
  ])("lets a clean SVG through: %s", (inner) => {
    expect(findActiveSvgContent(svg(inner))).toBeUndefined();
  });

  it("knows SVG paths", () => {
    expect([isSvgPath("a/b.SVG"), isSvgPath("x.svgz"), isSvgPath("x.svg.png")]).toEqual([true, true, false]);
  });
});

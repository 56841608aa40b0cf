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
    ['<set attributeName="href" to="javascript:alert(1)"/>', "a javascript: link"],
    ['<foreignObject><iframe src="https://evil.example"/></foreignObject>', "an embedded frame or object"],
    ['<foreignObject><div onmouseover="x()">t</div></foreignObject>', "an on… event handler"],
    ['<foreignObject><object data="x.swf"/></foreignObject>', "an embedded frame or object"],
  ])("finds %s", (inner, what) => {
    expect(findActiveSvgContent(svg(inner))).toEqual({ what, line: 2 });
  });

  it.each([
    ['<circle r="4" fill="red"/>'],
    ["<text>one onion = two</text>"],
    ['<image href="data:image/png;base64,AA"/>'],
    // Diagram tools (draw.io, Mermaid) write their labels as HTML in a foreignObject.
    [
      '<foreignObject width="80" height="20"><div xmlns="http://www.w3.org/1999/xhtml" style="color:red">Label</div></foreignObject>',
    ],
  ])("lets a clean SVG through: %s", (inner) => {
    expect(findActiveSvgContent(svg(inner))).toBeUndefined();
  });

  it("knows SVG paths", () => {
    expect([isSvgPath("a/b.SVG"), isSvgPath("x.svgz"), isSvgPath("x.svg.png")]).toEqual([true, true, false]);
  });
});

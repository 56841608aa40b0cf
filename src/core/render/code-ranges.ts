/**
 * Where a body's code is, without remark (issue 13 item 10): template tags inside code are code,
 * so converting them needs the code's offsets. remark's tree gives them but costs a full
 * micromark parse; markdown-it's block tokens give the lines of fenced and indented code, and
 * a scan of each block's own lines finds its inline code spans (CommonMark §6.1: a run of n
 * backticks up to the next run of exactly n). Returns undefined for bodies where markdown-it
 * and remark might not see the same blocks (tabs, `\r`, NUL; a block without a line map); the
 * caller then asks remark. code-ranges.test.ts holds the two to the same conversions.
 */
import MarkdownIt from "markdown-it";

const markdownIt = new MarkdownIt("commonmark").enable("table");

const UNSURE_TEXT = /[\r\0\t]/;

/** Start offsets of each line, plus the text's length as the end of the last one. */
function lineStarts(markdown: string): number[] {
  const starts = [0];
  for (let index = markdown.indexOf("\n"); index !== -1; index = markdown.indexOf("\n", index + 1))
    starts.push(index + 1);
  starts.push(markdown.length + 1);
  return starts;
}

/** The length of the run of backticks starting at `index`. */
function backtickRun(text: string, index: number): number {
  let end = index;
  while (text[end] === "`") end++;
  return end - index;
}

/** The code spans of one block's text, as offsets into it. */
function codeSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let index = 0;
  while (index < text.length) {
    const char = text[index];
    if (char === "\\") {
      index += 2;
      continue;
    }
    if (char !== "`") {
      index++;
      continue;
    }
    const run = backtickRun(text, index);
    let close = text.indexOf("`", index + run);
    while (close !== -1 && backtickRun(text, close) !== run)
      close = text.indexOf("`", close + backtickRun(text, close));
    if (close === -1) {
      index += run; // no closing run: the backticks are text
      continue;
    }
    spans.push([index, close + run]);
    index = close + run;
  }
  return spans;
}

/** Offsets of each cell of a table row (GFM splits a row at unescaped pipes before inlines). */
function cellsOf(line: string): Array<[number, number]> {
  const cells: Array<[number, number]> = [];
  let start = 0;
  for (let index = 0; index < line.length; index++) {
    if (line[index] === "\\") index++;
    else if (line[index] === "|") {
      cells.push([start, index]);
      start = index + 1;
    }
  }
  cells.push([start, line.length]);
  return cells;
}

/** The code spans of a table (markdown-it gives its cells no lines): each cell of each row. */
function tableSpans(
  markdown: string,
  starts: readonly number[],
  map: [number, number],
): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (let line = map[0]; line < map[1]; line++) {
    const start = starts[line] as number;
    const text = markdown.slice(start, (starts[line + 1] as number) - 1);
    for (const [from, to] of cellsOf(text))
      for (const [a, b] of codeSpans(text.slice(from, to))) spans.push([start + from + a, start + from + b]);
  }
  return spans;
}

/** The offsets of every code block and code span in `markdown`, or undefined when unsure. */
export function findCodeRanges(markdown: string): Array<[number, number]> | undefined {
  if (UNSURE_TEXT.test(markdown)) return undefined;
  const starts = lineStarts(markdown);
  const ranges: Array<[number, number]> = [];
  let isInTable = false;
  for (const token of markdownIt.parse(markdown, {})) {
    if (token.type === "table_open") {
      if (!token.map) return undefined;
      ranges.push(...tableSpans(markdown, starts, token.map));
      isInTable = true;
    }
    if (token.type === "table_close") isInTable = false;
    const isCode = token.type === "fence" || token.type === "code_block";
    if (!isCode && (token.type !== "inline" || isInTable)) continue;
    if (!token.map) return undefined;
    const [first, last] = token.map;
    const start = starts[first] as number;
    const end = (starts[last] as number) - 1;
    if (isCode) ranges.push([start, end]);
    else
      for (const [from, to] of codeSpans(markdown.slice(start, end))) ranges.push([start + from, start + to]);
  }
  return ranges;
}

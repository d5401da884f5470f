/** Markdown facts the docs tests share. */

/** GitHub's anchor for a heading: lower-case, punctuation dropped, spaces to dashes. */
export function headingAnchor(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^a-z0-9 _-]/g, "").replace(/ /g, "-");
}

/** Every anchor a markdown document's headings produce. A `# comment` inside a fenced code block is no heading. */
export function anchorsOf(markdown: string): Set<string> {
  let fenced = false;
  const headings: string[] = [];
  for (const line of markdown.split("\n")) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    else if (!fenced && /^#{1,6} /.test(line)) headings.push(line.replace(/^#+ /, ""));
  }
  return new Set(headings.map(headingAnchor));
}

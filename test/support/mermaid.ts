import { JSDOM } from 'jsdom';

let parser: Promise<(text: string) => Promise<unknown>> | undefined;

/**
 * The real Mermaid parser (mermaid 11, which needs a DOM for its sanitiser: jsdom provides one).
 * Resolves when `text` parses; rejects with Mermaid's own parse error otherwise.
 */
export function parseMermaid(text: string): Promise<unknown> {
  parser ??= (async () => {
    const dom = new JSDOM('<!doctype html><html><body></body></html>');
    Object.assign(globalThis, { window: dom.window, document: dom.window.document });
    const { default: mermaid } = await import('mermaid');
    return (t: string) => mermaid.parse(t);
  })();
  return parser.then((parse) => parse(text));
}

/** The bodies of the ```mermaid blocks of a Markdown text. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1] as string);
}

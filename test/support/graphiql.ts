// Driving GraphiQL's Monaco editors from playwright, for the browser tests of GraphiQL.
import type { Locator, Page } from "playwright-core";

/** GraphiQL's Monaco editor for one file: `operation.graphql`, `request-headers.json`, … */
export function editor(page: Page, file: string): Locator {
  return page.locator(`.monaco-editor[data-uri$="-${file}"]`);
}

/** Replaces the content of a Monaco editor with `text`, typed as a paste (no auto-closed brackets). */
export async function replaceEditorText(page: Page, target: Locator, text: string): Promise<void> {
  await target.click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.insertText(text);
  // Whatever the editor added after the cursor (a closing bracket) goes.
  await page.keyboard.press("ControlOrMeta+Shift+End");
  await page.keyboard.press("Delete");
}

/**
 * Saving a diagnostics report as a file the user can attach to a ticket. It lives with the elements,
 * not in src/diagnostics.ts: a browser download needs a hidden `<a download>` element to click, and
 * the core (src/) creates no DOM elements.
 */
import { formatDiagnosticsText, type DiagnosticsReport } from '../../src/diagnostics.js';

/** The file's name and contents: `json` (complete, for tools) or `text` (readable). */
export function diagnosticsFile(
  report: DiagnosticsReport,
  format: 'json' | 'text' = 'json',
): { name: string; blob: Blob } {
  const stamp = report.createdAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const json = format === 'json';
  return {
    name: `sip-phone-diagnostics-${stamp}.${json ? 'json' : 'txt'}`,
    blob: new Blob(
      [json ? `${JSON.stringify(report, null, 2)}\n` : formatDiagnosticsText(report)],
      {
        type: json ? 'application/json' : 'text/plain;charset=utf-8',
      },
    ),
  };
}

/**
 * Downloads the report through a hidden link placed in `container` (an element's shadow root, so
 * the page's DOM is not touched). Returns the file's name.
 */
export function downloadDiagnostics(
  report: DiagnosticsReport,
  format: 'json' | 'text',
  container: ParentNode,
): string {
  const { name, blob } = diagnosticsFile(report, format);
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  container.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}

/**
 * The upload example's one page: the form, a message, and the stored files.
 * Everything that came from a client is escaped.
 */

/** A stored upload, as the page lists it. */
export interface ListedFile {
  /** The name the client gave. */
  filename: string;
  /** Bytes. */
  size: number;
  /** The note sent with it. */
  note: string;
  /** When it was stored. */
  uploadedAt: Date;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);
}

/** `1536` → `1.5 KiB`. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** The whole page: the form, and `files`, the newest of `total` stored. */
export function renderPage(files: readonly ListedFile[], message: string, maxFileSize: number, total = files.length): string {
  const status = message === '' ? '' : `\n  <p id="message" role="status">${escapeHtml(message)}</p>`;
  const rows = files
    .map(
      (file) =>
        `      <tr><td class="name">${escapeHtml(file.filename)}</td><td class="size">${formatSize(file.size)}</td>` +
        `<td class="note">${escapeHtml(file.note)}</td><td><time datetime="${file.uploadedAt.toISOString()}">${escapeHtml(file.uploadedAt.toISOString().slice(0, 16).replace('T', ' '))}</time></td></tr>`,
    )
    .join('\n');
  const list =
    files.length === 0
      ? '<p id="empty">No files yet.</p>'
      : `<table id="files">
    <thead><tr><th>File</th><th>Size</th><th>Note</th><th>Uploaded (UTC)</th></tr></thead>
    <tbody>
${rows}
    </tbody>
  </table>${total > files.length ? `\n  <p id="more">The newest ${files.length} of ${total} files.</p>` : ''}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Upload a file</title>
</head>
<body>
  <h1>Upload a file</h1>${status}
  <form method="post" enctype="multipart/form-data">
    <p><label for="file">File (up to ${formatSize(maxFileSize)})</label>
      <input type="file" id="file" name="file" required></p>
    <p><label for="note">Note</label>
      <input type="text" id="note" name="note" maxlength="200"></p>
    <p><input type="submit" value="Upload"></p>
  </form>
  <h2>Stored files</h2>
  ${list}
</body>
</html>
`;
}

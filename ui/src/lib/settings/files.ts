// Reading a picked file in the webview (FileReader works in every engine Tauri uses).

function read<T>(how: (r: FileReader) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(r.result as T);
    r.onerror = () => reject(r.error ?? new Error('read failed'));
    how(r);
  });
}

export function readFileText(file: Blob): Promise<string> {
  return read<string>((r) => r.readAsText(file));
}

/** The file's bytes, base64-encoded (as `import_certificate` takes them). */
export async function readFileBase64(file: Blob): Promise<string> {
  const buf = await read<ArrayBuffer>((r) => r.readAsArrayBuffer(file));
  return bytesToBase64(new Uint8Array(buf));
}

export function bytesToBase64(bytes: Uint8Array): string {
  let bin = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    bin += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(bin);
}

// Files the window writes go through the backend's native save dialog (`saveFile`,
// `exportConfigToFile`), never through a Blob download link.

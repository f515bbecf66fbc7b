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

/** Offers `text` as a file download (Blob + temporary link); returns the link's URL. */
export function downloadText(text: string, filename: string, type = 'application/json'): string | null {
  return download(new Blob([text], { type }), filename);
}

/** Offers base64-encoded bytes (a profile, a PNG) as a file download. */
export function downloadBase64(data: string, filename: string, type: string): string | null {
  const bin = atob(data);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return download(new Blob([bytes], { type }), filename);
}

function download(blob: Blob, filename: string): string | null {
  if (typeof URL.createObjectURL !== 'function') return null;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  return url;
}

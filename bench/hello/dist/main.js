// As soon as the page has painted, tell the backend, which prints `mailbox-admin-mark
// first-paint <ms since process start>` to stderr. "Painted" as Mailbox Admin reckons it for
// its own marks (ui/src/lib/list/collection.svelte.ts, `painted`): the first animation frame
// after `load`, then the task after that frame, when WebKit has laid out and painted it.
window.addEventListener("load", () => {
  requestAnimationFrame(() => {
    setTimeout(() => {
      window.__TAURI_INTERNALS__.invoke("mark", { name: "first-paint" });
    }, 0);
  });
});

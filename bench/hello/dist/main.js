// As soon as the page has painted (the first animation frame after load), tell the backend,
// which prints `mailbox-admin-mark first-paint <ms since process start>` to stderr.
window.addEventListener("load", () => {
  requestAnimationFrame(() => {
    window.__TAURI_INTERNALS__.invoke("mark", { name: "first-paint" });
  });
});

// Reading and driving the page in end-to-end tests: the visible text of list rows,
// waiting for one, picking an option by its label, running a script.

export async function rows(s, testid) {
  return s.cmd("POST", "/execute/sync", {
    script:
      "return [...document.querySelectorAll(`[data-testid=\"${arguments[0]}\"]`)]" +
      ".map((e) => e.textContent.replace(/\\s+/g, ' ').trim());",
    args: [testid],
  });
}

export async function untilRow(s, testid, text) {
  await s.until(async () => (await rows(s, testid)).some((r) => r.includes(text)), `"${text}" in ${testid}`);
}

/** Picks the option whose label contains `text` (waits until the picker has it). */
export async function selectByText(s, css, text) {
  const value = await s.until(
    () =>
      s.cmd("POST", "/execute/sync", {
        script:
          "const el = document.querySelector(arguments[0]); if (!el) return null;" +
          "const o = [...el.options].find((o) => o.textContent.trim() === arguments[1])" +
          " ?? [...el.options].find((o) => o.textContent.includes(arguments[1]));" +
          "return o ? o.value : null;",
        args: [css, text],
      }),
    `option "${text}" in ${css}`,
  );
  await s.select(css, value);
}

/** Runs `script` (with `arguments[0]` = `arg`) in the page. */
export function page(s, script, arg) {
  return s.cmd("POST", "/execute/sync", { script, args: [arg] });
}

// Reading and driving the page in end-to-end tests: the visible text of list rows,
// waiting for one, picking an option by its label, running a script.

export { rows, untilRow, selectByText } from "./webdriver.mjs";

/** Runs `script` (with `arguments[0]` = `arg`) in the page. */
export function page(s, script, arg) {
  return s.cmd("POST", "/execute/sync", { script, args: [arg] });
}

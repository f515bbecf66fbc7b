import '@testing-library/jest-dom/vitest';
import { configure } from '@testing-library/svelte';

// Forms and tabs are chunks loaded on first opening (App.svelte, ServersTab.svelte); the first
// import of one in a test run compiles it, which on a busy two-core machine can take longer
// than the default second that `findBy…`/`waitFor` wait.
configure({ asyncUtilTimeout: 4000 });

import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { mark } from '$lib/backend';
import { boot } from '$lib/boot';
import { langReady } from '$lib/i18n.svelte';

// Benchmarks (docs/ARCHITECTURE.md, "Marks"): the page's script runs.
void mark('script-start').catch(() => {});

// The status line and the first tab's list are asked for before the page is built, so that
// they come while it is built ($lib/boot).
void boot();
// The UI's language is German or loaded first (English is a chunk of its own).
void langReady
  .catch(() => {})
  .then(() => mount(App, { target: document.getElementById('app')! }));

import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { mark } from '$lib/backend';
import { boot } from '$lib/boot';

// Benchmarks (docs/ARCHITECTURE.md, "Marks"): the page's script runs.
void mark('script-start').catch(() => {});

// The status line and the first tab's list are asked for before the page is built, so that
// they come while it is built ($lib/boot).
void boot();
mount(App, { target: document.getElementById('app')! });

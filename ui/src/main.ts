import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { mark } from '$lib/backend';

// Benchmarks (docs/ARCHITECTURE.md, "Marks"): the page's script runs.
void mark('script-start').catch(() => {});

const app = mount(App, { target: document.getElementById('app')! });

export default app;

/** Entry point: load /config.json, restore the session, render the console. */
import { render } from 'preact';
import { App } from './app';
import { Auth } from './auth';
import { parseConsoleConfig } from './config';

async function start(root: HTMLElement) {
  try {
    const res = await fetch('/config.json', { cache: 'no-store' });
    if (!res.ok) throw new Error(`config.json: ${res.status}`);
    const config = parseConsoleConfig(await res.json());
    const auth = new Auth(config);
    const session = await auth.restore();
    root.textContent = '';
    render(<App config={config} auth={auth} initial={session} />, root);
  } catch (err) {
    root.textContent = `The console could not start: ${(err as Error).message}`;
    root.setAttribute('role', 'alert');
  }
}

const root = document.getElementById('root');
if (root) void start(root);

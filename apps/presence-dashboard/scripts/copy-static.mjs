// Copies the page's static files next to the compiled scripts, so dist/ is the whole site.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
mkdirSync(join(root, 'dist'), { recursive: true });
for (const file of ['index.html', 'styles.css']) copyFileSync(join(root, 'src', file), join(root, 'dist', file));

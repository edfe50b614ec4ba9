/**
 * Capture plugin sizes (issue 3), gzip -9 bytes, built with the SDK's own rollup
 * settings (rollup.config.mjs `browserPlugins`):
 * - what the capture plugins add to dist/portrait.js (script-tag build minus a
 *   core-only build of the same entry);
 * - what each plugin costs inside the script-tag build (marginal: a build with every
 *   plugin minus one without it; shared helpers such as onView count for none of them);
 * - each plugin alone, minified, as an npm user who imports only it would pay.
 * The full script-tag budget (6,000), the core alone, the minimal npm import and the
 * lazy web-vitals chunk (dist/portrait-vitals.js) are printed by sdk-size.mjs.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { rollup } from 'rollup';
import { browserPlugins } from '../../rollup.config.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const src = join(root, 'packages/sdk/src');
const gz = (code) => gzipSync(code, { level: 9 }).length;

/** Minified IIFE of a small entry module given as source text. */
async function size(code) {
  const id = '\0capture-size-entry';
  const bundle = await rollup({
    input: id,
    onwarn: () => {},
    plugins: [{ name: 'entry', resolveId: (s) => (s === id ? id : null), load: (s) => (s === id ? code : null) }, ...browserPlugins()],
  });
  const { output } = await bundle.generate({ format: 'iife', strict: false });
  await bundle.close();
  return gz(output[0].code);
}

export async function run() {
  const rows = [];
  const core = await size(`import { startScriptTag } from ${JSON.stringify(join(src, 'script-tag.ts'))}; startScriptTag();`);
  const full = gz(readFileSync(join(root, 'packages/sdk/dist/portrait.js')));
  rows.push({ name: 'portrait.js: added by the capture plugins', value: full - core, unit: 'B gzip', ok: true });
  // The script-tag build's plugins, as scriptTagCapture installs them, for the marginal figures.
  const installs = {
    sessions: ['sessions', 'capture/sessions.ts', 'sessions()'],
    campaigns: ['campaigns', 'capture/campaigns.ts', 'campaigns()'],
    browsing: ['browsing', 'capture/browsing.ts', 'browsing()'],
    pages: ['pages', 'capture/pages.ts', 'pages()'],
    clicks: ['clicks', 'capture/clicks.ts', 'clicks()'],
    ecommerce: ['ecommercePlugin', 'ecommerce-plugin.ts', "ecommercePlugin(debugCheck('portrait-debug.js'))"],
    vitalsLoader: ['vitalsLoader', 'vitals-loader.ts', "vitalsLoader('portrait-vitals.js')"],
  };
  const tagBuild = (without) => {
    const use = Object.entries(installs).filter(([k]) => k !== without);
    return size(
      [
        `import { startScriptTag } from ${JSON.stringify(join(src, 'script-tag.ts'))};`,
        `import { debugCheck } from ${JSON.stringify(join(src, 'debug-check.ts'))};`,
        ...use.map(([, [fn, file]]) => `import { ${fn} } from ${JSON.stringify(join(src, file))};`),
        `startScriptTag((p) => [${use.map(([, [, , call]]) => call).join(', ')}].forEach((x) => p.use(x)));`,
      ].join('\n'),
    );
  };
  const all = await tagBuild();
  for (const name of Object.keys(installs))
    rows.push({ name: `in portrait.js (marginal): ${name}`, value: all - (await tagBuild(name)), unit: 'B gzip', ok: true });
  const plugins = [
    ['clicks', 'capture/clicks.ts'],
    ['pages', 'capture/pages.ts'],
    ['browsing', 'capture/browsing.ts'],
    ['sessions', 'capture/sessions.ts'],
    ['campaigns', 'capture/campaigns.ts'],
    ['ecommerce', 'ecommerce.ts'],
    ['vitalsLoader', 'vitals-loader.ts'],
  ];
  for (const [name, file] of plugins) {
    const value = await size(`import { ${name} } from ${JSON.stringify(join(src, file))}; window.__p = ${name}('x');`);
    rows.push({ name: `plugin alone: ${name}`, value, unit: 'B gzip', ok: true });
  }
  return rows;
}

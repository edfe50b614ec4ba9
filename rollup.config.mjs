/**
 * SDK builds (`npm run build` = `rollup -c --silent`), all into packages/sdk/dist:
 * - portrait.js: the script-tag IIFE (entry src/browser.ts), minified;
 * - index.js (ESM) + index.cjs (CJS) from src/index.ts, for bundlers, plus .d.ts;
 * - portrait-vitals.js (IIFE, web vitals, loaded lazily by portrait.js with data-vitals);
 * - portrait-debug.js (IIFE, e-commerce shape warnings, loaded lazily by portrait.js with data-debug);
 * - capture / ecommerce / vitals (.js + .cjs + .d.ts): the plugins' npm entries.
 * Helpers are exported so test/bench/sdk-size.mjs bundles with the same settings.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import ts from 'typescript';
import { copyFileSync, mkdirSync } from 'node:fs';
import personalizeBuilds from './packages/personalize/rollup.config.mjs';

const root = dirname(fileURLToPath(import.meta.url));
const sdk = join(root, 'packages/sdk');
export const sdkDist = join(sdk, 'dist');

/** TypeScript for the browser: ES2021 (Safari 14+, Chrome 85+, Firefox 79+). */
export const tsPlugin = ({ include = ['packages/*/src/**/*.ts'] } = {}) =>
  typescript({
    tsconfig: false,
    include,
    exclude: ['**/*.test.ts'],
    compilerOptions: {
      target: 'ES2021',
      module: 'ESNext',
      moduleResolution: 'bundler',
      strict: true,
      skipLibCheck: true,
      lib: ['ES2022', 'DOM', 'DOM.Iterable'],
      types: [],
    },
  });

/** Minifier settings: properties starting with one underscore are internal and get mangled. */
export const terserPlugin = () =>
  terser({
    ecma: 2021,
    compress: { passes: 3, unsafe_arrows: true, pure_getters: true, unsafe: true },
    mangle: { properties: { regex: /^_[^_]/ } },
    format: { comments: false },
  });

/**
 * After minifying: `const` declarations become `let` (3 bytes fewer each; the same
 * semantics for code that never reassigns them, which TypeScript guarantees), and
 * `let` statements that follow each other in one block become one (`let a=1;let b=2`
 * -> `let a=1,b=2`: the same bindings, initialised in the same order).
 */
export const letPlugin = () => ({
  name: 'portrait-let',
  renderChunk(code) {
    const edits = []; // [start, end, replacement]
    const isDecl = (n) => n?.type === 'VariableDeclaration' && (n.kind === 'const' || n.kind === 'let');
    const walk = (n) => {
      if (!n || typeof n.type !== 'string') return;
      const list = n.type === 'Program' || n.type === 'BlockStatement' || n.type === 'StaticBlock' ? n.body : n.type === 'SwitchCase' ? n.consequent : null;
      const joined = new Set();
      if (list) {
        for (let k = 1; k < list.length; k++) {
          if (isDecl(list[k - 1]) && isDecl(list[k])) {
            edits.push([list[k - 1].declarations.at(-1).end, list[k].declarations[0].start, ',']);
            joined.add(list[k]);
          }
        }
      }
      for (const k in n) {
        const v = n[k];
        for (const c of Array.isArray(v) ? v : [v]) {
          if (!c || typeof c.type !== 'string') continue;
          if (c.type === 'VariableDeclaration' && c.kind === 'const' && !joined.has(c)) edits.push([c.start, c.start + 5, 'let']);
          walk(c);
        }
      }
    };
    walk(this.parse(code));
    let out = code;
    for (const [a, b, text] of edits.sort((x, y) => y[0] - x[0])) out = out.slice(0, a) + text + out.slice(b);
    return { code: out, map: null };
  },
});

export const browserPlugins = () => [resolve({ browser: true }), tsPlugin(), terserPlugin(), letPlugin()];

/** Copies static files (HTML, CSS) next to a build's output. */
const copyFiles = (from, to, names) => ({
  name: 'portrait-copy',
  writeBundle() {
    mkdirSync(to, { recursive: true });
    for (const name of names) copyFileSync(join(from, name), join(to, name));
  },
});

/** Writes .d.ts files for the npm build next to index.js. */
const declarations = () => ({
  name: 'portrait-dts',
  writeBundle() {
    const program = ts.createProgram(['index', 'capture/index', 'ecommerce', 'vitals'].map((f) => join(sdk, `src/${f}.ts`)), {
      declaration: true,
      emitDeclarationOnly: true,
      outDir: sdkDist,
      rootDir: join(sdk, 'src'),
      target: ts.ScriptTarget.ES2020,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      strict: true,
      skipLibCheck: true,
      types: [],
    });
    const result = program.emit();
    const errors = ts.getPreEmitDiagnostics(program).concat(result.diagnostics);
    if (errors.length) this.error(ts.formatDiagnostics(errors, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' }));
  },
});

export default [
  {
    input: join(sdk, 'src/browser.ts'),
    output: [
      { file: join(sdkDist, 'portrait.js'), format: 'iife', strict: false },
      // The collector serves /portrait.js from its static assets (worker/public).
      { file: join(root, 'worker/public/portrait.js'), format: 'iife', strict: false },
    ],
    plugins: browserPlugins(),
  },
  {
    input: join(sdk, 'src/index.ts'),
    external: ['idb-keyval'],
    output: [
      { file: join(sdkDist, 'index.js'), format: 'es' },
      { file: join(sdkDist, 'index.cjs'), format: 'cjs' },
    ],
    plugins: [resolve({ browser: true }), tsPlugin(), declarations()],
  },
  // Web vitals for the script tag: a separate file, fetched by portrait.js only with data-vitals.
  {
    input: join(sdk, 'src/vitals-chunk.ts'),
    output: [
      { file: join(sdkDist, 'portrait-vitals.js'), format: 'iife', strict: false },
      // Next to portrait.js in the collector's static assets (portrait.js loads it from its own folder).
      { file: join(root, 'worker/public/portrait-vitals.js'), format: 'iife', strict: false },
    ],
    plugins: browserPlugins(),
  },
  // Debug-mode checks for the script tag (e-commerce shape warnings): fetched by portrait.js only with data-debug.
  {
    input: join(sdk, 'src/debug-chunk.ts'),
    output: [
      { file: join(sdkDist, 'portrait-debug.js'), format: 'iife', strict: false },
      { file: join(root, 'worker/public/portrait-debug.js'), format: 'iife', strict: false },
    ],
    plugins: browserPlugins(),
  },
  // npm plugin entries: @portrait/sdk/capture, /ecommerce, /vitals (the core never imports them).
  {
    input: { capture: join(sdk, 'src/capture/index.ts'), ecommerce: join(sdk, 'src/ecommerce.ts'), vitals: join(sdk, 'src/vitals.ts') },
    external: ['web-vitals'],
    output: [
      { dir: sdkDist, format: 'es', entryFileNames: '[name].js', chunkFileNames: 'plugin-[name]-[hash].js' },
      { dir: sdkDist, format: 'cjs', entryFileNames: '[name].cjs', chunkFileNames: 'plugin-[name]-[hash].cjs' },
    ],
    plugins: [resolve({ browser: true }), tsPlugin()],
  },
  // personalize.js (IIFE, also into worker/public) and the ESM build of @portrait/personalize.
  ...personalizeBuilds,
  // The marketer dashboard (/dashboard/), served from the collector's static assets.
  {
    input: join(root, 'worker/src/dashboard/app.ts'),
    output: { file: join(root, 'worker/public/dashboard/app.js'), format: 'iife' },
    plugins: [tsPlugin({ include: ['worker/src/dashboard/**/*.ts'] }), terserPlugin(), copyFiles(join(root, 'worker/src/dashboard'), join(root, 'worker/public/dashboard'), ['index.html', 'dashboard.css'])],
  },
];

/**
 * Builds of @portrait/personalize, into packages/personalize/dist:
 * - personalize.js: the script-tag IIFE (src/browser.ts), minified, also copied to
 *   worker/public/personalize.js, the collector's static assets, served as `/personalize.js`;
 * - index.js (ESM) from src/index.ts for bundlers, with its .d.ts files in dist/types.
 * Run alone with `rollup -c packages/personalize/rollup.config.mjs`; the root config
 * spreads this default export into its own list.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import tsc from 'typescript';

const pkg = dirname(fileURLToPath(import.meta.url));
const workerPublic = join(pkg, '../../worker/public');
export const personalizeDist = join(pkg, 'dist');

const ts = () =>
  typescript({
    tsconfig: false,
    include: ['packages/personalize/src/**/*.ts'],
    exclude: ['**/*.test.ts'],
    compilerOptions: {
      target: 'ES2020',
      module: 'ESNext',
      moduleResolution: 'bundler',
      strict: true,
      skipLibCheck: true,
      lib: ['ES2022', 'DOM', 'DOM.Iterable'],
      types: [],
    },
  });

const min = () =>
  terser({
    ecma: 2020,
    compress: { passes: 3, unsafe_arrows: true, pure_getters: true, unsafe: true },
    format: { comments: false },
  });

/** Writes the .d.ts files of the npm build next to index.js (the package's "types"). */
const declarations = () => ({
  name: 'personalize-dts',
  writeBundle() {
    const program = tsc.createProgram([join(pkg, 'src/index.ts')], {
      declaration: true,
      emitDeclarationOnly: true,
      outDir: join(personalizeDist, 'types'),
      rootDir: join(pkg, 'src'),
      target: tsc.ScriptTarget.ES2020,
      module: tsc.ModuleKind.ESNext,
      moduleResolution: tsc.ModuleResolutionKind.Bundler,
      strict: true,
      skipLibCheck: true,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
      types: [],
    });
    const result = program.emit();
    const errors = tsc.getPreEmitDiagnostics(program).concat(result.diagnostics);
    if (errors.length) this.error(tsc.formatDiagnostics(errors, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => pkg, getNewLine: () => '\n' }));
  },
});

export default [
  {
    input: join(pkg, 'src/browser.ts'),
    output: [
      { file: join(personalizeDist, 'personalize.js'), format: 'iife', strict: false },
      { file: join(workerPublic, 'personalize.js'), format: 'iife', strict: false },
    ],
    plugins: [resolve({ browser: true }), ts(), min()],
  },
  {
    input: join(pkg, 'src/index.ts'),
    output: { file: join(personalizeDist, 'index.js'), format: 'es' },
    plugins: [resolve({ browser: true }), ts(), declarations()],
  },
];

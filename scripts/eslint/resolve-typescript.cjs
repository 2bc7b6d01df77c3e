// An import resolver (eslint-module-utils interface 2) for our TypeScript sources: they import
// `./x.js` as Node will run the compiled code, while the file on disk is `./x.ts`.
// eslint-plugin-boundaries needs the real file to know which part an import lands in.
'use strict';
const { statSync } = require('node:fs');
const { dirname, resolve } = require('node:path');

exports.interfaceVersion = 2;

exports.resolve = function resolveImport(source, file) {
  if (!source.startsWith('.')) return { found: false };
  const target = resolve(dirname(file), source);
  for (const candidate of [target, target.replace(/\.js$/, '.ts'), `${target}.ts`, resolve(target, 'index.ts')]) {
    if (statSync(candidate, { throwIfNoEntry: false })?.isFile()) return { found: true, path: candidate };
  }
  return { found: false };
};

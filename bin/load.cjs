// Loads the bundle (dist/podlens.cjs, scripts/bundle.mjs) with V8's code cache that the build wrote
// beside it (dist/podlens.cjs.cache): compiling the bundle's code is then mostly a deserialization.
// A cache V8 rejects (another Node version, a changed bundle) or a missing one costs nothing but
// the compile it would have saved. Nothing is written here at run time.
'use strict';
const { readFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname } = require('node:path');
const { Script } = require('node:vm');

/** The bundle's source in CommonJS' function wrapper (the build compiles the same text for its cache). */
function wrapperSource(source) {
  return `(function (exports, require, module, __filename, __dirname) { ${source}\n})`;
}

/** The bundle's exports (`main`). */
function loadBundle(file) {
  let cachedData;
  try {
    cachedData = readFileSync(`${file}.cache`);
  } catch {
    cachedData = undefined;
  }
  const script = new Script(wrapperSource(readFileSync(file, 'utf8')), { filename: file, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  return module.exports;
}

module.exports = { loadBundle, wrapperSource };

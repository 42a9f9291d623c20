#!/usr/bin/env bash
# Installs the VS Code server carried by the npm package code-server into a cache outside git (idempotent).
set -euo pipefail

VERSION=4.100.3
CACHE="${FLOWTRACER_CACHE:-$HOME/.cache/flowtracer}"
DIR="$CACHE/code-server-$VERSION"
MARKER="$DIR/.flowtracer-install-complete"

if [[ -f "$MARKER" ]]; then
  echo "code-server $VERSION already installed in $DIR"
  exit 0
fi

missing=()
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
if (( ${#missing[@]} > 0 )); then
  echo "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}"
fi

mkdir -p "$DIR"
cd "$DIR"
[[ -f package.json ]] || echo '{"name":"flowtracer-code-server-cache","private":true}' > package.json
echo "npm install code-server@$VERSION (no scripts) into $DIR"
npm install --no-audit --no-fund --ignore-scripts "code-server@$VERSION" >/dev/null

CS="$DIR/node_modules/code-server"
cd "$CS/lib/vscode"
echo "installing VS Code server dependencies"
npm install --no-audit --no-fund --omit=dev --ignore-scripts >/dev/null
# @vscode/ripgrep's install script would download rg; with bin/ in place it keeps Debian's copy.
mkdir -p node_modules/@vscode/ripgrep/bin
cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
echo "rebuilding native modules against Node $(node -v)"
# node-pty's post-build step (node-gyp configure -f compile_commands_json) fails after the
# module itself is built; that failure is harmless, so the native modules are checked below instead.
npm rebuild >rebuild.log 2>&1 || echo "npm rebuild reported a failure (expected from node-pty's post-step); checking the native modules"
for native in node-pty/build/Release/pty.node kerberos/build/Release/kerberos.node @vscode/spdlog/build/Release/spdlog.node \
    native-watchdog/build/Release/watchdog.node @parcel/watcher-linux-x64-glibc/watcher.node; do
  if [[ ! -f "node_modules/$native" ]]; then
    echo "native module node_modules/$native was not built; see $CS/lib/vscode/rebuild.log" >&2
    exit 1
  fi
done
[[ -e node_modules.asar ]] || ln -s node_modules node_modules.asar

cd extensions
echo "installing built-in extension dependencies"
npm install --no-audit --no-fund --omit=dev --ignore-scripts >/dev/null

touch "$MARKER"
echo "code-server $VERSION installed in $DIR"

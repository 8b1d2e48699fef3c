# Source it (`. scripts/node-22.sh`): when the machine's node is older than 22 (Node 20 reached its end of life in
# April 2026, and email-reply-parser needs 22), puts Node 22 first on PATH for this shell. Node's own build comes
# from the npm registry (node-<platform>-<arch>, an exact version) into ~/.cache/sla-desk/node, once per machine;
# npm, whose script starts with `#!/usr/bin/env node`, then runs on it too.
SLA_DESK_NODE_VERSION=22.23.5
if ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 22 ? 0 : 1)' 2>/dev/null; then
  sla_desk_node_pkg="node-$(node -p 'process.platform + "-" + process.arch' 2>/dev/null || echo linux-x64)"
  sla_desk_node_dir="${SLA_DESK_NODE_DIR:-$HOME/.cache/sla-desk/node}/$SLA_DESK_NODE_VERSION"
  if [ ! -x "$sla_desk_node_dir/node_modules/$sla_desk_node_pkg/bin/node" ]; then
    echo "== installing Node $SLA_DESK_NODE_VERSION ($sla_desk_node_pkg from the npm registry) into $sla_desk_node_dir" >&2
    npm install --prefix "$sla_desk_node_dir" --no-save --no-package-lock --no-audit --no-fund \
      "$sla_desk_node_pkg@$SLA_DESK_NODE_VERSION" >&2
  fi
  export PATH="$sla_desk_node_dir/node_modules/$sla_desk_node_pkg/bin:$PATH"
  unset sla_desk_node_pkg sla_desk_node_dir
fi

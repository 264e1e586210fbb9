#!/usr/bin/env bash
# ../shared/tools/device-pack, then drops from .device/deps.tar.xz what no GPU-machine run loads:
# sharp's libvips (node_modules/@img, about 6.3 MiB compressed; only ROS compressed images use it,
# and src/transports/ros/ros-image.ts loads it on the first such image) and source maps. A device
# call carries the tracked files and .device together under 64 MiB; training runs also carry
# checkpoints, so every MiB counts.
#   npm run build && bash scripts/device-pack-slim.sh
set -euo pipefail
root=$(git rev-parse --show-toplevel)
cd "$root"
../shared/tools/device-pack
before=$(stat -c %s .device/deps.tar.xz)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
xz -dc .device/deps.tar.xz > "$scratch/deps.tar"
tar --delete -f "$scratch/deps.tar" --wildcards 'node_modules/@img/*' '*.js.map'
xz -T2 -6 "$scratch/deps.tar"
mv "$scratch/deps.tar.xz" .device/deps.tar.xz
echo "device-pack-slim: deps.tar.xz $((before / 1048576)) -> $(($(stat -c %s .device/deps.tar.xz) / 1048576)) MiB; .device is $(du -sm .device | cut -f1) MiB"

#!/usr/bin/env bash
# Installs the Debian packages yizhan needs, or says exactly how to when not root.
# Usage: scripts/setup-system.sh [--test]   (--test adds chromium for the browser tests)
set -euo pipefail
pkgs=(fonts-noto-cjk libharfbuzz-subset0 poppler-utils)
[ "${1:-}" = "--test" ] && pkgs+=(chromium)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "缺少系统软件包：${missing[*]}。本机没有 apt-get，请用系统的包管理器安装对应软件包。" >&2
  exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "缺少系统软件包：${missing[*]}。请先运行以下命令安装，再重新执行：" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 2
fi
echo "正在安装系统软件包：${missing[*]} ……"
apt-get update -q
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"

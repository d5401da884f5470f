#!/usr/bin/env bash
# Writes ~/.colima/<profile>/colima.yaml from the host config and reports whether it changed.
# Input (env): MINIDOCK_PROFILE, MINIDOCK_CPUS, MINIDOCK_MEMORY_MB, MINIDOCK_DISK_GB, MINIDOCK_VM_TYPE,
#   MINIDOCK_ROSETTA, MINIDOCK_MOUNT_TYPE, MINIDOCK_LOG_MAX_SIZE, MINIDOCK_LOG_MAX_FILES.
# Output: `changed=true|false`. When true, start.sh restarts a running VM (marker file), otherwise it does not.
# Exit codes: 30 bad input, 31 a setting the existing VM cannot change, 32 disk shrink.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
[ -n "${MINIDOCK_LIB_LOADED:-}" ] || . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# A top-level scalar of an existing colima.yaml (ours, or colima's rewrite of it), quotes stripped.
yaml_scalar() { sed -n "s/^$1: *//p" "$2" | head -n 1 | tr -d "\"'"; }

main() {
  exec </dev/null # ssh hands us the script on stdin; nothing below may read the rest of it
  local cpus=${MINIDOCK_CPUS:-} memory_mb=${MINIDOCK_MEMORY_MB:-} disk_gb=${MINIDOCK_DISK_GB:-}
  local vm_type=${MINIDOCK_VM_TYPE:-vz} rosetta=${MINIDOCK_ROSETTA:-true} mount_type=${MINIDOCK_MOUNT_TYPE:-virtiofs}
  local log_max_size=${MINIDOCK_LOG_MAX_SIZE:-10m} log_max_files=${MINIDOCK_LOG_MAX_FILES:-3}
  require_uint MINIDOCK_CPUS "$cpus"
  require_uint MINIDOCK_MEMORY_MB "$memory_mb"
  require_uint MINIDOCK_DISK_GB "$disk_gb"
  require_uint MINIDOCK_LOG_MAX_FILES "$log_max_files"
  case "$vm_type" in vz | qemu) ;; *) die 30 "MINIDOCK_VM_TYPE must be vz or qemu, got '$vm_type'" ;; esac
  case "$mount_type" in virtiofs | sshfs | 9p) ;; *) die 30 "MINIDOCK_MOUNT_TYPE must be virtiofs, sshfs or 9p, got '$mount_type'" ;; esac
  case "$rosetta" in true | false) ;; *) die 30 "MINIDOCK_ROSETTA must be true or false, got '$rosetta'" ;; esac
  case "$log_max_size" in [0-9]*[kmg] | [0-9]*) ;; *) die 30 "MINIDOCK_LOG_MAX_SIZE must look like 10m, got '$log_max_size'" ;; esac

  # Colima takes whole GiB. Round DOWN so the VM never gets more than memoryMb: the budget promises macOS
  # keeps the rest, and VZ never returns VM memory to macOS (lima#4220).
  local memory_gib=$((memory_mb / 1024))
  [ "$memory_gib" -ge 1 ] || die 30 "MINIDOCK_MEMORY_MB=$memory_mb is below 1024: Colima needs at least 1 GiB"
  if [ $((memory_gib * 1024)) -ne "$memory_mb" ]; then
    log "warning: memoryMb $memory_mb is not a whole GiB; the VM gets ${memory_gib} GiB ($((memory_gib * 1024)) MB). Use a multiple of 1024 so the budget matches the VM."
  fi

  local dir file hash_file
  dir=$(profile_dir)
  file="$dir/colima.yaml"
  hash_file="$dir/minidock.sha256"
  mkdir -p "$dir" "$HOME/minidock"

  # Type, arch, runtime and mount type are fixed once the VM exists, and its disk can only grow.
  if [ -f "$file" ] && [ "$(colima_state)" != Missing ]; then
    local old
    old=$(yaml_scalar vmType "$file")
    [ -z "$old" ] || [ "$old" = "$vm_type" ] ||
      die 31 "colima.vmType is '$vm_type' but the existing VM '$PROFILE' is '$old', which cannot change. Keep '$old', or recreate the VM on the mini: colima delete -p $PROFILE (container data survives on Colima >= 0.9 unless --data), then pulumi up."
    old=$(yaml_scalar mountType "$file")
    [ -z "$old" ] || [ "$old" = "$mount_type" ] ||
      die 31 "colima.mountType is '$mount_type' but the existing VM '$PROFILE' uses '$old', which cannot change. Keep '$old', or recreate the VM: colima delete -p $PROFILE, then pulumi up."
    old=$(yaml_scalar disk "$file")
    case "$old" in '' | *[!0-9]*) ;; *)
      [ "$disk_gb" -ge "$old" ] ||
        die 32 "diskGb $disk_gb is smaller than the VM's current disk ($old GiB): a Colima disk can only grow. Set diskGb to $old or more."
      ;;
    esac
  fi

  local tmp
  tmp=$(mktemp "$dir/colima.yaml.XXXXXX")
  cat >"$tmp" <<YAML
# Written by minidock (scripts/colima/configure.sh) from the stack config: edit the stack config, not this file.
cpu: $cpus
memory: $memory_gib
disk: $disk_gb
arch: aarch64
runtime: docker
vmType: $vm_type
rosetta: $rosetta
mountType: $mount_type
autoActivate: true
forwardAgent: false
kubernetes:
  enabled: false
# The VM shares only ~/minidock with macOS, not the whole home directory with ~/.ssh and cloud credentials.
mounts:
  - location: ~/minidock
    writable: true
# dockerd's daemon.json.
docker:
  log-driver: json-file
  log-opts:
    max-size: "$log_max_size"
    max-file: "$log_max_files"
  live-restore: true
  no-new-privileges: true
  icc: false
  ip: 127.0.0.1
  default-ulimits:
    nofile:
      Name: nofile
      Soft: 65536
      Hard: 65536
YAML
  local new_hash old_hash=""
  new_hash=$(sha256_of_file "$tmp")
  [ ! -f "$hash_file" ] || old_hash=$(cat "$hash_file")
  if [ -f "$file" ] && [ "$new_hash" = "$old_hash" ]; then
    rm -f "$tmp"
    log "colima.yaml for profile $PROFILE unchanged"
    echo "changed=false"
    return
  fi
  mv "$tmp" "$file"
  printf '%s\n' "$new_hash" >"$hash_file"
  # start.sh restarts a running VM only when this marker exists, then removes it.
  : >"$dir/minidock.restart-needed"
  log "wrote $file (cpu $cpus, memory ${memory_gib} GiB, disk ${disk_gb} GiB, $vm_type, rosetta $rosetta, $mount_type)"
  echo "changed=true"
}
main "$@"

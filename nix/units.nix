# The agent's service, the root helper's socket and template, and `tailscale serve`, with their
# sandboxes (ARCHITECTURE §8). A plain function: module.nix passes in what it has computed.
{
  lib,
  agent,
  helper,
  agentConfigFile,
  helperConfigFile,
  paths,
  jq,
  tailscale,
  tailscaleServe,
}:
let
  agentSocket = "${paths.runtimeDir}/agent.sock";

  # What both the agent and the helper get: the passphrase passes through their memory, so it
  # must never reach a core dump or swap.
  secretMemory = {
    LimitCORE = 0;
    MemorySwapMax = 0;
  };
  # Kernel, cgroups and host name stay out of reach; no SUID, realtime or foreign ABIs.
  common = {
    NoNewPrivileges = true;
    LockPersonality = true;
    ProtectControlGroups = true;
    ProtectHome = true;
    ProtectHostname = true;
    ProtectKernelLogs = true;
    ProtectKernelModules = true;
    ProtectKernelTunables = true;
    ProtectProc = "invisible";
    # Not ProcSubset = "pid": both read /proc/meminfo, /proc/uptime and the boot id.
    ProtectSystem = "strict";
    PrivateTmp = true;
    RestrictNamespaces = true;
    RestrictRealtime = true;
    RestrictSUIDSGID = true;
    SystemCallArchitectures = "native";
    # A call outside the filter fails instead of killing the process: a dead agent on a headless
    # Pi means SSH again.
    SystemCallErrorNumber = "EPERM";
    UMask = "0077";
    # Not MemoryDenyWriteExecute: V8's JIT writes the code it then runs, and Node would crash.
  };
in
{
  services.immich-pi-agent = {
    description = "immich-pi agent: unlock, watch and back up this Pi from a phone";
    wantedBy = [ "multi-user.target" ];
    wants = [ "immich-pi-helper.socket" ];
    after = [
      "network.target"
      "immich-pi-helper.socket"
    ];
    # Memory, as measured on the sandbox (bench 9, issue 15). V8 leaves garbage in place until its
    # heap nears a limit that grows with the machine's RAM (about 1-2 GB on a Pi), so caps bound
    # what a flood can leave behind. The agent's live heap is about 10 MB, idle or flooded:
    # - old generation 64 MB: six times that, for the backup history and a burst of requests;
    # - young generation 2 × 2 MB: a request's garbage is small, and V8's default let it grow
    #   from 8 to 16 MB under a flood (more RSS, no more throughput).
    # Its RSS is 60-67 MB idle (Node 20-22), 69-85 MB during floods: the heap under those caps
    # (about 75 MB at most), Node's own memory (about 25 MB) and the pages of its binary it
    # touched (about 50 MB) make at most about 150 MB. Above MemoryHigh the kernel reclaims and
    # throttles; MemoryMax ends it (Restart= starts it again) only if something outside V8's
    # heap runs away. The helper's KDF (hundreds of MB) runs in its own units, not counted here.
    environment.NODE_OPTIONS = "--max-old-space-size=64 --max-semi-space-size=2";
    serviceConfig =
      common
      // secretMemory
      // {
        ExecStart = "${agent} serve --config ${agentConfigFile}";
        MemoryHigh = "160M";
        MemoryMax = "256M";
        User = "immich-pi-agent";
        Group = "immich-pi-agent";
        StateDirectory = baseNameOf paths.stateDir;
        StateDirectoryMode = "0700";
        # Its API and admin sockets: root (tailscaled, `sudo immich-pi-agent pair`) and the group.
        RuntimeDirectory = baseNameOf paths.runtimeDir;
        RuntimeDirectoryMode = "0750";
        Restart = "on-failure";
        RestartSec = 5;

        CapabilityBoundingSet = "";
        ProtectClock = true;
        PrivateUsers = true;
        # Not PrivateDevices: drive presence is read from /dev/disk/by-uuid and /dev/mapper,
        # which a private /dev would hide. It only looks at device nodes and opens none.
        PrivateDevices = false;
        DevicePolicy = "closed";
        RemoveIPC = true;
        # Unix sockets (its own, the helper's, D-Bus for `systemctl show`); IP for Web Push and
        # Immich's ping.
        RestrictAddressFamilies = [
          "AF_UNIX"
          "AF_INET"
          "AF_INET6"
        ];
        # @pkey: V8 may guard its JIT pages with memory protection keys.
        SystemCallFilter = [
          "@system-service @pkey"
          "~@privileged @resources"
        ];
      };
  };

  sockets.immich-pi-helper = {
    description = "immich-pi root helper socket";
    wantedBy = [ "sockets.target" ];
    listenStreams = [ "${paths.helperRuntimeDir}/helper.sock" ];
    socketConfig = {
      # One helper process per connection, answering one request (immich-pi-helper@.service).
      Accept = true;
      SocketUser = "root";
      SocketGroup = "immich-pi-agent";
      SocketMode = "0660";
      DirectoryMode = "0750";
      # Each connection is a root Node process: a flood must not exhaust the Pi's memory.
      MaxConnections = 8;
    };
  };

  services."immich-pi-helper@" = {
    description = "immich-pi root helper (one request)";
    # One instance per connection: one that failed must not linger in `systemctl list-units`.
    unitConfig.CollectMode = "inactive-or-failed";
    serviceConfig =
      common
      // secretMemory
      // {
        ExecStart = "${helper} --config ${helperConfigFile}";
        StandardInput = "socket";
        StandardOutput = "socket";
        StandardError = "journal";
        # Its wrong-passphrase record, root-only.
        StateDirectory = baseNameOf paths.helperStateDir;
        StateDirectoryMode = "0700";
        # A warm spare waits up to 10 min for its request; the longest step (mount) takes 5 min.
        RuntimeMaxSec = "20min";

        # cryptsetup: device-mapper ioctls (SYS_ADMIN), locked memory for keys (IPC_LOCK).
        # systemctl and journalctl need no capability as root. `systemctl set-property --runtime`
        # (the guard's CPU cap) is one call to PID 1 over the same socket as start and stop, under
        # the same manage-units check; PID 1 writes the drop-in under /run and the cgroup, so
        # ProtectSystem and ProtectControlGroups here do not stand in its way.
        # smartctl (drive-health) on the raw disk: ATA commands through a USB bridge go as SCSI
        # pass-through (SG_IO), which the kernel allows only with SYS_RAWIO; NVMe's admin commands
        # want SYS_ADMIN, held already. list-dumps lists Immich's dump directory, the immich user's
        # (mode 0700), so reading past file modes (DAC_READ_SEARCH); ProtectSystem leaves the
        # drive's mount readable, and nothing on it writable.
        CapabilityBoundingSet = [
          "CAP_SYS_ADMIN"
          "CAP_IPC_LOCK"
          "CAP_SYS_RAWIO"
          "CAP_DAC_READ_SEARCH"
        ];
        # cryptsetup's lock files (tmpfiles makes the directory; `-`: should it be missing, the
        # helper still starts, and only `open` fails).
        ReadWritePaths = [ "-/run/cryptsetup" ];
        # Not PrivateDevices, and no device allow-list: cryptsetup needs the drive (whatever kind
        # of block device it is), /dev/mapper/control and the new mapping; smartctl the whole
        # disk behind it. For the same reason
        # not ProtectClock, which older systemd turned into an allow-list; without CAP_SYS_TIME
        # in the bounding set the helper cannot set the clock anyway.
        PrivateDevices = false;
        # Not PrivateIPC: libdevmapper waits for udev through SysV semaphores shared with udevd.
        PrivateIPC = false;
        # Not PrivateNetwork: device-mapper activation works with udev over netlink, and the
        # kernel only sends uevents into the host's network namespace. IPAddressDeny keeps it off
        # IP. (The KDF lock is a directory in the root-only state dir, whatever the namespace.)
        PrivateNetwork = false;
        IPAddressDeny = "any";
        # Unix sockets (systemctl, the KDF lock's beacon); netlink for udev; AF_ALG because cryptsetup
        # decrypts LUKS keyslots through the kernel crypto API.
        RestrictAddressFamilies = [
          "AF_UNIX"
          "AF_NETLINK"
          "AF_ALG"
        ];
        # @system-service has what cryptsetup needs: ioctl, mlock, keyctl (LUKS2 volume keys go
        # through the kernel keyring) and semaphores.
        SystemCallFilter = [
          "@system-service"
          "~@privileged"
        ];
      };
  };

  services.immich-pi-agent-tailscale-serve = lib.mkIf tailscaleServe {
    description = "Serve the immich-pi agent on this tailnet over HTTPS";
    wantedBy = [ "multi-user.target" ];
    wants = [ "tailscaled.service" ];
    after = [
      "tailscaled.service"
      "immich-pi-agent.service"
    ];
    path = [
      tailscale
      jq
    ];
    # At `/`: a path prefix would be stripped before the agent sees the request and break the
    # signed @path. `serve --bg` exits 0 without serving anything while the tailnet has no HTTPS
    # certificates (it prints where to turn them on), so the unit checks what tailscaled serves
    # and fails otherwise; systemd then tries again, ever more slowly.
    script = ''
      target=unix:${agentSocket}
      tailscale serve --bg --https=443 "$target"
      if ! tailscale serve status --json \
        | jq --exit-status --arg target "$target" \
          'any(.Web[]?.Handlers["/"]?.Proxy; . == $target)' >/dev/null; then
        echo "tailscale serve does not serve the agent yet: turn on HTTPS certificates in the tailnet's DNS settings (https://login.tailscale.com/admin/dns); trying again later" >&2
        exit 1
      fi
    '';
    # Until the Pi is logged in and the tailnet has HTTPS certificates on, it fails and retries
    # forever: 30 s, then doubling up to 10 min.
    startLimitIntervalSec = 0;
    serviceConfig = {
      Type = "oneshot";
      RemainAfterExit = true;
      # `-`: with tailscaled already gone there is nothing left to switch off.
      ExecStop = "-${lib.getExe tailscale} serve --https=443 off";
      TimeoutStartSec = "2min";
      Restart = "on-failure";
      RestartSec = "30s";
      RestartSteps = 5;
      RestartMaxDelaySec = "10min";

      # Root, because tailscaled takes serve settings only from root (or its operator); nothing
      # else: no capabilities (tailscaled checks the caller's uid), no IP, no writes.
      CapabilityBoundingSet = "";
      NoNewPrivileges = true;
      ProtectSystem = "strict";
      ProtectHome = true;
      PrivateTmp = true;
      PrivateDevices = true;
      ProtectClock = true;
      ProtectControlGroups = true;
      ProtectHostname = true;
      ProtectKernelLogs = true;
      ProtectKernelModules = true;
      ProtectKernelTunables = true;
      ProtectProc = "invisible";
      ProcSubset = "pid";
      # Only tailscaled's LocalAPI socket (a unix socket, reachable read-only). Not
      # PrivateNetwork or PrivateUsers: tailscaled judges the caller by its peer credentials, and
      # neither was tried against a real tailscaled; IPAddressDeny keeps it off IP anyway.
      RestrictAddressFamilies = [ "AF_UNIX" ];
      IPAddressDeny = "any";
      RestrictNamespaces = true;
      RestrictRealtime = true;
      RestrictSUIDSGID = true;
      LockPersonality = true;
      MemoryDenyWriteExecute = true;
      SystemCallArchitectures = "native";
      SystemCallFilter = [
        "@system-service"
        "~@privileged @resources"
      ];
      UMask = "0077";
    };
  };
}

# The seed's Immich Pi written afresh with immich-pi: Immich and Postgres keep their data on the
# LUKS drive and stay off at boot, and the phone unlocks them instead of the SSH script.
# Lines marked REPLACE need your values (docs/raspberry-pi.md says where each comes from).
{ config, pkgs, ... }:
let
  drive = config.services.immich-pi-agent.settings.drive.mountPoint;
in
{
  imports = [ ../module.nix ];

  # Raspberry Pi 4 booting from the SD card (the layout of the NixOS aarch64 SD image).
  boot.loader.grub.enable = false;
  boot.loader.generic-extlinux-compatible.enable = true;
  fileSystems."/" = {
    device = "/dev/disk/by-label/NIXOS_SD";
    fsType = "ext4";
  };
  hardware.enableRedistributableFirmware = true;

  networking.hostName = "immich";
  # REPLACE: keep the value your seed configuration.nix has.
  system.stateVersion = "24.11";

  users.users.admin = {
    isNormalUser = true;
    extraGroups = [ "wheel" ];
    shell = pkgs.zsh;
    # REPLACE: ` mkpasswd -m sha-512` (the leading space keeps it out of your shell history).
    hashedPassword = "$6$REPLACE$with.the.output.of.mkpasswd";
  };
  programs.zsh.enable = true;
  services.openssh = {
    enable = true;
    settings.PermitRootLogin = "no";
  };

  # Immich on port 2283 (LAN and tailnet), its media and DB password on the drive.
  services.immich = {
    enable = true;
    host = "0.0.0.0";
    port = 2283;
    openFirewall = true;
    mediaLocation = "${drive}/immich_data";
    secretsFile = "${drive}/secrets/immich-secrets";
  };
  services.postgresql = {
    enable = true;
    dataDir = "${drive}/postgres";
    # REPLACE if your seed pins one: the data on the drive needs the major version that made it.
    # package = pkgs.postgresql_16;
  };

  # rustic backs up Immich's media to the cloud; /etc/rustic/rustic.toml (repository password and
  # cloud keys) is the seed's link into the drive's secrets/. The agent adds the timer and reports.
  systemd.services.immich-backup = {
    description = "Back up Immich with rustic";
    # "true" backs up only what Immich cannot regenerate (thumbnails and videos are rebuilt).
    environment.IMMICH_BACKUP_ESSENTIAL_ONLY = "false";
    path = [ config.services.immich-pi-agent.rusticPackage ];
    # rustic's cache, where the sandbox below lets it write.
    environment.XDG_CACHE_HOME = "/var/cache";
    serviceConfig = {
      Type = "oneshot";
      Nice = 10;
      IOSchedulingClass = "idle";
      CacheDirectory = "rustic";

      # As root, to read every file of Immich's (they are the immich user's, mode 0700), and
      # nothing more: the only capability left is reading past file modes.
      CapabilityBoundingSet = [ "CAP_DAC_READ_SEARCH" ];
      NoNewPrivileges = true;
      # Everything read-only but the cache (and the agent's report spool, which the module adds).
      # A repository on a local disk needs ReadWritePaths = [ "<its path>" ] here too.
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
      # Not ProcSubset = "pid": the agent's report reads the boot id under /proc/sys.
      # The cloud repository over IP (so no PrivateNetwork); netlink for name lookups; unix for
      # the journal. Not PrivateUsers: it must read as the real root.
      RestrictAddressFamilies = [
        "AF_UNIX"
        "AF_INET"
        "AF_INET6"
        "AF_NETLINK"
      ];
      RestrictNamespaces = true;
      RestrictRealtime = true;
      RestrictSUIDSGID = true;
      LockPersonality = true;
      # Not MemoryDenyWriteExecute: the agent's report (ExecStartPre, ExecStopPost) is Node, and
      # V8 writes the code it runs.
      SystemCallArchitectures = "native";
      # @pkey: V8 may guard its JIT pages with memory protection keys. A call outside the filter
      # fails rather than killing the backup.
      SystemCallFilter = [
        "@system-service @pkey"
        "~@privileged @resources"
      ];
      SystemCallErrorNumber = "EPERM";
      # Not 0077: the agent's group must read the reports (they are made 0640; 0077 would leave
      # them 0600, root's alone).
      UMask = "0027";
    };
    script = ''
      media=${drive}/immich_data
      if [ "$IMMICH_BACKUP_ESSENTIAL_ONLY" = true ]; then
        set --
        for dir in library upload profile backups; do
          if [ -e "$media/$dir" ]; then set -- "$@" "$media/$dir"; fi
        done
        exec rustic backup "$@"
      fi
      exec rustic backup "$media"
    '';
  };
  environment.systemPackages = [
    config.services.immich-pi-agent.rusticPackage
    pkgs.cryptsetup
  ];

  services.tailscale.enable = true;
  # immich.local on the LAN.
  services.avahi = {
    enable = true;
    nssmdns4 = true;
    publish = {
      enable = true;
      addresses = true;
    };
  };
  networking.firewall.enable = true;

  services.immich-pi-agent = {
    enable = true;
    # https://<pi>.<tailnet>.ts.net: the Pi's address once HTTPS certificates are on.
    tailscaleServe.enable = true;
    # Optional second factor: only these tailnet logins reach the agent at all.
    # tailscaleServe.allowedLogins = [ "you@example.org" ];
    settings = {
      # REPLACE: `sudo cryptsetup luksUUID /dev/sdX` (lsblk -f shows which sdX is the drive).
      drive.uuid = "REPLACE-with-the-drive-luksUUID";
      # REPLACE: a mailto: you read (push services want a real contact).
      push.subject = "mailto:you@example.org";
      # REPLACE: what `tailscale serve status` shows for this Pi.
      publicUrl = "https://immich.tail1234.ts.net/";
    };
  };
}

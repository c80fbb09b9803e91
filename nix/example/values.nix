# What module.nix hands the builders in ../settings.nix for ./configuration.nix, written out so
# they can be evaluated without nixpkgs: `settings` is services.immich-pi-agent.settings after
# merging (typed keys with their defaults, unset ones null, the REPLACE values filled in), and
# the store paths stand for lib.getExe of cryptsetup, systemd, rustic and the package.
{
  settings = {
    publicUrl = "https://immich.tail1234.ts.net/";
    drive = {
      uuid = "0b5d1e4a-27c9-4f53-9a8e-6c1d2f3e4a5b";
      mapperName = "immich_drive";
      mountPoint = "/mnt/immich_drive";
    };
    units = [
      "postgresql.service"
      "immich-server.service"
      "immich-machine-learning.service"
    ];
    immichUrl = "http://127.0.0.1:2283";
    backupUnit = "immich-backup.service";
    backup = {
      profile = null;
      timer = "immich-backup.timer";
    };
    push.subject = "mailto:you@example.org";
    alerts = {
      tempHighC = 80;
      tempClearC = 72;
      diskFullPercent = 90;
      diskClearPercent = 85;
    };
    security.allowedLogins = [ ];
  };
  tools = {
    cryptsetup = "/nix/store/1m7mzd9xq3jk8l2w4r0p6f5c9b8y2s1a-cryptsetup-2.7.5-bin/bin/cryptsetup";
    systemctl = "/nix/store/4k2n8p1x9z3c5v7b0m6l4j2h8g6f5d3s-systemd-257.5/bin/systemctl";
    journalctl = "/nix/store/4k2n8p1x9z3c5v7b0m6l4j2h8g6f5d3s-systemd-257.5/bin/journalctl";
    rustic = "/nix/store/9d1c3b5n7m2k4j6h8g0f2d4s6a8p0z1x-rustic-0.10.1/bin/rustic";
  };
  pwaDir = "/nix/store/2w4r6y8p0i1q3s5d7f9h1k3l5z7x9c0v-immich-pi-0.1.0/share/immich-pi-agent/pwa";
  # "${utils.escapeSystemdPath settings.drive.mountPoint}.mount"
  mountUnit = "mnt-immich_drive.mount";
}

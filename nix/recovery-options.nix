# The typed keys of services.immich-pi-agent.settings.recovery (ARCHITECTURE §17): restore drills,
# the database dump watch and drive health. Bounds are the agent's (agent/src/config.ts), so a
# value it would refuse fails at evaluation; options.nix makes them a section.
{ lib, settings }:
let
  inherit (lib) mkOption types;
  atLeastOne =
    types.addCheck types.number (n: n >= 1)
    // {
      description = "number, at least 1";
    };
  absolute = types.strMatching "/.*";
in
{
  spoolDir = mkOption {
    type = absolute;
    default = "/var/spool/immich-pi-agent/drills";
    description = ''
      Where the verify unit leaves one record per drill (root-owned, readable by the agent's
      group only; the module makes it). On the SD card, not the drive: a drill that finds the
      drive locked records that too.
    '';
  };
  sampleFiles = mkOption {
    type = types.ints.between 1 500;
    default = 20;
    description = "Files of the latest snapshot a drill restores and compares with the drive's.";
  };
  readDataSubset = mkOption {
    type = types.strMatching "([1-9][0-9]{0,2}(\\.[0-9]{1,2})?%|[1-9][0-9]{0,3}/[1-9][0-9]{0,3}|[1-9][0-9]{0,5}[kKmMgGtT]?)";
    default = "5%";
    example = "1/12";
    description = ''
      What `rustic check --read-data-subset` reads back of the repository's packs: a share
      ("5%"), one part of n ("1/12", a different part each month) or a size ("500M").
    '';
  };
  dumpsDir = mkOption {
    type = absolute;
    default = "${settings.drive.mountPoint}/immich_data/backups";
    defaultText = lib.literalExpression ''"''${settings.drive.mountPoint}/immich_data/backups"'';
    description = ''
      Immich's database dumps (`immich-db-backup-*.sql.gz`), on the drive: the newest one is
      restored by each drill and watched for its age.
    '';
  };
  dumpMaxAgeHours = mkOption {
    type = atLeastOne;
    default = 48;
    description = "No dump newer than this raises db-dump-stale (Immich makes one a day by default).";
  };
  drillOverdueDays = mkOption {
    type = atLeastOne;
    default = 40;
    description = "No passed drill for this long raises restore-test-overdue (the timer runs monthly).";
  };
  drillTimeoutMinutes = mkOption {
    type = types.ints.between 1 1440;
    default = 120;
    description = ''
      A drill that has not ended by then is recorded as failed; the verify unit is stopped a
      little later, should the program itself hang.
    '';
  };
  lockFile = mkOption {
    type = types.strMatching "/run/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+";
    default = "/run/immich-pi-backup-lock/backup.lock";
    description = ''
      The file through which backups and drills take turns. In a directory of its own under
      /run, which the module makes and the verify unit alone may write (its file system is
      otherwise read-only, /run included).
    '';
  };
  healthEveryHours = mkOption {
    type = atLeastOne;
    default = 24;
    description = "Hours between SMART reads of the drive (it is also read after each unlock).";
  };
}

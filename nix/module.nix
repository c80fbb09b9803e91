# services.immich-pi-agent: the agent, its root helper, the drive's mount, the backup hooks, the
# restore drill and `tailscale serve`, so a Pi boots with Immich off and is unlocked from a phone
# (ARCHITECTURE §13, §17).
{
  config,
  lib,
  pkgs,
  utils,
  ...
}:
let
  cfg = config.services.immich-pi-agent;
  format = pkgs.formats.json { };
  configs = import ./settings.nix;
  inherit (configs) paths verifyService;

  mountUnit = "${utils.escapeSystemdPath cfg.settings.drive.mountPoint}.mount";
  # Programs by store path: the helper runs them as root and must never look one up in PATH.
  tools = {
    cryptsetup = lib.getExe' pkgs.cryptsetup "cryptsetup";
    systemctl = lib.getExe' config.systemd.package "systemctl";
    journalctl = lib.getExe' config.systemd.package "journalctl";
    rustic = lib.getExe cfg.rusticPackage;
    smartctl = lib.getExe' cfg.smartmontoolsPackage "smartctl";
  };
  agentConfigFile = format.generate "immich-pi-agent.json" (
    configs.agentConfig {
      inherit (cfg) settings;
      inherit tools;
      pwaDir = "${cfg.package}/share/immich-pi-agent/pwa";
      inherit (cfg.tailscaleServe) allowedLogins;
    }
  );
  # The helper's keys for start-drill, drive-health and list-dumps: smartctl by its store path.
  healthHelperKeys = {
    verifyUnit = "${verifyService}.service";
    inherit (tools) smartctl;
    inherit (cfg.settings.recovery) dumpsDir;
  };
  helperConfigFile = format.generate "immich-pi-helper.json" (
    configs.helperConfig {
      inherit (cfg) settings;
      inherit tools mountUnit;
      health = healthHelperKeys;
    }
  );
  agent = lib.getExe cfg.package;
  # The programs that run as root have bundles of their own (nix/package.nix).
  helper = "${cfg.package}/libexec/immich-pi/immich-pi-helper";
  reportBackup = "${cfg.package}/libexec/immich-pi/immich-pi-report-backup";
  verifyBackup = "${cfg.package}/libexec/immich-pi/immich-pi-verify-backup";
  tailscale = config.services.tailscale.package;
  units = import ./units.nix {
    inherit lib agent helper agentConfigFile helperConfigFile paths;
    inherit (pkgs) jq;
    inherit tailscale;
    tailscaleServe = cfg.tailscaleServe.enable;
  };
  userLogins = cfg.settings.security.allowedLogins or [ ];

  serviceName = unit: lib.removeSuffix ".service" unit;
  heldServices = map serviceName (lib.filter (lib.hasSuffix ".service") cfg.settings.units);
  backupService = serviceName cfg.settings.backupUnit;
  backupUnit = config.systemd.services.${backupService};
  # How rustic finds its repository in the backup unit: variables (RUSTIC_PASSWORD_FILE,
  # XDG_CACHE_HOME), files and credentials holding them, its cache. The drill runs rustic with
  # exactly these, read off that unit, so the two never drift apart. PATH is each unit's own.
  rusticEnvironment = {
    environment = removeAttrs backupUnit.environment [ "PATH" ];
    serviceConfig = builtins.intersectAttrs (lib.genAttrs [
      "EnvironmentFile"
      "LoadCredential"
      "LoadCredentialEncrypted"
      "SetCredential"
      "CacheDirectory"
    ] (_: null)) backupUnit.serviceConfig;
  };
  recovery = import ./recovery.nix {
    inherit lib verifyBackup verifyService agentConfigFile mountUnit rusticEnvironment;
    inherit (cfg) settings;
    onCalendar = cfg.verifyOnCalendar;
    backupSpoolDir = paths.spoolDir;
  };
  # A unit this module only amends must be defined elsewhere, or amending it makes an empty stub.
  isDefinedService =
    name:
    let
      service = config.systemd.services.${name};
    in
    service.script != "" || service.serviceConfig ? ExecStart;
  backupTimerName = lib.removeSuffix ".timer" cfg.settings.backup.timer;
  # Triggers that count from boot or from the last run: the seed's block, left in beside ours.
  backupTimerRelative = lib.attrNames (
    lib.filterAttrs (
      key: _:
      lib.elem key [
        "OnActiveSec"
        "OnBootSec"
        "OnStartupSec"
        "OnUnitActiveSec"
        "OnUnitInactiveSec"
      ]
    ) config.systemd.timers.${backupTimerName}.timerConfig
  );
in
{
  imports = [ ./options.nix ];

  config = lib.mkIf cfg.enable {
    warnings = lib.optional (backupTimerRelative != [ ]) "services.immich-pi-agent: systemd.timers.${backupTimerName} has ${lib.concatStringsSep ", " backupTimerRelative} beside the module's OnCalendar (the seed's timer block?): the two merge into one timer that runs on both schedules, and \"Back up now\" moves its next run. Delete that block, or set services.immich-pi-agent.backupOnCalendar.";
    assertions = [
      {
        assertion = builtins.match "[0-9a-fA-F-]{8,64}" cfg.settings.drive.uuid != null;
        message = "services.immich-pi-agent.settings.drive.uuid must be the drive's LUKS UUID (`sudo cryptsetup luksUUID /dev/sdX`).";
      }
      {
        assertion =
          cfg.settings.push.subject != null
          && builtins.match "(mailto:.+@.+|https://.+)" cfg.settings.push.subject != null;
        message = "services.immich-pi-agent.settings.push.subject must be a mailto: address or an https: URL of yours: push services refuse pushes without a real contact.";
      }
      {
        assertion = !(cfg.settings ? stateDir || cfg.settings ? adminSocket || cfg.settings ? helper);
        message = "services.immich-pi-agent.settings: leave stateDir, adminSocket and helper unset; they follow the directories of the module's units.";
      }
      {
        assertion = cfg.tailscaleServe.enable -> config.services.tailscale.enable;
        message = "services.immich-pi-agent.tailscaleServe needs services.tailscale.enable.";
      }
      {
        # `tailscale serve` proxies to a unix socket from 1.94 on.
        assertion =
          cfg.tailscaleServe.enable -> lib.versionAtLeast (lib.getVersion tailscale) "1.94";
        message = "services.immich-pi-agent.tailscaleServe needs tailscale 1.94 or newer (this system has ${lib.getVersion tailscale}): update nixpkgs or set services.tailscale.package.";
      }
      {
        assertion = cfg.tailscaleServe.enable -> !(cfg.settings ? listen);
        message = "services.immich-pi-agent.tailscaleServe serves the agent's unix socket: leave settings.listen unset.";
      }
      {
        # Behind `tailscale serve` the agent sees `Host: localhost`; it checks a pairing phone's
        # Origin against this address instead.
        assertion =
          cfg.tailscaleServe.enable
          -> cfg.settings.publicUrl != null && lib.hasPrefix "https://" cfg.settings.publicUrl;
        message = "services.immich-pi-agent.tailscaleServe needs settings.publicUrl, this Pi's https://<name>.<tailnet>.ts.net/ address (`tailscale serve status` shows it): the agent checks a pairing phone's Origin against it.";
      }
      {
        assertion = cfg.tailscaleServe.allowedLogins == [ ] || userLogins == [ ];
        message = "services.immich-pi-agent: set the login allowlist in tailscaleServe.allowedLogins only, not also in settings.security.allowedLogins.";
      }
      {
        assertion = cfg.tailscaleServe.allowedLogins ++ userLogins != [ ] -> cfg.tailscaleServe.enable;
        message = "services.immich-pi-agent.tailscaleServe.allowedLogins checks a header only `tailscale serve` sets.";
      }
      {
        # The guard's hysteresis: resuming at or above the pause threshold would flap.
        assertion = cfg.settings.guard.resumeC < cfg.settings.guard.pauseC;
        message = "services.immich-pi-agent.settings.guard.resumeC (${toString cfg.settings.guard.resumeC}) must be below guard.pauseC (${toString cfg.settings.guard.pauseC}).";
      }
      {
        # The helper caps only services it already starts and stops (its capUnits, settings.nix).
        assertion = lib.all (unit: lib.elem unit cfg.settings.units) cfg.settings.guard.capUnits;
        message = "services.immich-pi-agent.settings.guard.capUnits must name only units of settings.units.";
      }
      {
        # The agent refuses a key file off the drive: the key must never sit on the SD card or in the store.
        assertion = lib.hasPrefix "${cfg.settings.drive.mountPoint}/" cfg.settings.immich.apiKeyFile;
        message = "services.immich-pi-agent.settings.immich.apiKeyFile must be a file on the encrypted drive (under ${cfg.settings.drive.mountPoint}/).";
      }
    ]
    ++ recovery.assertions
    ++ map (name: {
      assertion = isDefinedService name;
      message = "services.immich-pi-agent: ${name}.service (in settings.units or settings.backupUnit) is not defined; the module only holds it until unlock.";
    }) (heldServices ++ [ backupService ]);

    services.immich-pi-agent.settings.backup.timer = lib.mkDefault "${backupService}.timer";

    # `sudo immich-pi-agent pair` finds this config without --config.
    environment.etc."immich-pi-agent/config.json".source = agentConfigFile;
    # What the root helper may run, to read (its unit names the store file itself).
    environment.etc."immich-pi-agent/helper.json".source = helperConfigFile;
    environment.systemPackages = [ cfg.package ];

    # Static, not DynamicUser: the helper socket, the spool and the CLI need a stable group.
    users.users.immich-pi-agent = {
      isSystemUser = true;
      group = "immich-pi-agent";
      description = "immich-pi agent";
    };
    users.groups.immich-pi-agent = { };

    systemd.tmpfiles.settings."10-immich-pi-agent" = {
      # The helper's socket directory: only root and the agent's group may even reach the socket.
      # `d` also fixes the owner when the socket unit made the directory first (on a switch).
      ${paths.helperRuntimeDir}.d = {
        mode = "0750";
        user = "root";
        group = "immich-pi-agent";
      };
      # cryptsetup's lock directory, made here because the helper sees /run read-only.
      "/run/cryptsetup".d = {
        mode = "0700";
        user = "root";
        group = "root";
      };
      ${paths.spoolParent}.d = {
        mode = "0755";
        user = "root";
        group = "root";
      };
      # report-backup writes records here as root; the agent's group may only read them, and the
      # setgid bit hands each new file that group.
      ${paths.spoolDir}.d = {
        mode = "2750";
        user = "root";
        group = "immich-pi-agent";
      };
    }
    // recovery.tmpfiles;

    # The drive: opened by the helper, mounted by systemd when the helper starts this unit.
    # noauto keeps it out of local-fs.target, so a locked drive never holds up a boot; it is
    # fsck'ed before mounting (a power cut is the usual way a Pi goes down).
    fileSystems.${cfg.settings.drive.mountPoint} = {
      device = "/dev/mapper/${cfg.settings.drive.mapperName}";
      inherit (cfg) fsType;
      options = [
        "noauto"
        "nofail"
        "noatime"
      ];
    };

    # Nothing that lives on the drive starts at boot. Current nixpkgs has multi-user.target want
    # postgresql.target, which pulls postgresql.service in, so that link is cut too.
    systemd.targets.postgresql = lib.mkIf config.services.postgresql.enable {
      wantedBy = lib.mkForce [ ];
    };
    systemd.sockets = units.sockets;
    systemd.services = lib.mkMerge [
      units.services
      recovery.services
      (lib.genAttrs heldServices (_: {
        wantedBy = lib.mkForce [ ];
        # Started without the drive, Postgres would run initdb on the SD card under the mount point.
        unitConfig.RequiresMountsFor = [ cfg.settings.drive.mountPoint ];
      }))
      {
        # Each run is recorded as root inside the unit, so the agent never holds backup secrets.
        ${backupService} = {
          unitConfig.ConditionPathIsMountPoint = cfg.settings.drive.mountPoint;
          serviceConfig = {
            ExecStartPre = [ "${reportBackup} --before --config ${agentConfigFile}" ];
            # `-`: a report that cannot be made never fails the backup (it always exits 0 anyway).
            ExecStopPost = [ "-${reportBackup} --config ${agentConfigFile}" ];
            # Where the reports go, should the unit make the file system read-only (the example's
            # does: ProtectSystem = "strict").
            ReadWritePaths = [ paths.spoolDir ];
          };
        };
      }
    ];
    systemd.timers = recovery.timers // {
      ${backupTimerName} = {
        description = "Daily Immich backup (skipped while the drive is locked, caught up after unlock)";
        wantedBy = [ "timers.target" ];
        timerConfig = {
          Unit = cfg.settings.backupUnit;
          OnCalendar = cfg.backupOnCalendar;
          # A run missed while the Pi was off starts at the next boot (and skips if still locked;
          # the agent then starts it after unlock).
          Persistent = true;
          RandomizedDelaySec = "30min";
        };
      };
    };
  };
}

# The options of services.immich-pi-agent: a free-form `settings` (the agent's JSON config) with
# typed, documented keys for what a seed user must or may well change. module.nix implements them.
{
  config,
  lib,
  pkgs,
  ...
}:
let
  inherit (lib) mkOption types;
  settings = config.services.immich-pi-agent.settings;
  format = pkgs.formats.json { };
  # A settings section: typed keys, and any other key of the agent's schema passed through as is.
  section =
    options:
    mkOption {
      type = types.submodule {
        freeformType = format.type;
        inherit options;
      };
      default = { };
      description = "See the options below; other keys go to the agent's config as they are.";
    };
  unitName = types.strMatching "[A-Za-z0-9][A-Za-z0-9:_.@-]{0,99}";
  # The agent's bounds (agent/src/config.ts), so a value it would refuse fails at evaluation.
  celsius = types.numbers.between 30 100;
  holdSeconds = types.ints.between 0 86400;
  queueName = types.strMatching "[A-Za-z][A-Za-z0-9]{0,63}";
  queueList =
    types.addCheck (types.listOf queueName) (queues: queues != [ ] && builtins.length queues <= 32)
    // {
      description = "list of 1-32 Immich queue names";
    };
  atLeastOne =
    types.addCheck types.number (n: n >= 1)
    // {
      description = "number, at least 1";
    };
  # Immich's units the guard may cap (agent/src/config-primitives.ts DEFAULT_CAP_UNITS).
  immichUnits = [
    "immich-server.service"
    "immich-machine-learning.service"
  ];
in
{
  options.services.immich-pi-agent = {
    enable = lib.mkEnableOption "immich-pi, which unlocks, watches and backs up this Immich Pi from a phone";

    # mkPackageOption looks the package up in pkgs; this one ships beside the module instead.
    package = mkOption {
      type = types.package;
      default = pkgs.callPackage ./package.nix { };
      defaultText = lib.literalExpression "pkgs.callPackage ./package.nix { }";
      description = "The immich-pi package (the agent CLI and the app it serves).";
    };

    rusticPackage = lib.mkPackageOption pkgs "rustic" { };

    # smartctl reads the drive's health for the helper's drive-health verb.
    smartmontoolsPackage = lib.mkPackageOption pkgs "smartmontools" { };

    fsType = mkOption {
      type = types.str;
      default = "ext4";
      description = "File system inside the LUKS container.";
    };

    backupOnCalendar = mkOption {
      type = types.str;
      default = "daily";
      example = "*-*-* 03:30:00";
      description = "When the timer starts the backup unit (a systemd.time(7) calendar event).";
    };

    verifyOnCalendar = mkOption {
      type = types.str;
      default = "monthly";
      example = "Sun *-*-1..7 04:00:00";
      description = ''
        When the timer starts a restore drill (immich-pi-verify-backup.service, a systemd.time(7)
        calendar event); a run missed while the Pi was off starts at the next boot.
      '';
    };

    tailscaleServe = {
      enable = lib.mkEnableOption "serving the agent's socket on this tailnet (`tailscale serve --https=443`, path `/`)";
      allowedLogins = mkOption {
        type = types.listOf types.str;
        default = [ ];
        example = [ "anna@example.org" ];
        description = ''
          Tailnet logins allowed to reach the agent at all, checked against the
          `Tailscale-User-Login` header that `tailscale serve` sets: a second factor besides the
          paired device key. Empty allows every login. Tagged devices send no login.
        '';
      };
    };

    settings = mkOption {
      type = types.submodule {
        freeformType = format.type;
        options = {
          publicUrl = mkOption {
            type = types.nullOr types.str;
            default = null;
            example = "https://immich.tail1234.ts.net/";
            description = "The URL phones open, printed by `immich-pi-agent pair`.";
          };
          drive = section {
            uuid = mkOption {
              type = types.str;
              default = "";
              example = "0b5d1e4a-27c9-4f53-9a8e-6c1d2f3e4a5b";
              description = "The LUKS header's UUID: `sudo cryptsetup luksUUID /dev/sdX`.";
            };
            mapperName = mkOption {
              type = types.strMatching "[A-Za-z0-9_.-]{1,64}";
              default = "immich_drive";
              description = "Name of the opened mapping, /dev/mapper/<name>.";
            };
            mountPoint = mkOption {
              type = types.strMatching "/.*";
              default = "/mnt/immich_drive";
              description = "Where the opened drive is mounted.";
            };
          };
          units = mkOption {
            type = types.listOf unitName;
            default = [
              "postgresql.service"
              "immich-server.service"
              "immich-machine-learning.service"
            ];
            description = ''
              Services unlock starts after the mount, in this order (lock stops them in
              reverse). Each must be a NixOS service; the module keeps it off at boot and makes it
              require the drive.
            '';
          };
          immichUrl = mkOption {
            type = types.str;
            default = "http://127.0.0.1:2283";
            description = "Where Immich answers GET /api/server/ping once unlocked, and its API on loopback.";
          };
          backupUnit = mkOption {
            type = unitName;
            default = "immich-backup.service";
            description = "The backup service; the module adds its report hooks, condition and timer.";
          };
          backup = section {
            profile = mkOption {
              type = types.nullOr types.str;
              default = null;
              example = "b2";
              description = ''
                rustic config profile (`-P`) when not the default `rustic` (/etc/rustic/rustic.toml);
                the backup unit's own rustic command must use the same.
              '';
            };
          };
          recovery = section (import ./recovery-options.nix { inherit lib settings; });
          push = section {
            subject = mkOption {
              type = types.nullOr types.str;
              default = null;
              example = "mailto:you@example.org";
              description = "VAPID contact: a mailto: you read or an https: URL of yours. Required.";
            };
          };
          immich = section {
            apiKeyFile = mkOption {
              type = types.strMatching "/.*";
              default = "${settings.drive.mountPoint}/secrets/immich-pi-api-key";
              defaultText = lib.literalExpression ''"''${settings.drive.mountPoint}/secrets/immich-pi-api-key"'';
              description = ''
                An Immich admin API key with the queue and job permissions, in a file on the
                encrypted drive (mode 0640, group immich-pi-agent), read after each unlock. A path
                as a string: the key must never be copied into the Nix store.
              '';
            };
            pollSeconds = mkOption {
              type = atLeastOne;
              default = 30;
              description = "Seconds between looks at Immich's queues while the Pi is cool.";
            };
          };
          guard = section {
            enabled = mkOption {
              type = types.bool;
              default = true;
              description = ''
                The thermal guard: pauses Immich's heavy queues when the Pi is hot and resumes
                them when it has cooled (the app can change this and the values below).
              '';
            };
            pauseC = mkOption {
              type = celsius;
              default = 75;
              description = "Temperature that pauses the heavy queues once held pauseHoldSeconds.";
            };
            pauseHoldSeconds = mkOption {
              type = holdSeconds;
              default = 60;
              description = "How long pauseC must hold before the guard pauses.";
            };
            resumeC = mkOption {
              type = celsius;
              default = 65;
              description = "Temperature below which the guard resumes, once held resumeHoldSeconds; below pauseC.";
            };
            resumeHoldSeconds = mkOption {
              type = holdSeconds;
              default = 300;
              description = "How long the Pi must stay below resumeC before the guard resumes.";
            };
            queues = mkOption {
              type = queueList;
              default = [
                "thumbnailGeneration"
                "videoConversion"
                "smartSearch"
                "faceDetection"
                "facialRecognition"
                "ocr"
              ];
              description = "Immich's queues the guard pauses (those this Immich lacks are skipped).";
            };
            capUnits = mkOption {
              type = types.listOf unitName;
              default = builtins.filter (unit: builtins.elem unit settings.units) immichUnits;
              defaultText = lib.literalExpression ''
                builtins.filter (unit: builtins.elem unit settings.units)
                  [ "immich-server.service" "immich-machine-learning.service" ]
              '';
              description = ''
                Units (of `units`) whose CPU the guard caps through the root helper
                (`systemctl set-property --runtime`, gone at reboot) when it cannot pause Immich's
                queues: no API key, or Immich not answering.
              '';
            };
            capPercent = mkOption {
              type = types.ints.between 1 400;
              default = 100;
              description = "The cap, in percent of one core (400 is all four of a Pi 4).";
            };
          };
          alerts = section {
            tempHighC = mkOption {
              type = types.number;
              default = 80;
              description = "CPU temperature that raises temp-high after 2 minutes.";
            };
            tempClearC = mkOption {
              type = types.number;
              default = 72;
              description = "Temperature below which temp-high clears after 5 minutes.";
            };
            diskFullPercent = mkOption {
              type = types.number;
              default = 90;
              description = "Use of the drive or SD card that raises disk-full.";
            };
            diskClearPercent = mkOption {
              type = types.number;
              default = 85;
              description = "Use below which disk-full clears.";
            };
          };
        };
      };
      default = { };
      example = lib.literalExpression ''
        {
          publicUrl = "https://immich.tail1234.ts.net/";
          drive.uuid = "0b5d1e4a-27c9-4f53-9a8e-6c1d2f3e4a5b";
          push.subject = "mailto:you@example.org";
          backup.staleHours = 48;
        }
      '';
      description = ''
        The agent's config, written to /etc/immich-pi-agent/config.json. Keys are those of
        agent/src/config.ts; an unknown key stops the agent at start. Quiet hours are set per
        phone in the app, not here.
      '';
    };
  };
}

# The restore drill (ARCHITECTURE §17): its unit and monthly timer, its spool and lock directories,
# and the checks on settings.recovery. A plain function like units.nix: module.nix passes in what it
# has computed and merges what this answers.
{
  lib,
  verifyBackup,
  verifyService,
  agentConfigFile,
  settings,
  onCalendar,
  mountUnit,
  backupSpoolDir,
  # The backup unit's environment for rustic (module.nix reads it off that unit).
  rusticEnvironment,
}:
let
  inherit (settings) recovery;
  drive = settings.drive.mountPoint;
  lockDir = dirOf recovery.lockFile;
  isWithin = dir: path: path == dir || lib.hasPrefix "${dir}/" path;
  option = "services.immich-pi-agent.settings.recovery";
in
{
  assertions = [
    {
      # The drill restores the newest dump from the snapshot of the drive's files.
      assertion = lib.hasPrefix "${drive}/" recovery.dumpsDir;
      message = "${option}.dumpsDir must be Immich's dump directory on the drive (under ${drive}/), as backed up.";
    }
    {
      # A drill that finds the drive locked still leaves its record, and the agent reads it.
      assertion = !(isWithin drive recovery.spoolDir);
      message = "${option}.spoolDir must not be on the drive (${drive}): a drill records a locked drive there too.";
    }
    {
      assertion = !(isWithin backupSpoolDir recovery.spoolDir || isWithin recovery.spoolDir backupSpoolDir);
      message = "${option}.spoolDir must be a directory of its own, apart from the backup reports (${backupSpoolDir}).";
    }
    {
      # A drill checks part of the repository over the network and restores files: on a Pi that
      # takes minutes, and a shorter limit would cut every drill off.
      assertion = recovery.drillTimeoutMinutes >= 10;
      message = "${option}.drillTimeoutMinutes (${toString recovery.drillTimeoutMinutes}) must be at least 10.";
    }
    {
      assertion = !(recovery ? verifyUnit || recovery ? verifyTimer);
      message = "${option}: leave verifyUnit and verifyTimer unset; they are the module's ${verifyService} units.";
    }
  ];

  tmpfiles = {
    # The drill's records, as root; the agent's group may only read them (setgid hands each new
    # file that group), like the backup reports.
    ${recovery.spoolDir}.d = {
      mode = "2750";
      user = "root";
      group = "immich-pi-agent";
    };
    # Backups and drills take turns through a lock file here: root's alone.
    ${lockDir}.d = {
      mode = "0700";
      user = "root";
      group = "root";
    };
  };

  services.${verifyService} = {
    description = "Restore drill of the Immich backup: a sample and the newest database dump";
    # Not ConditionPathIsMountPoint: on a locked drive the program records that no drill could
    # run, so the app says why. The cloud repository needs the network.
    wants = [ "network-online.target" ];
    # Stopped before the drive is unmounted (lock), so the drive is never held busy; the program
    # removes its scratch directory and records the drill as cut off.
    partOf = [ mountUnit ];
    after = [
      "network-online.target"
      mountUnit
    ];
    # A switch does not kill a drill half way; the next one runs the new unit.
    restartIfChanged = false;
    # rustic finds its repository, password and cache as in the backup unit.
    inherit (rusticEnvironment) environment;
    serviceConfig = rusticEnvironment.serviceConfig // {
      Type = "oneshot";
      ExecStart = "${verifyBackup} --config ${agentConfigFile}";
      # Root, like the backup: rustic needs the repository password the agent must never hold.
      User = "root";
      Group = "root";
      # The program gives up at drillTimeoutMinutes and records why; this stops it should it hang.
      TimeoutStartSec = "${toString (recovery.drillTimeoutMinutes + 15)}min";
      # Immich always goes first.
      Nice = 19;
      IOSchedulingClass = "idle";

      # Its writes: the scratch directory on the drive (made and removed by each drill, so the
      # whole mount; `-`: a locked drive's mount point may be missing), its records, the lock.
      ReadWritePaths = [
        "-${drive}"
        recovery.spoolDir
        lockDir
      ];
      # Reading every file of Immich's (the immich user's, mode 0700), restoring them with their
      # owners and modes as rustic does for root, and removing them again afterwards.
      CapabilityBoundingSet = [
        "CAP_DAC_READ_SEARCH"
        "CAP_DAC_OVERRIDE"
        "CAP_CHOWN"
        "CAP_FOWNER"
      ];
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
      # Not ProcSubset = "pid": the program reads the boot id under /proc/sys.
      # The cloud repository over IP (so no PrivateNetwork); netlink for name lookups; unix for
      # systemctl and the journal. Not PrivateUsers: it must read and restore as the real root.
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
      # Not MemoryDenyWriteExecute: the program is Node, and V8 writes the code it runs.
      SystemCallArchitectures = "native";
      # @pkey: V8 may guard its JIT pages with memory protection keys. @chown (in @privileged):
      # restored files get their owners back. A call outside the filter fails, not the drill.
      SystemCallFilter = [
        "@system-service @pkey"
        "~@privileged @resources"
        "@chown"
      ];
      SystemCallErrorNumber = "EPERM";
      # Not 0077: the records must be readable by the agent's group (the program asks for 0640).
      UMask = "0027";
    };
  };

  timers.${verifyService} = {
    description = "Monthly restore drill of the Immich backup";
    wantedBy = [ "timers.target" ];
    timerConfig = {
      Unit = "${verifyService}.service";
      OnCalendar = onCalendar;
      # A drill missed while the Pi was off runs at the next boot (and, the drive still locked,
      # records just that; the app offers "Test a restore now" after unlock).
      Persistent = true;
      # Not at midnight sharp on every Pi against the same cloud.
      RandomizedDelaySec = "4h";
    };
  };
}

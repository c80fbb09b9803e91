# The agent's and the helper's JSON configs, built from the module's values with builtins only.
# module.nix uses these functions; tests/integration/nix.test.ts evaluates the example system and
# checks what they give against nix/example/*.json and the agent's schemas.
let
  # Where the units keep things. module.nix names the same directories in its units.
  paths = {
    runtimeDir = "/run/immich-pi-agent";
    stateDir = "/var/lib/immich-pi-agent";
    helperRuntimeDir = "/run/immich-pi-helper";
    helperStateDir = "/var/lib/immich-pi-helper";
    spoolParent = "/var/spool/immich-pi-agent";
    spoolDir = "/var/spool/immich-pi-agent/backups";
  };
  # The restore drill's service and timer (nix/recovery.nix), named in both configs.
  verifyService = "immich-pi-verify-backup";

  # A typed option left unset is null; the agent's schema reads a missing key as "use the
  # default" but refuses null, so nulls are dropped at every depth.
  withoutNulls =
    value:
    if builtins.isAttrs value then
      let
        unset = builtins.filter (name: value.${name} == null) (builtins.attrNames value);
      in
      builtins.mapAttrs (_: withoutNulls) (builtins.removeAttrs value unset)
    else if builtins.isList value then
      map withoutNulls value
    else
      value;

  # lib.recursiveUpdate without nixpkgs: attribute sets merge, anything else from `right` wins.
  recursiveUpdate =
    left: right:
    left
    // builtins.mapAttrs (
      name: value:
      if builtins.isAttrs value && builtins.isAttrs (left.${name} or null) then
        recursiveUpdate left.${name} value
      else
        value
    ) right;

  # The helper takes only the step limits it enforces itself (its schema refuses the rest).
  helperTimeoutNames = [
    "kdfSeconds"
    "mountSeconds"
    "unitSeconds"
  ];
in
{
  inherit paths verifyService withoutNulls recursiveUpdate;

  /**
    agentConfig: the agent's config.json. `settings` is the module's merged `settings` (typed
    keys included, unset ones null); `tools` are absolute store paths of the programs it names;
    `allowedLogins` is tailscaleServe.allowedLogins. The user's settings win over all of them.
  */
  agentConfig =
    {
      settings,
      tools,
      pwaDir,
      allowedLogins ? [ ],
    }:
    let
      defaults = {
        inherit pwaDir;
        listen.socket = "${paths.runtimeDir}/agent.sock";
        adminSocket = "${paths.runtimeDir}/admin.sock";
        stateDir = paths.stateDir;
        helper.socket = "${paths.helperRuntimeDir}/helper.sock";
        systemctl = tools.systemctl;
        backup = {
          spoolDir = paths.spoolDir;
          rustic = tools.rustic;
          journalctl = tools.journalctl;
        };
        recovery = {
          verifyUnit = "${verifyService}.service";
          verifyTimer = "${verifyService}.timer";
        };
      }
      // (if allowedLogins == [ ] then { } else { security = { inherit allowedLogins; }; });
    in
    withoutNulls (
      recursiveUpdate defaults settings
      # `listen` is a socket or a host and port, never a mix of the default and the user's.
      // { listen = settings.listen or defaults.listen; }
    );

  /**
    helperConfig: the root helper's config. Everything it may touch is named here by absolute
    path, and its unit lists are the agent's: the helper refuses any other unit. It may cap the
    guard's capUnits even while settings.guard.enabled is false, as the app can turn the guard on.
    `health` are the keys of the drill and drive health verbs (module.nix's healthHelperKeys).
  */
  helperConfig =
    {
      settings,
      tools,
      mountUnit,
      health ? { },
    }:
    health
    // {
      inherit (tools) cryptsetup systemctl journalctl;
      inherit mountUnit;
      device = "/dev/disk/by-uuid/${settings.drive.uuid}";
      mapperName = settings.drive.mapperName;
      units = settings.units;
      backupUnit = settings.backupUnit;
      capUnits = settings.guard.capUnits;
      stateDir = paths.helperStateDir;
      timeouts = withoutNulls (
        builtins.intersectAttrs (builtins.listToAttrs (
          map (name: {
            inherit name;
            value = null;
          }) helperTimeoutNames
        )) (settings.timeouts or { })
      );
    };
}

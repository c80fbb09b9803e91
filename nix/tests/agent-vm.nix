# A NixOS VM test: the agent starts inside its sandbox, listens only on its unix socket and
# answers `hello` there; the helper's socket is up; the restore drill's timer is armed. Needs KVM
# and nixpkgs, so CI here cannot run it:
#   nix-build nix/tests/agent-vm.nix
{
  pkgs ? import <nixpkgs> { },
}:
pkgs.testers.runNixOSTest {
  name = "immich-pi-agent";

  nodes.machine =
    { pkgs, ... }:
    {
      imports = [ ../module.nix ];
      services.immich-pi-agent = {
        enable = true;
        settings = {
          name = "vm-test";
          drive.uuid = "0b5d1e4a-27c9-4f53-9a8e-6c1d2f3e4a5b";
          push.subject = "mailto:owner@example.org";
          # No Postgres or Immich in this VM: nothing to hold until unlock.
          units = [ ];
        };
      };
      # The module amends the backup unit; a stand-in is enough here.
      systemd.services.immich-backup.script = "true";
      environment.systemPackages = [ pkgs.curl ];
    };

  testScript = ''
    machine.wait_for_unit("immich-pi-helper.socket")
    machine.wait_for_unit("immich-pi-agent.service")
    machine.wait_for_file("/run/immich-pi-agent/agent.sock")
    hello = machine.succeed(
        "curl --fail --silent --unix-socket /run/immich-pi-agent/agent.sock http://localhost/api/v1/hello"
    )
    assert '"name":"vm-test"' in hello, hello
    # Reachable only through its socket (tailscale serve on a Pi): no TCP port of its own.
    pid = machine.succeed("systemctl show -P MainPID immich-pi-agent.service").strip()
    machine.fail(f"ss -Htlnp | grep -q 'pid={pid},'")
    machine.succeed("stat -c '%a %U %G' /run/immich-pi-helper/helper.sock | grep -qx '660 root immich-pi-agent'")
    # The monthly restore drill is armed; its records are root's, readable by the agent's group.
    machine.succeed("systemctl is-active immich-pi-verify-backup.timer")
    machine.succeed("stat -c '%a %U %G' /var/spool/immich-pi-agent/drills | grep -qx '2750 root immich-pi-agent'")
  '';
}

# The two JSON configs the module writes for the example system, from builtins only (no nixpkgs):
#   nix-instantiate --eval --strict --json nix/tests/example-configs.nix
# tests/integration/nix.test.ts compares them with nix/example/*.json, and `example` (what
# configuration.nix sets for the agent) with the values they were built from.
let
  configs = import ../settings.nix;
  values = import ../example/values.nix;
  # Its agent block reads neither `config` nor `pkgs`, so empty stand-ins evaluate it.
  example = import ../example/configuration.nix {
    config = { };
    pkgs = { };
  };
in
{
  agent = configs.agentConfig { inherit (values) settings tools pwaDir; };
  helper = configs.helperConfig { inherit (values) settings tools mountUnit; };
  example = example.services.immich-pi-agent;
}

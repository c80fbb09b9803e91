# The immich-pi package: the agent CLI bundled into one file, run by Node 22, and the built app it
# serves (share/immich-pi-agent/pwa). `npm run build` makes both; npm's lockfile pins every input.
{
  lib,
  buildNpmPackage,
  importNpmLock,
  nodejs_22,
  makeBinaryWrapper,
}:
let
  packageJson = lib.importJSON ../package.json;
  # Only what the build reads, so editing docs or tests does not rebuild the package.
  src = lib.fileset.toSource {
    root = ../.;
    fileset = lib.fileset.unions [
      ../package.json
      ../package-lock.json
      ../tsconfig.base.json
      ../tsconfig.json
      ../agent
      ../shared
      ../pwa
      ../scripts
      # scripts/build.mjs also bundles the demo, which runs on the sandbox Pi.
      ../tests/fixtures/sandbox-pi
    ];
  };
in
buildNpmPackage {
  pname = "immich-pi";
  inherit (packageJson) version;
  inherit src;
  nodejs = nodejs_22;

  # Every dependency is fetched by its lockfile hash: no npmDepsHash to keep in step.
  npmDeps = importNpmLock { npmRoot = src; };
  npmConfigHook = importNpmLock.npmConfigHook;

  nativeBuildInputs = [ makeBinaryWrapper ];

  # `npm run build` (the default build script) leaves dist/agent/immich-pi-agent.mjs with every
  # npm dependency inside and dist/pwa; node_modules is not needed at run time.
  installPhase = ''
    runHook preInstall

    install -Dm644 dist/agent/immich-pi-agent.mjs $out/lib/immich-pi-agent/immich-pi-agent.mjs
    mkdir -p $out/share/immich-pi-agent
    cp -r dist/pwa $out/share/immich-pi-agent/pwa
    makeWrapper ${lib.getExe nodejs_22} $out/bin/immich-pi-agent \
      --add-flags $out/lib/immich-pi-agent/immich-pi-agent.mjs

    runHook postInstall
  '';

  meta = {
    description = "Unlock, watch and back up an Immich Raspberry Pi from your phone";
    license = lib.licenses.mit;
    mainProgram = "immich-pi-agent";
    platforms = lib.platforms.linux;
  };
}

# The immich-pi package: the agent CLI (bin/immich-pi-agent), the three programs that run as root
# (libexec/immich-pi/immich-pi-helper, immich-pi-report-backup and immich-pi-verify-backup) and
# the app the agent serves (share/immich-pi-agent/pwa).
#
# Its source is ./prebuilt, the output of `npm run build` checked in by `npm run ship`: each
# program is one bundle that holds every npm dependency, and a test fails whenever ./prebuilt is
# not byte for byte what a fresh build of its commit makes. So the Pi builds nothing with npm,
# asks no registry for anything (the repository's lockfile names none, and this one lists no
# dependency at all), downloads no binaries for other platforms and loads no native bindings.
{
  lib,
  buildNpmPackage,
  importNpmLock,
  nodejs_22,
  makeBinaryWrapper,
}:
let
  src = ./prebuilt;
  manifest = lib.importJSON ./prebuilt/package.json;
  node = lib.getExe nodejs_22;
in
buildNpmPackage {
  pname = manifest.name;
  inherit (manifest) version;
  inherit src;
  nodejs = nodejs_22;

  # A lockfile with no dependency: importNpmLock has nothing to fetch and `npm ci` installs nothing.
  npmDeps = importNpmLock { npmRoot = src; };
  npmConfigHook = importNpmLock.npmConfigHook;
  # The bundles are the build.
  dontNpmBuild = true;

  nativeBuildInputs = [ makeBinaryWrapper ];

  installPhase = ''
    runHook preInstall

    install -Dm644 -t $out/lib/immich-pi-agent lib/*.mjs
    mkdir -p $out/share/immich-pi-agent
    cp -r pwa $out/share/immich-pi-agent/pwa
    makeWrapper ${node} $out/bin/immich-pi-agent \
      --add-flags $out/lib/immich-pi-agent/immich-pi-agent.mjs
    for program in immich-pi-helper immich-pi-report-backup immich-pi-verify-backup; do
      makeWrapper ${node} $out/libexec/immich-pi/$program \
        --add-flags $out/lib/immich-pi-agent/$program.mjs
    done

    runHook postInstall
  '';

  meta = {
    inherit (manifest) description;
    license = lib.licenses.mit;
    mainProgram = "immich-pi-agent";
    platforms = lib.platforms.linux;
  };
}

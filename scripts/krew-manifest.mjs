// The krew plugin manifest for podlens (https://krew.sigs.k8s.io/docs/developer-guide/plugin-manifest/):
// one platform entry per archive, each with the archive's sha256. The plugin is named `podlens`:
// krew's index already has `pod-lens`, a different plugin.
// The archives' download address is $PODLENS_RELEASE_URL (the release's directory); until a release
// is published there is none, and the manifest says example.invalid: install with
// `kubectl krew install --manifest=podlens.yaml --archive=podlens-linux-amd64.tar.gz`.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';

export const PLUGIN = 'podlens';

export function sha256(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Writes the manifest; `archives`: [{ os, arch, file }]. Returns its path. */
export function writeManifest({ version, archives, out, env = process.env }) {
  const base = (env.PODLENS_RELEASE_URL ?? `https://example.invalid/podlens/releases/v${version}`).replace(/\/$/, '');
  const platforms = archives
    .map(
      (a) => `  - selector:
      matchLabels:
        os: ${a.os}
        arch: ${a.arch}
    uri: ${base}/${basename(a.file)}
    sha256: ${sha256(a.file)}
    files:
      - from: kubectl-podlens
        to: .
      - from: kubectl_complete-podlens
        to: .
      - from: LICENSE
        to: .
    bin: kubectl-podlens
`,
    )
    .join('');
  writeFileSync(
    out,
    `apiVersion: krew.googlecontainertools.github.com/v1alpha2
kind: Plugin
metadata:
  name: ${PLUGIN}
spec:
  version: v${version}
  shortDescription: Explains pods - what happens, why, what to do
  description: |
    podlens explains Kubernetes pods: describe gives a verdict with its evidence and next steps,
    watch follows pods live with every transition explained, pause and node show the pause
    containers on a node. Not the pod-lens plugin: a different project.
  caveats: |
    For kubectl podlens <TAB>, link kubectl_complete-podlens into a directory on your PATH, e.g.
      ln -s "\${KREW_ROOT:-$HOME/.krew}/store/podlens/v${version}/kubectl_complete-podlens" ~/.local/bin/
  platforms:
${platforms}`,
  );
  return out;
}

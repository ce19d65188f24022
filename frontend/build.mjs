// Builds the vendored front-end files into cms/static/vendor/ (committed, so that
// `make run` needs no Node). Deterministic: the same lockfile gives the same bytes,
// which CI checks with `make assets-check`.
import { build } from "esbuild";
import { mkdirSync, readdirSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const modules = join(root, "node_modules");
const vendor = join(root, "cms", "static", "vendor");
const dwvOut = join(vendor, "dwv");

rmSync(dwvOut, { recursive: true, force: true });
mkdirSync(join(dwvOut, "assets", "workers"), { recursive: true });

const result = await build({
  entryPoints: [join(root, "frontend", "dwv-entry.js")],
  outfile: join(dwvOut, "dwv.js"),
  bundle: true,
  format: "esm",
  platform: "browser",
  target: ["es2022"],
  minify: true,
  legalComments: "none",
  logLevel: "warning",
  metafile: true,
});

// dwv starts its decoders as module workers from "./assets/workers/" next to its own URL
// (import.meta.url), so they are served from 'self' like the bundle.
const workers = join(modules, "dwv", "dist", "assets", "workers");
for (const name of readdirSync(workers).sort()) {
  if (name.endsWith(".min.js")) {
    // Without the source-map comment: the maps are not shipped, and the production static
    // storage (WhiteNoise's manifest) refuses a file that names one it cannot find.
    const code = readFileSync(join(workers, name), "utf8").replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, "\n");
    writeFileSync(join(dwvOut, "assets", "workers", name), code);
  }
}

// The licences of every package inside the bundle (from esbuild's list of its inputs).
const bundled = new Set(
  Object.keys(result.metafile.inputs)
    .map((path) => path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//))
    .filter(Boolean)
    .map((match) => match[1]),
);
const notices = [...bundled].sort().map((name) => {
  const meta = JSON.parse(readFileSync(join(modules, name, "package.json"), "utf8"));
  const licence = readdirSync(join(modules, name)).find((file) => /^licen[cs]e/i.test(file));
  const text = licence ? readFileSync(join(modules, name, licence), "utf8").trim() : meta.license;
  return `${name} ${meta.version} (${meta.license})\n\n${text}\n`;
});
writeFileSync(join(dwvOut, "LICENSES.txt"), notices.join("\n" + "-".repeat(72) + "\n\n"));

// Copy the distributable files of our npm dependencies into marketplace/static/vendor/<pkg>/.
//
// Run by `make assets` after `npm ci`. The copied files are committed, so `make run` and
// `make test` work offline and nothing is ever fetched from a CDN at run time.
//
// Why these packages:
// - @picocss/pico (v2): semantic, almost classless CSS with accessible defaults (AA contrast,
//   visible focus, responsive type and containers, styled native forms). It lets templates stay
//   plain HTML; our brand lives in marketplace/static/css/site.css on top of Pico's variables.
//   We ship the "slate" build: a restrained, industrial grey-blue that site.css refines.
// - htmx.org (v2): partial page updates from server-rendered HTML (django-htmx on the server).
// - leaflet (v1): maps of suppliers by distance; CSS, JS and the marker images it references.
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const modules = join(root, "node_modules");
const vendor = join(root, "marketplace", "static", "vendor");

// package name -> [source path inside the package, destination path inside vendor/<dir>/]
const ASSETS = {
  "@picocss/pico": {
    dir: "pico",
    files: [
      ["css/pico.slate.min.css", "pico.slate.min.css"],
      ["LICENSE.md", "LICENSE.md"],
    ],
  },
  "htmx.org": {
    dir: "htmx",
    files: [
      ["dist/htmx.min.js", "htmx.min.js"],
      ["LICENSE", "LICENSE"],
    ],
  },
  leaflet: {
    dir: "leaflet",
    files: [
      ["dist/leaflet.css", "leaflet.css"],
      ["dist/leaflet.js", "leaflet.js"],
      ["dist/images/layers.png", "images/layers.png"],
      ["dist/images/layers-2x.png", "images/layers-2x.png"],
      ["dist/images/marker-icon.png", "images/marker-icon.png"],
      ["dist/images/marker-icon-2x.png", "images/marker-icon-2x.png"],
      ["dist/images/marker-shadow.png", "images/marker-shadow.png"],
      ["LICENSE", "LICENSE"],
    ],
  },
};

// The minified JS ends with a source-map comment pointing at a file we do not ship;
// browsers then log a 404 in the console. Strip it.
const SOURCE_MAP_COMMENT = /\n?\/\/# sourceMappingURL=\S+\s*$/;

const manifest = {};
for (const [pkg, { dir, files }] of Object.entries(ASSETS)) {
  const pkgDir = join(modules, pkg);
  if (!existsSync(pkgDir)) {
    console.error(`Missing ${pkg}: run \`npm ci\` first.`);
    process.exit(1);
  }
  const { version } = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
  const destDir = join(vendor, dir);
  rmSync(destDir, { recursive: true, force: true });
  for (const [src, dest] of files) {
    const target = join(destDir, dest);
    mkdirSync(dirname(target), { recursive: true });
    if (dest.endsWith(".js")) {
      const text = readFileSync(join(pkgDir, src), "utf8").replace(SOURCE_MAP_COMMENT, "\n");
      writeFileSync(target, text);
    } else {
      copyFileSync(join(pkgDir, src), target);
    }
  }
  manifest[pkg] = { version, dir: `vendor/${dir}`, files: files.map(([, dest]) => dest) };
  console.log(`${pkg}@${version} -> marketplace/static/vendor/${dir}/ (${files.length} files)`);
}

// Which versions are committed, for reviewers and for the test suite.
writeFileSync(join(vendor, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");

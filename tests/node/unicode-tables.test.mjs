// The committed Unicode class tables (src/attn/tokenizer/unicode_tables.cpp) against a fresh run of their generator.
// Not a tokenizer test: it only says the committed C++ file is what tools/gen-unicode-tables.mjs makes in this Node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const committedPath = join(root, 'src/attn/tokenizer/unicode_tables.cpp');

test('committed unicode_tables.cpp equals the generator output', (t) => {
  const committed = readFileSync(committedPath, 'utf8');
  const version = /const char\* const kUnicodeTableVersion = "([^"]+)"/.exec(committed)?.[1];
  assert.ok(version, 'kUnicodeTableVersion not found in the committed tables');
  if (version !== process.versions.unicode) {
    // A Node with other Unicode data makes other tables; the committed ones stay valid for the version they name.
    t.skip(`tables are Unicode ${version}, this Node has ${process.versions.unicode}`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'attn-unicode-'));
  try {
    const fresh = join(dir, 'unicode_tables.cpp');
    execFileSync(process.execPath, [join(root, 'tools/gen-unicode-tables.mjs'), fresh]);
    assert.ok(readFileSync(fresh, 'utf8') === committed,
      'src/attn/tokenizer/unicode_tables.cpp is stale: run node tools/gen-unicode-tables.mjs src/attn/tokenizer/unicode_tables.cpp');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

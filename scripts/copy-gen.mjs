#!/usr/bin/env node
// After `tsc -p tsconfig.build.json`: copies the generated protobuf code (src/gen/momento.js and
// its hand-off types momento.d.ts) into dist, which tsc neither compiles nor declares (pbts
// already wrote the declarations; tsc cannot emit declarations for that JavaScript).
import { copyFileSync, mkdirSync } from 'node:fs';

mkdirSync('dist/src/gen', { recursive: true });
for (const file of ['momento.js', 'momento.d.ts']) copyFileSync(`src/gen/${file}`, `dist/src/gen/${file}`);

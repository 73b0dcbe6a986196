// npm run openapi: writes apps/presence-api/openapi.json, the document the service serves at /docs-json
// (the contract's operations and schemas with the registry's webhook routes). A test fails when they differ.
require('../test/ts-register.cjs');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { committedDocumentText } = require('../src/http/openapi-document.ts');
const { PLATFORM_REGISTRY } = require('../src/platforms/platform-registry.ts');

const file = join(__dirname, '..', 'openapi.json');
writeFileSync(file, committedDocumentText(PLATFORM_REGISTRY));
console.log(`wrote ${file}`);

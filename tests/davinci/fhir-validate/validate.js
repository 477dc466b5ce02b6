// Validates FHIR R4 resources with FHIR.js (npm `fhir`, core R4 structure
// definitions: element names, types, cardinalities, required value sets).
// Usage: node validate.js FILE...   (each file one JSON resource, or a JSON
// array of resources). Prints one line per error, "file: resourceType: path:
// message"; exit 0 when every resource is valid, 1 otherwise, 2 on bad input.
'use strict';
const fs = require('fs');
const { Fhir } = require('fhir');
const fhir = new Fhir();
let errors = 0, checked = 0;
for (const file of process.argv.slice(2)) {
  let doc;
  try { doc = JSON.parse(fs.readFileSync(file, 'utf8')); } catch (e) {
    console.log(`${file}: unreadable: ${e.message}`); process.exit(2);
  }
  for (const res of Array.isArray(doc) ? doc : [doc]) {
    checked++;
    const r = fhir.validate(res, { errorOnUnexpected: true });
    for (const m of r.messages || []) {
      if (m.severity === 'error' || m.severity === 'fatal') {
        errors++;
        console.log(`${file}: ${res.resourceType}: ${m.location}: ${m.message}`);
      }
    }
  }
}
console.log(`fhir-validate: ${checked} resources, ${errors} errors`);
process.exit(errors ? 1 : 0);

#!/usr/bin/env node
// Checks Adaptive Cards with Microsoft's own parser (the `adaptivecards` npm package, pinned
// by package-lock.json), at the version each card declares, plus the limits Teams adds.
//
//   node validate.js [--budget BYTES] [cards.json]     (no file: the JSON is read from stdin)
//
// The input is a JSON array of cards (each the `content` of an attachment). Prints a JSON
// array with one entry per card, `{"card": i, "errors": ["…", …]}`, and exits 1 when any
// card has an error (2 when the input cannot be read). A card is invalid when:
//
// - it is not an object of type "AdaptiveCard" declaring a `version` the library knows;
// - the library's parser reports anything at that version (unknown element or action type
//   for the version, an invalid property value, …), or its validation does (duplicate input
//   ids, a ChoiceSet without choices, a required input without label or error message, …);
// - its serialized JSON is longer than the budget (bytes, UTF-8; default 24,000: Teams
//   refuses an activity over about 28 KB and the card shares it with the activity's other
//   fields);
// - it breaks a Teams rule the library does not check: more than 6 actions in one set
//   (Teams drops the rest), an Image without a url, an action without a title, a table row
//   with more cells than the table has columns.
'use strict';

const fs = require('fs');
const AC = require('adaptivecards/dist/adaptivecards.js');

const MAX_ACTIONS_PER_SET = 6;

function parseArgs(argv) {
  let budget = 24000;
  let file = null;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--budget') {
      budget = Number(argv[++i]);
      if (!Number.isInteger(budget) || budget <= 0) {
        throw new Error(`--budget takes a positive number of bytes, not ${argv[i]}`);
      }
    } else if (file === null) {
      file = argv[i];
    } else {
      throw new Error(`unexpected argument ${argv[i]}`);
    }
  }
  return { budget, file };
}

/// The library's version object for a declared version string, or null when it is not one
/// the library knows.
function knownVersion(declared) {
  if (typeof declared !== 'string') return null;
  for (const [key, v] of Object.entries(AC.Versions)) {
    if (key !== 'latest' && v.toString() === declared) return v;
  }
  return null;
}

/// Teams' own rules, walked over the raw JSON (so nothing the parser dropped escapes).
function teamsRules(node, path, errors) {
  if (Array.isArray(node)) {
    node.forEach((n, i) => teamsRules(n, `${path}[${i}]`, errors));
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const type = node.type;
  if (Array.isArray(node.actions) && node.actions.length > MAX_ACTIONS_PER_SET) {
    errors.push(`${path}.actions: ${node.actions.length} actions, Teams shows at most ${MAX_ACTIONS_PER_SET}`);
  }
  if (type === 'Image' && (typeof node.url !== 'string' || node.url === '')) {
    errors.push(`${path}: Image without a url`);
  }
  if (typeof type === 'string' && type.startsWith('Action.') && (typeof node.title !== 'string' || node.title.trim() === '')) {
    errors.push(`${path}: ${type} without a title`);
  }
  if (type === 'Table') {
    const columns = Array.isArray(node.columns) ? node.columns.length : 0;
    (Array.isArray(node.rows) ? node.rows : []).forEach((row, i) => {
      const cells = row && Array.isArray(row.cells) ? row.cells.length : 0;
      if (cells > columns) {
        errors.push(`${path}.rows[${i}]: ${cells} cells, the table has ${columns} columns`);
      }
    });
  }
  for (const [k, v] of Object.entries(node)) {
    if (v !== null && typeof v === 'object') teamsRules(v, `${path}.${k}`, errors);
  }
}

function validate(card, budget) {
  const errors = [];
  if (card === null || typeof card !== 'object' || Array.isArray(card)) {
    return ['not a JSON object'];
  }
  if (card.type !== 'AdaptiveCard') {
    errors.push(`type is ${JSON.stringify(card.type)}, expected "AdaptiveCard"`);
  }
  const version = knownVersion(card.version);
  if (version === null) {
    const known = Object.keys(AC.Versions).filter((k) => k !== 'latest').map((k) => AC.Versions[k].toString());
    errors.push(`version ${JSON.stringify(card.version)} is not one the library knows (${known.join(', ')})`);
    return errors;
  }
  const bytes = Buffer.byteLength(JSON.stringify(card), 'utf8');
  if (bytes > budget) {
    errors.push(`${bytes} bytes of JSON, the budget is ${budget}`);
  }
  const ac = new AC.AdaptiveCard();
  // Teams' host configuration allows 6 actions in a set (the library's default is 5).
  ac.hostConfig = new AC.HostConfig({ actions: { maxActions: MAX_ACTIONS_PER_SET } });
  const ctx = new AC.SerializationContext(version);
  try {
    ac.parse(card, ctx);
  } catch (e) {
    errors.push(`the parser threw: ${e && e.message ? e.message : e}`);
    return errors;
  }
  for (let i = 0; i < ctx.eventCount; i++) {
    const e = ctx.getEventAt(i);
    errors.push(`parse: ${e.message}`);
  }
  for (const e of ac.validateProperties().validationEvents) {
    errors.push(`validate: ${e.message}`);
  }
  teamsRules(card, '$', errors);
  return errors;
}

function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`validate.js: ${e.message}\n`);
    process.exit(2);
  }
  let cards;
  try {
    const text = fs.readFileSync(args.file === null ? 0 : args.file, 'utf8');
    cards = JSON.parse(text);
  } catch (e) {
    process.stderr.write(`validate.js: cannot read the cards: ${e.message}\n`);
    process.exit(2);
  }
  if (!Array.isArray(cards)) {
    process.stderr.write('validate.js: expected a JSON array of cards\n');
    process.exit(2);
  }
  const results = cards.map((card, i) => ({ card: i, errors: validate(card, args.budget) }));
  process.stdout.write(JSON.stringify(results, null, 1) + '\n');
  process.exit(results.some((r) => r.errors.length > 0) ? 1 : 0);
}

main();

#!/usr/bin/env node
// Differential oracle for the policy conformance corpus.
//
// Reads JSON lines from stdin in the conformance-case format
//   {"action": "s3:GetObject" | ["a:B", ...], "resource": "arn..." (default "*"),
//    "context": {...}, "identity_policies": [doc...], "session_policies": [doc...]}
// (any other fields are ignored) and writes one JSON line per input line:
//   {"decision": "allowed" | "explicitDeny" | "implicitDeny"}
//   {"decision": "error", "error": "..."}
//
// It runs @cloud-copilot/iam-simulate (AGPL-3.0; used only as an external test
// tool, never linked or vendored). Setup: `npm ci` in this folder.
//
// Emulation of our semantics on top of iam-simulate:
//  * principal: an IAM role in account 123456789012, same account as the resource,
//    no SCPs/RCPs/boundaries/resource policy.
//  * several session policies: iam-simulate takes ONE session policy. We run one
//    simulation per session policy (each with all identity policies) and combine:
//    any run ExplicitlyDenied => explicitDeny (a Deny in any session policy or in
//    an identity policy); else any run Allowed => allowed (identity allows AND that
//    session policy allows: "at least one session policy must allow"); else
//    implicitDeny. No session policies => a single run without sessionPolicy.
//  * array action: one evaluation per action, combined: any explicitDeny =>
//    explicitDeny; all allowed => allowed; else implicitDeny. Any error => error.
//  * context values are passed through unchanged (string or string[]).
import { createInterface } from 'node:readline';
import { runSimulation } from '@cloud-copilot/iam-simulate';

const ACCOUNT = '123456789012';
const PRINCIPAL = `arn:aws:iam::${ACCOUNT}:role/chatops`;

function mapResult(r) {
  switch (r) {
    case 'Allowed':
      return 'allowed';
    case 'ExplicitlyDenied':
      return 'explicitDeny';
    case 'ImplicitlyDenied':
      return 'implicitDeny';
    default:
      throw new Error(`unexpected iam-simulate result ${JSON.stringify(r)}`);
  }
}

async function simulateOne(action, resource, context, identityPolicies, sessionPolicy) {
  const simulation = {
    request: {
      principal: PRINCIPAL,
      action,
      resource: { resource, accountId: ACCOUNT },
      contextVariables: context
    },
    identityPolicies: identityPolicies.map((policy, i) => ({ name: `identity${i}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: []
  };
  if (sessionPolicy !== undefined) simulation.sessionPolicy = sessionPolicy;
  const res = await runSimulation(simulation, { simulationMode: 'Strict' });
  if (res.resultType === 'error') {
    throw new Error(`iam-simulate error: ${JSON.stringify(res.errors)}`);
  }
  if (res.resultType !== 'single') {
    // A wildcard request resource makes iam-simulate run its pattern-overlap mode,
    // which is not the semantics the corpus describes.
    throw new Error(`iam-simulate ran in ${res.resultType} mode (wildcard request resource?)`);
  }
  const ignored = res.result?.ignoredContextKeys ?? [];
  return { decision: mapResult(res.overallResult), ignored };
}

function combine(decisions, mode) {
  if (decisions.includes('explicitDeny')) return 'explicitDeny';
  if (mode === 'any') return decisions.includes('allowed') ? 'allowed' : 'implicitDeny';
  return decisions.every((d) => d === 'allowed') ? 'allowed' : 'implicitDeny';
}

async function evaluateCase(c) {
  const actions = Array.isArray(c.action) ? c.action : [c.action];
  if (actions.length === 0) throw new Error('empty action list');
  const resource = c.resource ?? '*';
  const context = c.context ?? {};
  const identity = c.identity_policies ?? [];
  const sessions = c.session_policies ?? [];
  const ignored = new Set();
  const perAction = [];
  for (const action of actions) {
    const runs = [];
    for (const sp of sessions.length > 0 ? sessions : [undefined]) {
      const r = await simulateOne(action, resource, context, identity, sp);
      r.ignored.forEach((k) => ignored.add(k));
      runs.push(r.decision);
    }
    perAction.push(combine(runs, 'any'));
  }
  const out = { decision: combine(perAction, 'all') };
  // Context keys iam-simulate dropped because they are not valid for the action
  // (it then treats them as absent). Reported so a differential driver can skip.
  if (ignored.size > 0) out.ignored_context_keys = [...ignored];
  return out;
}

const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of rl) {
  if (line.trim() === '') continue;
  let out;
  try {
    out = await evaluateCase(JSON.parse(line));
  } catch (e) {
    out = { decision: 'error', error: String(e?.message ?? e) };
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}

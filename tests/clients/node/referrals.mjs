#!/usr/bin/env node
// The README's referrals walk-through, learned through gRPC server reflection alone: the coordinator's at-risk list,
// a referral of Naima's physical-health need under a REFERRAL consent, and the receiver's inbox stream (snapshot,
// CAUGHT_UP, then the live changes) while the receiver receives and accepts it.
//
// Usage: node referrals.mjs <coordinator token> <receiver token> [address]
//   coordinator token  development token of abdelkader.ziani@wijkteam-moerwijk.example (Naima's coordinator)
//   receiver token     development token of daan.hoogland@burenvoorburen-regentesse.example (the walking group)
//   address            host:port of the server, default localhost:5080
//
// Exit codes: 0 ok, 1 usage or unexpected error, 2 health not SERVING, 3 a service not offered, 4 a call failed.

import { randomUUID } from 'node:crypto';
import { ExitError, GrpcReflection, bearer, checkHealth, deadline, grpc, reflectedClient, run, statusName, unary } from './reflection.mjs';

const SERVICE = 'Wandelgroep tegen eenzaamheid';

async function call(client, method, request, metadata) {
  try {
    return await unary(client, method, request, metadata);
  } catch (err) {
    throw new ExitError(4, `${method} failed: ${statusName(err.code)}: ${err.details ?? err.message}`);
  }
}

async function main() {
  const args = process.argv.slice(2);
  if (args.length < 2 || args.length > 3) throw new ExitError(1, 'usage: node referrals.mjs <coordinator token> <receiver token> [address]');
  const [coordinatorToken, receiverToken, address = 'localhost:5080'] = args;
  const credentials = grpc.credentials.createInsecure();
  await checkHealth(address, credentials);
  const reflection = new GrpcReflection(address, credentials, {}, 'v1');
  const client = (name) => reflectedClient(reflection, `referralnet.v1.${name}`, address, credentials);
  const [users, cases, consents, directory, referrals] = await Promise.all(
    ['ServiceUsersService', 'CasesService', 'ConsentsService', 'OrganizationsService', 'ReferralsService'].map(client));
  const coordinator = bearer(coordinatorToken);
  const receiver = bearer(receiverToken);

  const { needs: atRisk } = await call(referrals, 'ListAtRiskNeeds', {}, coordinator);
  for (const need of atRisk) {
    console.log(`at risk: ${need.life_domain} (${need.reasons.join(', ')})`);
    for (const r of need.referrals) console.log(`  ${r.status} at ${r.to_organization_id}${r.decline_reason !== 'REFERRAL_DECLINE_REASON_UNSPECIFIED' ? ` (${r.decline_reason})` : ''}`);
  }

  const { service_user: naima } = await call(users, 'FindServiceUserByBsn', { bsn: '111222333' }, coordinator);
  const { needs } = await call(cases, 'ListNeeds', { service_user_id: naima.id, life_domains: ['LIFE_DOMAIN_PHYSICAL_HEALTH'] }, coordinator);
  const { matches } = await call(directory, 'SearchServices', { life_domains: ['LIFE_DOMAIN_PHYSICAL_HEALTH'], neighbourhood: 'moerwijk', page_size: 100 }, coordinator);
  const service = matches.map((m) => m.service).find((s) => s.name === SERVICE);
  if (!service) throw new ExitError(4, `no service '${SERVICE}' found`);
  const { consent } = await call(consents, 'GrantConsent', {
    consent: { service_user_id: naima.id, organization_id: service.organization_id, purpose: 'CONSENT_PURPOSE_REFERRAL', life_domains: ['LIFE_DOMAIN_PHYSICAL_HEALTH'], method: 'CONSENT_METHOD_VERBAL' },
    request_id: randomUUID(),
  }, coordinator);
  console.log(`consent ${consent.id} for ${service.organization_id}`);

  // The receiver's inbox: everything undecided, CAUGHT_UP, then live changes; the referral is made once it is caught up.
  const stream = referrals.WatchIncomingReferrals({}, receiver);
  let sent;
  const done = new Promise((resolve, reject) => {
    stream.on('data', async (message) => {
      try {
        const r = message.referral;
        console.log(`inbox: ${message.kind}${r ? ` ${r.id} ${r.status}` : ''}`);
        if (message.kind === 'INBOX_MESSAGE_KIND_CAUGHT_UP' && !sent) {
          ({ referral: sent } = await call(referrals, 'CreateReferral', {
            referral: { need_id: needs[0].id, consent_id: consent.id, to_service_id: service.id, note: 'Back pain and poor sleep; would like to walk with others.' },
            request_id: randomUUID(),
          }, coordinator));
          console.log(`created ${sent.id} ${sent.status}`);
        } else if (message.kind === 'INBOX_MESSAGE_KIND_REFERRAL' && sent && r.id === sent.id) {
          if (r.status === 'REFERRAL_STATUS_REQUESTED') await call(referrals, 'ReceiveReferral', { id: r.id, etag: r.etag, request_id: randomUUID() }, receiver);
          else if (r.status === 'REFERRAL_STATUS_RECEIVED') await call(referrals, 'AcceptReferral', { id: r.id, etag: r.etag, note: 'Welcome on Tuesday at ten.', request_id: randomUUID() }, receiver);
          else if (r.status === 'REFERRAL_STATUS_ACCEPTED') resolve();
        }
      } catch (err) {
        reject(err);
      }
    });
    stream.on('error', (err) => { if (err.code !== grpc.status.CANCELLED) reject(new ExitError(4, `WatchIncomingReferrals failed: ${statusName(err.code)}: ${err.details}`)); });
    setTimeout(() => reject(new ExitError(4, 'the inbox did not show the accepted referral in time')), deadline().deadline - Date.now());
  });
  try {
    await done;
  } finally {
    stream.cancel();
    for (const c of [users, cases, consents, directory, referrals]) c.close();
  }
}

run(main);

// AWS Signature Version 4 (ec2/sigv4.ts). The expected values are derived here by hand from the algorithm's steps,
// each written down as text, and the HMAC chain is computed in the test itself with node:crypto; a second case is
// the worked example of AWS's SigV4 documentation (IAM ListUsers), whose published intermediate values are
// written down below.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { amzDate, canonicalRequest, parseAuthorization, sign, signingKey, stringToSign, uriEncode } from '../../ec2/sigv4.ts';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
const mac = (k: string | Buffer, s: string): Buffer => createHmac('sha256', k).update(s).digest();

test('sigv4: a SetDesiredCapacity request, step by step', () => {
  const body = 'Action=SetDesiredCapacity&AutoScalingGroupName=web+asg&DesiredCapacity=3&HonorCooldown=false&Version=2011-01-01';
  const input = {
    method: 'POST', url: new URL('http://127.0.0.1:8080/'), body, region: 'eu-west-1', service: 'autoscaling',
    time: new Date('2026-03-04T05:06:07.890Z'),
    headers: { 'Content-Type': ' application/x-www-form-urlencoded;   charset=utf-8 ' },
  };
  // step 1: method, path, (empty) query, headers lower-cased, trimmed, inner spaces folded, sorted, each ending in
  // a newline, then the signed names, then the body's SHA-256
  const canonical = [
    'POST',
    '/',
    '',
    'content-type:application/x-www-form-urlencoded; charset=utf-8',
    'host:127.0.0.1:8080',
    'x-amz-date:20260304T050607Z',
    '',
    'content-type;host;x-amz-date',
    sha(body),
  ].join('\n');
  assert.equal(canonicalRequest(input).text, canonical);
  // step 2: algorithm, time (seconds, no separators), scope, hash of the canonical request
  const sts = `AWS4-HMAC-SHA256\n20260304T050607Z\n20260304/eu-west-1/autoscaling/aws4_request\n${sha(canonical)}`;
  assert.equal(stringToSign(input, canonical), sts);
  // step 3: kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")
  const secret = 'test-secret/key+1';
  const key = mac(mac(mac(mac('AWS4' + secret, '20260304'), 'eu-west-1'), 'autoscaling'), 'aws4_request');
  assert.deepEqual(signingKey(secret, input.time, 'eu-west-1', 'autoscaling'), key);
  // step 4: hex HMAC of the string to sign, sent in the Authorization header
  const signature = mac(key, sts).toString('hex');
  const headers = sign(input, { accessKey: 'AKIDTESTKEY', secretKey: secret });
  assert.equal(headers['x-amz-date'], '20260304T050607Z');
  assert.equal(headers['authorization'],
    `AWS4-HMAC-SHA256 Credential=AKIDTESTKEY/20260304/eu-west-1/autoscaling/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=${signature}`);
  assert.deepEqual(parseAuthorization(headers['authorization']!), {
    accessKey: 'AKIDTESTKEY', scope: '20260304/eu-west-1/autoscaling/aws4_request', signedHeaders: ['content-type', 'host', 'x-amz-date'], signature,
  });
  // any change to what is signed changes the signature
  assert.notEqual(sign({ ...input, body: body.replace('=3', '=4') }, { accessKey: 'AKIDTESTKEY', secretKey: secret })['authorization'], headers['authorization']);
});

test('sigv4: AWS documentation example (GET iam ListUsers, 20150830T123600Z)', () => {
  const input = {
    method: 'GET', url: new URL('https://iam.amazonaws.com/?Version=2010-05-08&Action=ListUsers'), body: '',
    region: 'us-east-1', service: 'iam', time: new Date('2015-08-30T12:36:00Z'),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' },
  };
  const { text } = canonicalRequest(input);
  // the query is sorted by name; the empty body hashes to e3b0c442…
  assert.equal(text, 'GET\n/\nAction=ListUsers&Version=2010-05-08\ncontent-type:application/x-www-form-urlencoded; charset=utf-8\n'
    + 'host:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n'
    + 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal(sha(text), 'f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59');
  const secret = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
  assert.equal(signingKey(secret, input.time, 'us-east-1', 'iam').toString('hex'), 'c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9');
  assert.match(sign(input, { accessKey: 'AKIDEXAMPLE', secretKey: secret })['authorization']!,
    / Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7$/);
});

test('sigv4: encoding and dates', () => {
  assert.equal(uriEncode('a b/c~d_e.f-g*'), 'a%20b%2Fc~d_e.f-g%2A');
  assert.equal(uriEncode('/a b/é', true), '/a%20b/%C3%A9');
  assert.equal(amzDate(new Date('2026-01-02T03:04:05.999Z')), '20260102T030405Z');
  assert.equal(parseAuthorization('Basic abc'), undefined);
});

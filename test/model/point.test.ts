// Group IDs and group tags (SPEC 3.1, Kapacitor models/point.go ToGroupID).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupId, groupTags, makeDimensions, NO_DIMENSIONS, fieldTypeName } from '../../model/point.ts';

test('group ID is empty without dimensions', () => {
  assert.equal(groupId('cpu', { host: 'a' }, NO_DIMENSIONS), '');
});

test('group ID lists dimension tags in sorted order, missing tags as tag=', () => {
  const dims = makeDimensions(['replicaset', 'host'], false);
  assert.deepEqual(dims.tagNames, ['host', 'replicaset']);
  assert.equal(groupId('requests', { replicaset: 'app', host: 'a', other: 'x' }, dims), 'host=a,replicaset=app');
  assert.equal(groupId('requests', { replicaset: 'app' }, dims), 'host=,replicaset=app');
});

test('group ID by measurement prefixes the name and a newline', () => {
  assert.equal(groupId('cpu', { host: 'a' }, makeDimensions(['host'], true)), 'cpu\nhost=a');
  assert.equal(groupId('cpu', {}, makeDimensions([], true)), 'cpu\n');
});

test('group tags keep only dimension tags', () => {
  assert.deepEqual(groupTags({ host: 'a', replicaset: 'app' }, makeDimensions(['replicaset'], false)), { replicaset: 'app' });
});

test('field type names as Kapacitor prints them', () => {
  assert.equal(fieldTypeName(1.5), 'float');
  assert.equal(fieldTypeName(1n), 'int');
  assert.equal(fieldTypeName('x'), 'string');
  assert.equal(fieldTypeName(true), 'boolean');
  assert.equal(fieldTypeName(undefined), 'missing');
});

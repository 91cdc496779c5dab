/**
 * Loads every node runtime (each file registers itself in nodes/registry.ts). One import line per node kind;
 * keep the list sorted. The runtime imports this module once, before starting tasks.
 */
import './stream.ts';

export { nodeFactory, registeredKinds, registerNode } from './registry.ts';

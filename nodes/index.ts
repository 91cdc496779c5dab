/**
 * Loads every node runtime (each file registers itself in nodes/registry.ts). One import line per node kind;
 * keep the list sorted. Whoever creates a TaskMaster imports `builtinNodes` from here and passes it in.
 */
import './alert.ts';
import './barrier.ts';
import './change-detect.ts';
import './combine.ts';
import './batch.ts';
import './cumulative-sum.ts';
import './default.ts';
import './delete.ts';
import './derivative.ts';
import './difference.ts';
import './elapsed.ts';
import './eval.ts';
import './flatten.ts';
import './from.ts';
import './group-by.ts';
import './http-out.ts';
import './http-post.ts';
import './join.ts';
import './k8s-autoscale.ts';
import './swarm-autoscale.ts';
import './ec2-autoscale.ts';
import './influxdb-out.ts';
import './influxql.ts'; // sum mean count min max first last spread stddev median mode percentile
import './influxql-multi.ts'; // distinct top bottom holtWinters holtWintersWithFit
import './kapacitor-loopback.ts';
import './log.ts';
import './moving-average.ts';
import './noop.ts';
import './query.ts';
import './sample.ts';
import './shift.ts';
import './sideload.ts';
import './state-tracking.ts';
import './stats.ts';
import './stream.ts';
import './trickle.ts';
import './udf.ts';
import './union.ts';
import './where.ts';
import './window.ts';

export { builtinNodes, nodeFactory, registeredKinds, registerNode } from './registry.ts';
